package io.relaycast.dtls;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counters of one {@link DtlsEndpoint}, a snapshot.
 *
 * @param inboundQueueFull          datagrams dropped because the handshake thread had not consumed
 *                                  the earlier ones yet (bounded inbound queue)
 * @param malformedDropped          datagrams that were not a sequence of whole DTLS records
 * @param oversizedDropped          datagrams larger than the receive limit
 * @param ignoredAfterEnd           datagrams that arrived after the endpoint closed or failed
 * @param timerRetransmissions      flights resent because the caller's clock passed the resend deadline
 * @param suppressedRetransmissions flights BouncyCastle tried to resend on its own during the
 *                                  handshake, which were dropped (see {@code package-info}); it
 *                                  depends on real time, unlike everything the endpoint sends
 * @param applicationDataDropped    application-data records received after the handshake (WebRTC
 *                                  media does not use them; data channels are not implemented)
 */
public record DtlsStats(long inboundQueueFull, long malformedDropped, long oversizedDropped,
                        long ignoredAfterEnd, long timerRetransmissions, long suppressedRetransmissions,
                        long applicationDataDropped) {

    /** The counters that are not zero, by name, in declaration order (for logs and reports). */
    public Map<String, Long> nonZero() {
        Map<String, Long> m = new LinkedHashMap<>();
        put(m, "inboundQueueFull", inboundQueueFull);
        put(m, "malformedDropped", malformedDropped);
        put(m, "oversizedDropped", oversizedDropped);
        put(m, "ignoredAfterEnd", ignoredAfterEnd);
        put(m, "timerRetransmissions", timerRetransmissions);
        put(m, "suppressedRetransmissions", suppressedRetransmissions);
        put(m, "applicationDataDropped", applicationDataDropped);
        return m;
    }

    private static void put(Map<String, Long> m, String name, long value) {
        if (value != 0) {
            m.put(name, value);
        }
    }
}
