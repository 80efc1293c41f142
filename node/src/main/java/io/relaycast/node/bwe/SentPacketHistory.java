package io.relaycast.node.bwe;

import java.util.Arrays;

/**
 * The packets the node sent on one transport, by their 16-bit transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): send time, size, probe cluster, and
 * whether feedback already covered it. A fixed ring: recording a packet allocates nothing, and a
 * packet is forgotten once 16 384 later ones have been sent (seconds at any rate a browser
 * downlink carries; feedback comes every 50-100 ms).
 *
 * <p>Layout: a slot is two adjacent longs in one array (the send time, then the sequence number,
 * the reported flag, the size and the cluster packed), so recording a packet writes one cache
 * line, shared with the next three packets. Five parallel arrays (one per field) made each packet
 * touch five lines in five places; a node keeps a history per subscriber, and across 200
 * subscribers that cost 48 ns per packet against 6 ns for one (a micro-benchmark of
 * SendSideEstimator.onPacketSent, docs/benchmarks.md "What a forwarded packet still costs").
 */
final class SentPacketHistory {
    private static final int SIZE = 1 << 14;
    private static final int MASK = SIZE - 1;
    /**
     * Packed word: bits 0-16 the sequence number (17 bits so that {@link #EMPTY}'s value matches
     * no 16-bit number), 17 reported, 18-33 size, 34-63 cluster.
     */
    private static final long SEQUENCE_BITS = 0x1ffffL;
    private static final long EMPTY = SEQUENCE_BITS;
    private static final long REPORTED = 1L << 17;
    private static final int SIZE_SHIFT = 18;
    private static final int CLUSTER_SHIFT = 34;

    private final long[] slots = new long[2 * SIZE];

    SentPacketHistory() {
        for (int i = 1; i < slots.length; i += 2) {
            slots[i] = EMPTY;
        }
    }

    /**
     * Records a packet; {@code size} is clamped to 65 535 and {@code cluster} (a probe cluster
     * id, 0 for none, counted up from 1) kept to its low 30 bits.
     */
    void add(int sequence, int size, long nowNanos, int cluster) {
        int slot = (sequence & MASK) << 1;
        slots[slot] = nowNanos;
        slots[slot + 1] = (sequence & 0xffff)
                | (long) Math.min(Math.max(size, 0), 0xffff) << SIZE_SHIFT
                | (long) (cluster & 0x3fffffff) << CLUSTER_SHIFT;
    }

    /** The slot of {@code sequence}, or -1 when it was never sent or has been overwritten. */
    int find(int sequence) {
        int seq = sequence & 0xffff;
        int slot = (seq & MASK) << 1;
        return (slots[slot + 1] & SEQUENCE_BITS) == seq ? slot : -1;
    }

    int size(int slot) {
        return (int) (slots[slot + 1] >>> SIZE_SHIFT) & 0xffff;
    }

    long sendNanos(int slot) {
        return slots[slot];
    }

    int cluster(int slot) {
        return (int) (slots[slot + 1] >>> CLUSTER_SHIFT);
    }

    boolean reported(int slot) {
        return (slots[slot + 1] & REPORTED) != 0;
    }

    void markReported(int slot) {
        slots[slot + 1] |= REPORTED;
    }
}
