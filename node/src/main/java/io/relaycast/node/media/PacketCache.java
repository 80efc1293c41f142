package io.relaycast.node.media;

/**
 * The last packets of one published track, kept in plaintext so NACKs can be answered without
 * bothering the publisher (RFC 4585 §3.2: a receiver's NACK is best served by whoever is closest).
 *
 * <p>Packets are packed back to back into one ring of bytes, so each costs its own length, not a
 * fixed slot; an index of {@code capacity} entries, by sequence number modulo capacity, says where
 * each packet lies. The ring is made of {@link #CHUNK_BYTES} chunks and starts as one; it doubles,
 * up to {@code capacity * }{@link #BYTES_PER_PACKET}, only while it is too small to hold the last
 * {@code capacity} packets: an audio track stays at a few tens of KB, a 1.5 Mbps video track grows
 * to about {@code capacity} of its packets. Budget per track (docs/architecture.md "Packet cache"):
 * at most {@code capacity * (BYTES_PER_PACKET + 24)} bytes. Storing is one copy (in two pieces when
 * a packet crosses a chunk's end).
 *
 * <p>Why chunks: a ring of one array had to allocate, zero and copy the whole new array at each
 * doubling (1 MiB new and 512 KB copied at the last one) on the media loop; tracks that started
 * together doubled together, and in rooms20 the loop's longest turns (up to 25 ms) fell in the
 * second when its 100 publishers' caches doubled, 14 % of their samples zeroing new arrays (perf,
 * docs/benchmarks.md "Packet caches that grow without stalling"), while the discarded arrays
 * (~1 MB per video track) were the node's largest source of garbage. Doubling now moves chunk references: a
 * byte keeps its absolute position, and position {@code p} lies in chunk {@code p / CHUNK_BYTES}
 * modulo the chunk count, so a chunk of the last lap either keeps its slot or moves up by the old
 * count. New chunks are allocated one at a time when the writes first reach them, and nothing
 * becomes garbage.
 *
 * <p>A packet is served only while its index entry still names its sequence number and its bytes
 * have not been overwritten since (tracked with absolute write positions, so no stale bytes are
 * ever returned). Not thread-safe: one media worker owns it.
 */
final class PacketCache {
    /** Larger packets are not kept (they cannot be WebRTC media over a 1500-byte path). */
    static final int MAX_PACKET = UdpChannel.MAX_DATAGRAM;
    private static final int CHUNK_SHIFT = 14;
    /** The ring's unit of growth and allocation (16 KB: a few microseconds to allocate and zero). */
    static final int CHUNK_BYTES = 1 << CHUNK_SHIFT;
    static final int INITIAL_BYTES = CHUNK_BYTES;
    /** The ring's ceiling per index entry: room for {@code capacity} packets of 1 KB on average. */
    static final int BYTES_PER_PACKET = 1024;

