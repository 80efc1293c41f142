package io.relaycast.node.media;

/**
 * The last packets of one published track, kept in plaintext so NACKs can be answered without
 * bothering the publisher (RFC 4585 §3.2: a receiver's NACK is best served by whoever is closest).
 *
 * <p>Packets are packed back to back into one ring of bytes (a packet that does not fit before
 * the ring's end starts again at 0), so each costs its own length, not a fixed slot; an index of
 * {@code capacity} entries, by sequence number modulo capacity, says where each packet lies. The
 * ring starts small ({@link #INITIAL_BYTES}) and doubles, up to {@code capacity * }
 * {@link #BYTES_PER_PACKET}, only while it is too small to hold the last {@code capacity}
 * packets: an audio track stays at a few tens of KB, a 1.5 Mbps video track grows to about
 * {@code capacity} of its packets. Budget per track (docs/architecture.md "Packet cache"): at most
 * {@code capacity * (BYTES_PER_PACKET + 24)} bytes. Storing is one copy; nothing is allocated
 * except when the ring grows.
 *
 * <p>A packet is served only while its index entry still names its sequence number and its bytes
 * have not been overwritten since (tracked with absolute write positions, so no stale bytes are
 * ever returned). Not thread-safe: one media worker owns it.
 */
final class PacketCache {
    /** Larger packets are not kept (they cannot be WebRTC media over a 1500-byte path). */
    static final int MAX_PACKET = UdpChannel.MAX_DATAGRAM;
    static final int INITIAL_BYTES = 16 * 1024;
    /** The ring's ceiling per index entry: room for {@code capacity} packets of 1 KB on average. */
    static final int BYTES_PER_PACKET = 1024;

    private final int mask;
    private final int maxBytes;
    /** Sequence number held by each index entry, or -1. */
    private final int[] sequences;
    private final int[] lengths;
    /** Absolute write position (bytes ever written, with skipped ring tails) of each entry's packet. */
    private final long[] starts;
    /** Start of each of the last {@code capacity} stores, by store number: tells when the ring is too small. */
    private final long[] storeStarts;
    private long stores;
    private byte[] ring;
    /** Absolute position of the next write; ring offset is {@code head % ring.length}. */
    private long head;
    /** Lowest absolute position whose bytes the ring still holds (growing keeps only the last lap). */
    private long validFrom;

    /** @param capacity a power of two: how many recent packets are kept at most */
    PacketCache(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two");
        }
        mask = capacity - 1;
        maxBytes = Math.max(INITIAL_BYTES, Integer.highestOneBit(capacity * BYTES_PER_PACKET));
        sequences = new int[capacity];
        lengths = new int[capacity];
        starts = new long[capacity];
        storeStarts = new long[capacity];
        java.util.Arrays.fill(sequences, -1);
        ring = new byte[Math.min(INITIAL_BYTES, maxBytes)];
    }

    /** Keeps packet {@code sequence}; a packet longer than {@link #MAX_PACKET} is not kept (and an older one under that number is forgotten). */
    void store(int sequence, byte[] buf, int off, int len) {
        int i = sequence & mask;
        if (len > MAX_PACKET || len < 0) {
            sequences[i] = -1;
            return;
        }
        long start = placement(len);
        // If this write would overwrite the oldest of the last `capacity` packets stored, the
        // ring holds fewer packets than the index: grow it, within budget.
        if (stores > 0) {
            long oldest = storeStarts[stores >= mask ? (int) ((stores + 1) & mask) : 0];
            while (ring.length < maxBytes && oldest >= validFrom && oldest < start + len - ring.length) {
                grow();
                start = placement(len);
            }
        }
        storeStarts[(int) (stores++ & mask)] = start;
        System.arraycopy(buf, off, ring, (int) (start % ring.length), len);
        head = start + len;
        validFrom = Math.max(validFrom, head - ring.length);
        sequences[i] = sequence & 0xffff;
        lengths[i] = len;
        starts[i] = start;
    }

    /** Copies packet {@code sequence} into {@code dst} and returns its length, or -1 if it is no longer kept. */
    int copy(int sequence, byte[] dst, int dstOff) {
        int i = sequence & mask;
        if (sequences[i] != (sequence & 0xffff) || isEvictedBy(i, head)) {
            return -1;
        }
        System.arraycopy(ring, (int) (starts[i] % ring.length), dst, dstOff, lengths[i]);
        return lengths[i];
    }

    /** Bytes held for packets now (the ring), for the memory budget. */
    int ringBytes() {
        return ring.length;
    }

    /** Where a packet of {@code len} bytes goes: at the head, or at the next lap's start if it would cross the ring's end. */
    private long placement(int len) {
        long pos = head % ring.length;
        return pos + len > ring.length ? head + (ring.length - pos) : head;
    }

    /**
     * Whether entry {@code i}'s bytes are (or, once the ring has been written up to {@code end},
     * would be) overwritten: they lie before the last ring length written or before what a
     * growth kept.
     */
    private boolean isEvictedBy(int i, long end) {
        return starts[i] < Math.max(validFrom, end - ring.length);
    }

    /**
     * Doubles the ring, keeping every byte of the last lap at the same absolute position: a
     * packet that was contiguous in the old ring is contiguous in the new one (its offset either
     * stays or moves up by the old length).
     */
    private void grow() {
        byte[] old = ring;
        byte[] bigger = new byte[old.length * 2];
        for (long p = Math.max(0, head - old.length); p < head; ) {
            int from = (int) (p % old.length);
            int to = (int) (p % bigger.length);
            int n = (int) Math.min(head - p, Math.min(old.length - from, bigger.length - to));
            System.arraycopy(old, from, bigger, to, n);
            p += n;
        }
        ring = bigger;
    }
}
