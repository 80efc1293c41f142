package io.relaycast.webrtc;

import io.relaycast.srtp.SrtpProfile;

import java.net.InetSocketAddress;
import java.util.Objects;

/** What a {@link MediaTransport} reports through {@code pollEvent()}. */
public sealed interface MediaTransportEvent {

    /**
     * ICE selected {@code current} as the peer's address, first ({@code previous} null) or after
     * the peer nominated another one (a NAT rebinding seen by consent checks). A node that routes
     * non-STUN datagrams by source address moves the transport to {@code current}.
     */
    record RemoteAddressChanged(InetSocketAddress previous, InetSocketAddress current) implements MediaTransportEvent {
        public RemoteAddressChanged {
            Objects.requireNonNull(current, "current");
        }
    }

    /**
     * DTLS-SRTP completed: SRTP keys are installed and media may flow.
     *
     * @param profile    the negotiated SRTP protection profile
     * @param iceNanos   caller time from creation (server) or {@code start} (client) to ICE selection
     * @param dtlsNanos  caller time from ICE selection (the DTLS start) to the moment the caller
     *                   handed the finished handshake to the transport (its first input after the wakeup)
     */
    record Connected(SrtpProfile profile, long iceNanos, long dtlsNanos) implements MediaTransportEvent {
        public Connected {
            Objects.requireNonNull(profile, "profile");
        }
    }

    /**
     * The transport ended; emitted exactly once and always last.
     *
     * @param detail for logs, not for parsing (for example the DTLS failure)
     */
    record Closed(CloseReason reason, String detail) implements MediaTransportEvent {
        public Closed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
