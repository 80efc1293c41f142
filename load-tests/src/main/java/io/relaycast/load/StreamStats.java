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
    /**
     * Sequence numbers skipped by a jump and not received since, with when they were skipped
     * (System.nanoTime; bounded to {@link #MAX_HOLES}): where a stream's residual loss sits in
     * time (its start, a stall, its end) tells what lost it.
     */
    final java.util.LinkedHashMap<Integer, Long> holes = new java.util.LinkedHashMap<>();
    static final int MAX_HOLES = 512;
    /** Sequence numbers NACKed and not yet repaired (bounded). */
    final java.util.Set<Integer> pendingNacks = new java.util.HashSet<>();
    /** Its receiver was in one of the calls in progress when a join storm (--storm) began. */
    boolean inProgressCall;
    /**
     * Simulcast layers, from the layer index the publisher marked in each video payload
     * ({@link MediaPattern#layerOf}): the layer of the last packet (-1: none marked yet), packets
     * and first packet time per layer index, layer changes, and changes that did not start a
     * frame (the packet before had no marker bit, or the new layer's packet was not the first of
     * a frame) or did not start on a keyframe. The last two must stay 0.
     */
    int layer = -1;
    final long[] layerPackets = new long[MediaPattern.LAYER_RIDS.length];
    final long[] layerFirstPacketNanos = new long[MediaPattern.LAYER_RIDS.length];
    long layerSwitches;
    long midFrameSwitches;
    long switchesOffKeyframe;
    boolean lastMarker = true;

    /** Loop thread: one video packet's layer mark and frame position. */
    void onLayer(int index, boolean marker, boolean frameStart, boolean keyframe, long now) {
        if (index < 0) {
            lastMarker = marker;
            return;
        }
        if (layerPackets[index]++ == 0) {
            layerFirstPacketNanos[index] = now;
        }
        if (layer >= 0 && index != layer) {
            layerSwitches++;
            if (!lastMarker || !frameStart) {
                midFrameSwitches++;
            }
            if (!keyframe) {
                switchesOffKeyframe++;
            }
        }
        layer = index;
        lastMarker = marker;
    }

    /** The rid of the layer last received, or null when no packet was marked. */
    String layerRid() {
        return layer < 0 ? null : MediaPattern.LAYER_RIDS[layer];
    }

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
