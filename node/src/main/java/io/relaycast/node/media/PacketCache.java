package io.relaycast.node.media;

/**
 * The last packets of one published track, kept in plaintext so NACKs can be answered without
 * bothering the publisher (RFC 4585 §3.2: a receiver's NACK is best served by whoever is closest).
 * A ring indexed by sequence number; slots are allocated once and reused, so storing costs one copy.
 */
final class PacketCache {
    private static final int MAX_PACKET = UdpChannel.MAX_DATAGRAM;
    private final byte[][] slots;
    private final int[] lengths;
    private final int[] sequences;
    private final int mask;

    /** @param capacity a power of two: how many recent packets are kept */
    PacketCache(int capacity) {
        if (Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        slots = new byte[capacity][];
        lengths = new int[capacity];
        sequences = new int[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(sequences, -1);
    }

    void store(int sequence, byte[] buf, int off, int len) {
        if (len > MAX_PACKET) {
            return;
        }
        int i = sequence & mask;
        byte[] slot = slots[i];
        if (slot == null) {
            slot = slots[i] = new byte[MAX_PACKET];
        }
        System.arraycopy(buf, off, slot, 0, len);
        lengths[i] = len;
        sequences[i] = sequence & 0xffff;
    }

    /** Copies packet {@code sequence} into {@code dst} and returns its length, or -1 if it is no longer kept. */
    int copy(int sequence, byte[] dst, int dstOff) {
        int i = sequence & mask;
        if (sequences[i] != (sequence & 0xffff) || slots[i] == null) {
            return -1;
        }
        System.arraycopy(slots[i], 0, dst, dstOff, lengths[i]);
        return lengths[i];
    }
}
