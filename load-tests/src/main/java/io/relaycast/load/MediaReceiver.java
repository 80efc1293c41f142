package io.relaycast.load;

import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;

import java.util.HashMap;
import java.util.Map;

/**
 * The receiving half of one client: RTP packets (already unprotected) go to the stream of their
 * SSRC. What an SSRC is (publisher, audio or video) is learned from the SDP ({@link #expect});
 * a packet of an SSRC the SDP never announced is still measured, under publisher "?".
 */
final class MediaReceiver {
    record Source(String publisherId, String kind, int clockRate, long setupStartNanos) {
    }

    private final String receiverId;
    private final RunStats stats;
    private final Map<Integer, Source> expected = new HashMap<>();
    private final Map<Integer, StreamStats> streams = new HashMap<>();
    private final RtpHeader header = new RtpHeader();
    long firstPacketNanos;
    long malformed;

    MediaReceiver(String receiverId, RunStats stats) {
        this.receiverId = receiverId;
        this.stats = stats;
    }

    /** The SDP announced {@code ssrc} as {@code publisherId}'s track of {@code kind}. */
    void expect(int ssrc, String publisherId, String kind, int clockRate, long setupStartNanos) {
        expected.putIfAbsent(ssrc, new Source(publisherId, kind, clockRate, setupStartNanos));
    }

    /** RTX repair streams are announced but not measured: they carry retransmissions only. */
    void ignore(int ssrc) {
        expected.put(ssrc, new Source(null, "rtx", 90000, 0));
    }

    void onRtp(long now, byte[] buf, int off, int len) {
        try {
            header.wrap(buf, off, len);
        } catch (RtpException e) {
            malformed++;
            return;
        }
        int ssrc = header.ssrc();
        StreamStats s = streams.get(ssrc);
        if (s == null) {
            Source src = expected.get(ssrc);
            if (src != null && src.publisherId() == null) {
                return;
            }
            if (src == null) {
                src = new Source("?", header.payloadType() == MediaPattern.AUDIO_PT_DEFAULT ? "audio" : "video", 90000, 0);
            }
            s = stats.newStream(receiverId, src.publisherId(), src.kind(), ssrc, src.clockRate());
            s.setupStartNanos = src.setupStartNanos();
            s.firstPacketNanos = now;
            streams.put(ssrc, s);
            if (firstPacketNanos == 0) {
                firstPacketNanos = now;
            }
        }
        s.reception.onPacket(header.sequenceNumber(), header.timestamp() & 0xffffffffL, now);
        s.packets++;
        s.bytes += len;
        int p = header.payloadOffset();
        if (header.payloadLength() >= MediaPattern.SEND_TIME_OFFSET + 8) {
            long sent = MediaPattern.getLong(buf, p + MediaPattern.SEND_TIME_OFFSET);
            long micros = (now - sent) / 1000;
            if (micros >= 0 && micros < 60_000_000L) {
                s.latencyMicros.record(micros);
                stats.latency(micros);
            }
        }
    }

    int streamCount() {
        return streams.size();
    }
}
