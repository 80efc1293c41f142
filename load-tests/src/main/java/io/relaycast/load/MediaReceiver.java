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

    /** Sends a generic NACK (RFC 4585 §6.2.1) for a media SSRC. */
    interface NackSender {
        void nack(int mediaSsrc, int[] sequences);
    }

    private static final int MAX_PENDING_NACKS = 256;
    private final String receiverId;
    private final RunStats stats;
    private final Map<Integer, Integer> rtxToMedia = new HashMap<>();
    private final java.util.Random lossRandom;
    private final double receiveLoss;
    private NackSender nackSender;
    private final Map<Integer, Source> expected = new HashMap<>();
    private final Map<Integer, StreamStats> streams = new HashMap<>();
    private final RtpHeader header = new RtpHeader();
    long firstPacketNanos;
    long malformed;

    MediaReceiver(String receiverId, RunStats stats) {
        this(receiverId, stats, 0, 0);
    }

    MediaReceiver(String receiverId, RunStats stats, double receiveLoss, long seed) {
        this.receiverId = receiverId;
        this.stats = stats;
        this.receiveLoss = receiveLoss;
        this.lossRandom = new java.util.Random(seed);
    }

    void nackSender(NackSender sender) {
        this.nackSender = sender;
    }

    /** The SDP announced {@code ssrc} as {@code publisherId}'s track of {@code kind}. */
    void expect(int ssrc, String publisherId, String kind, int clockRate, long setupStartNanos) {
        expected.putIfAbsent(ssrc, new Source(publisherId, kind, clockRate, setupStartNanos));
    }

    /** RTX repair streams are announced but not measured: they carry retransmissions only. */
    void ignore(int ssrc) {
        expected.put(ssrc, new Source(null, "rtx", 90000, 0));
    }

    /** {@code rtxSsrc} repairs {@code mediaSsrc} (a=ssrc-group:FID, RFC 4588 §8). */
    void repairs(int rtxSsrc, int mediaSsrc) {
        ignore(rtxSsrc);
        rtxToMedia.put(rtxSsrc, mediaSsrc);
    }

    void onRtp(long now, byte[] buf, int off, int len) {
        try {
            header.wrap(buf, off, len);
        } catch (RtpException e) {
            malformed++;
            return;
        }
        int ssrc = header.ssrc();
        Integer repaired = rtxToMedia.get(ssrc);
        if (repaired != null) {
            onRetransmission(repaired, now);
            return;
        }
        if (receiveLoss > 0 && lossRandom.nextDouble() < receiveLoss) {
            stats.simulatedLosses++;
            return;
        }
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
        trackHoles(s, header.sequenceNumber(), now);
        nackGaps(s, header.sequenceNumber());
        s.packets++;
        s.bytes += len;
        int p = header.payloadOffset();
        if ("video".equals(s.kind)) {
            layerOf(s, buf, p, header.payloadLength(), now);
        }
        if (header.payloadLength() >= MediaPattern.SEND_TIME_OFFSET + 8) {
            long sent = MediaPattern.getLong(buf, p + MediaPattern.SEND_TIME_OFFSET);
            long micros = (now - sent) / 1000;
            if (micros >= 0 && micros < 60_000_000L) {
                s.latencyMicros.record(micros);
                stats.latency(s, micros);
            }
        }
    }

    /**
     * The simulcast layer a video packet belongs to (the publisher's mark in the payload), and
     * where it sits in its frame: the VP8 payload descriptor's S bit and partition index (RFC 7741
     * §4.2), then the frame tag's key-frame bit (RFC 6386 §9.1) in a frame's first packet.
     */
    private void layerOf(StreamStats s, byte[] b, int p, int len, long now) {
        int layer = MediaPattern.layerOf(b, p, len);
        int d = vp8DescriptorLength(b, p, len);
        boolean start = d > 0 && (b[p] & 0x10) != 0 && (b[p] & 0x0f) == 0;
        boolean key = start && len > d && (b[p + d] & 0x01) == 0;
        s.onLayer(layer, header.marker(), start, key, now);
    }

    /** Length of the VP8 payload descriptor at {@code p} (RFC 7741 §4.2), or 0 if it does not fit. */
    static int vp8DescriptorLength(byte[] b, int p, int len) {
        if (len < 1) {
            return 0;
        }
        int n = 1;
        if ((b[p] & 0x80) != 0) {
            if (len < 2) {
                return 0;
            }
            int x = b[p + 1] & 0xff;
            n = 2;
            if ((x & 0x80) != 0) { // I: picture id, 7 or 15 bits
                if (len < n + 1) {
                    return 0;
                }
                n += (b[p + n] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                n++;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
                n++;
            }
        }
        return n <= len ? n : 0;
    }

    /** Notes what a jump in sequence numbers skipped, and forgets what arrives late (StreamStats.holes). */
    private static void trackHoles(StreamStats s, int seq, long now) {
        if (s.highestSeq < 0) {
            return;
        }
        int ahead = (seq - s.highestSeq) & 0xffff;
        if (ahead == 0 || ahead >= 0x8000) {
            s.holes.remove(seq);
            return;
        }
        for (int i = 1; i < ahead && i < 100 && s.holes.size() < StreamStats.MAX_HOLES; i++) {
            s.holes.put((s.highestSeq + i) & 0xffff, now);
        }
    }

    /** Asks at once for what a jump in sequence numbers skipped (a receiver's NACK, RFC 4585 §3.2). */
    private void nackGaps(StreamStats s, int seq) {
        if (s.highestSeq < 0) {
            s.highestSeq = seq;
            return;
        }
        int ahead = (seq - s.highestSeq) & 0xffff;
        if (ahead == 0 || ahead >= 0x8000) {
            s.pendingNacks.remove(seq);
            return;
        }
        // Video only: browsers negotiate NACK and RTX for video; Opus relies on its own FEC.
        if (ahead > 1 && ahead < 100 && nackSender != null && "video".equals(s.kind)
                && s.pendingNacks.size() < MAX_PENDING_NACKS) {
            int[] missing = new int[ahead - 1];
            for (int i = 1; i < ahead; i++) {
                missing[i - 1] = (s.highestSeq + i) & 0xffff;
                s.pendingNacks.add(missing[i - 1]);
            }
            nackSender.nack(s.ssrc, missing);
            stats.nacksSent++;
        }
        s.highestSeq = seq;
    }

    /** An RTX packet: the original sequence number leads its payload (RFC 4588 §4). */
    private void onRetransmission(int mediaSsrc, long now) {
        stats.retransmissionsReceived++;
        StreamStats s = streams.get(mediaSsrc);
        if (s == null || header.payloadLength() < 2) {
            return;
        }
        byte[] b = header.buffer();
        int p = header.payloadOffset();
        int osn = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
        if (s.pendingNacks.remove(osn)) {
            s.holes.remove(osn);
            stats.recovered++;
            s.reception.onPacket(osn, header.timestamp() & 0xffffffffL, now);
        }
    }

    int streamCount() {
        return streams.size();
    }
}