    private final int mask;
    private final int maxBytes;
    /** Sequence number held by each index entry, or -1. */
    private final int[] sequences;
    private final int[] lengths;
    /** Absolute write position (bytes ever written) of each entry's packet. */
    private final long[] starts;
    /** Start of each of the last {@code capacity} stores, by store number: tells when the ring is too small. */
    private final long[] storeStarts;
    private long stores;
    /** The ring: a power-of-two count of chunks, each allocated when the writes first reach it. */
    private byte[][] chunks;
    /** Absolute position of the next write. */
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
        chunks = new byte[][] {new byte[CHUNK_BYTES]};
    }

    /** Keeps packet {@code sequence}; a packet longer than {@link #MAX_PACKET} is not kept (and an older one under that number is forgotten). */
    void store(int sequence, byte[] buf, int off, int len) {
        int i = sequence & mask;
        if (len > MAX_PACKET || len < 0) {
            sequences[i] = -1;
            return;
        }
        long start = head;
        // If this write would overwrite the oldest of the last `capacity` packets stored, the
        // ring holds fewer packets than the index: grow it, within budget.
        if (stores > 0) {
            long oldest = storeStarts[stores >= mask ? (int) ((stores + 1) & mask) : 0];
            while (ringBytes() < maxBytes && oldest >= validFrom && oldest < start + len - ringBytes()) {
                grow();
            }
        }
        storeStarts[(int) (stores++ & mask)] = start;
        write(start, buf, off, len);
        head = start + len;
        validFrom = Math.max(validFrom, head - ringBytes());
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
        int len = lengths[i];
        long pos = starts[i];
        for (int done = 0; done < len; ) {
            int at = (int) (pos & (CHUNK_BYTES - 1));
            int n = Math.min(len - done, CHUNK_BYTES - at);
            System.arraycopy(chunks[chunkSlot(pos)], at, dst, dstOff + done, n);
            done += n;
            pos += n;
        }
        return len;
    }

    /** Bytes held for packets now (the ring), for the memory budget. */
    int ringBytes() {
        return chunks.length << CHUNK_SHIFT;
    }

    /** Chunks allocated so far (at most {@code ringBytes() / CHUNK_BYTES}). */
    int allocatedChunks() {
        int n = 0;
        for (byte[] c : chunks) {
            n += c == null ? 0 : 1;
        }
        return n;
    }

    private int chunkSlot(long pos) {
        return (int) ((pos >>> CHUNK_SHIFT) & (chunks.length - 1));
    }

    private void write(long pos, byte[] buf, int off, int len) {
        for (int done = 0; done < len; ) {
            int slot = chunkSlot(pos);
            if (chunks[slot] == null) {
                chunks[slot] = new byte[CHUNK_BYTES];
            }
            int at = (int) (pos & (CHUNK_BYTES - 1));
            int n = Math.min(len - done, CHUNK_BYTES - at);
            System.arraycopy(buf, off + done, chunks[slot], at, n);
            done += n;
            pos += n;
        }
    }

    /**
     * Whether entry {@code i}'s bytes are (or, once the ring has been written up to {@code end},
     * would be) overwritten: they lie before the last ring length written or before what a
     * growth kept.
     */
    private boolean isEvictedBy(int i, long end) {
        return starts[i] < Math.max(validFrom, end - ringBytes());
    }

    /**
     * Doubles the ring, keeping every byte of the last lap at the same absolute position. The last
     * lap spans the old count of chunk numbers, or one more when it does not start on a chunk's
     * edge: then its oldest chunk number and its newest share one old chunk (the newest bytes
     * overwrote the start of it), so the newest keeps that chunk and the oldest's surviving bytes
     * are copied into a chunk of their own (at most one chunk copied per doubling).
     */
    private void grow() {
        byte[][] old = chunks;
        int oldCount = old.length;
        byte[][] bigger = new byte[oldCount * 2][];
        long from = Math.max(validFrom, head - ((long) oldCount << CHUNK_SHIFT));
        if (head > from) {
            long first = from >>> CHUNK_SHIFT;
            long last = (head - 1) >>> CHUNK_SHIFT;
            for (long k = first; k <= last; k++) {
                byte[] chunk = old[(int) (k & (oldCount - 1))];
                if (k == first && last - first == oldCount) {
                    int at = (int) (from & (CHUNK_BYTES - 1));
                    byte[] copy = new byte[CHUNK_BYTES];
                    System.arraycopy(chunk, at, copy, at, CHUNK_BYTES - at);
                    chunk = copy;
                }
                bigger[(int) (k & (oldCount * 2 - 1))] = chunk;
            }
        }
        // Chunks no longer in the last lap (none when the lap fills the old ring) are reused
        // for the slots the writes reach next, so nothing is thrown away.
        int spare = 0;
        for (byte[] chunk : old) {
            if (!contains(bigger, chunk)) {
                while (bigger[spare] != null) {
                    spare++;
                }
                bigger[spare] = chunk;
            }
        }
        chunks = bigger;
        validFrom = Math.max(validFrom, from);
    }

    private static boolean contains(byte[][] table, byte[] chunk) {
        for (byte[] c : table) {
            if (c == chunk) {
                return true;
            }
        }
        return false;
    }
}
