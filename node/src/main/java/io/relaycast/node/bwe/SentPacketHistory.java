package io.relaycast.node.bwe;

import java.util.Arrays;

/**
 * The packets the node sent on one transport, by their 16-bit transport-wide sequence number
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2): send time, size, probe cluster, and
 * whether feedback already covered it. A fixed ring of primitive arrays: recording a packet
 * allocates nothing, and a packet is forgotten once 16 384 later ones have been sent (seconds at
 * any rate a browser downlink carries; feedback comes every 50-100 ms).
 */
final class SentPacketHistory {
    private static final int SIZE = 1 << 14;
    private static final int MASK = SIZE - 1;
    private final int[] sequences = new int[SIZE];
    private final int[] sizes = new int[SIZE];
    private final long[] sendNanos = new long[SIZE];
    private final int[] clusters = new int[SIZE];
    private final boolean[] reported = new boolean[SIZE];

    SentPacketHistory() {
        Arrays.fill(sequences, -1);
    }

    void add(int sequence, int size, long nowNanos, int cluster) {
        int seq = sequence & 0xffff;
        int slot = seq & MASK;
        sequences[slot] = seq;
        sizes[slot] = size;
        sendNanos[slot] = nowNanos;
        clusters[slot] = cluster;
        reported[slot] = false;
    }

    /** The slot of {@code sequence}, or -1 when it was never sent or has been overwritten. */
    int find(int sequence) {
        int seq = sequence & 0xffff;
        int slot = seq & MASK;
        return sequences[slot] == seq ? slot : -1;
    }

    int size(int slot) {
        return sizes[slot];
    }

    long sendNanos(int slot) {
        return sendNanos[slot];
    }

    int cluster(int slot) {
        return clusters[slot];
    }

    boolean reported(int slot) {
        return reported[slot];
    }

    void markReported(int slot) {
        reported[slot] = true;
    }
}
