package io.relaycast.load;

import io.relaycast.rtp.ReceptionStatistics;

/**
 * What one receiving client saw of one remote RTP stream (one publisher's audio or video):
 * loss and jitter from sequence numbers (RFC 3550 A.1/A.8 via {@link ReceptionStatistics}),
 * one-way latency from the send time the publisher wrote into the payload, and how long after
 * both ends had joined the first packet arrived. Loop thread only.
 */
final class StreamStats {
    final String receiverId;
    final String publisherId;
    final String kind;
    final int ssrc;
    final int clockRate;
    final ReceptionStatistics reception;
    final Histogram latencyMicros = new Histogram();
    /** Both ends joined (the later join), System.nanoTime; 0 when unknown. */
    long setupStartNanos;
    long firstPacketNanos;
    long packets;
    long bytes;
    /** Highest sequence number seen, for gap detection; -1 before the first packet. */
    int highestSeq = -1;
    /** Sequence numbers NACKed and not yet repaired (bounded). */
    final java.util.Set<Integer> pendingNacks = new java.util.HashSet<>();
    /** Its receiver was in one of the calls in progress when a join storm (--storm) began. */
    boolean inProgressCall;
    /** Snapshot for per-interval loss, taken by the sampler. */
    long expectedMark;
    long receivedMark;

    StreamStats(String receiverId, String publisherId, String kind, int ssrc, int clockRate) {
        this.receiverId = receiverId;
        this.publisherId = publisherId;
        this.kind = kind;
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.reception = new ReceptionStatistics(clockRate);
    }

    /** Lost fraction over the whole run (0 when nothing expected); negative loss (duplicates) is 0. */
    double lossFraction() {
        long expected = reception.expected();
        if (expected <= 0) {
            return 0;
        }
        return Math.max(0, (double) (expected - reception.received()) / expected);
    }

    /** Interarrival jitter in milliseconds. */
    double jitterMillis() {
        return reception.jitter() * 1000.0 / clockRate;
    }
}
