package io.relaycast.node.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketCacheTest {

    private static byte[] packet(int sequence, int len) {
        byte[] p = new byte[len];
        for (int i = 0; i < len; i++) {
            p[i] = (byte) (sequence * 31 + i);
        }
        return p;
    }

    private static byte[] read(PacketCache cache, int sequence) {
        byte[] dst = new byte[PacketCache.MAX_PACKET + 10];
        int len = cache.copy(sequence, dst, 5);
        return len < 0 ? null : Arrays.copyOfRange(dst, 5, 5 + len);
    }

    @Test
    void servesWhatWasStoredAtAnOffset() {
        PacketCache cache = new PacketCache(16);
        byte[] buf = new byte[300];
        System.arraycopy(packet(7, 200), 0, buf, 50, 200);
        cache.store(7, buf, 50, 200);
        assertArrayEquals(packet(7, 200), read(cache, 7));
        assertEquals(-1, cache.copy(8, new byte[10], 0));
    }

    @Test
    void packetsAcrossTheRingsEndAreServedWhole() {
        // 64 entries of 1000 bytes need more than the 16 KB initial ring but the budget is
        // 64 KB: the ring wraps (and grows) many times; the last 64 must always be served.
        PacketCache cache = new PacketCache(64);
        for (int s = 0; s < 1000; s++) {
            cache.store(s, packet(s, 1000 + s % 7), 0, 1000 + s % 7);
            for (int back = 0; back < Math.min(64, s + 1); back++) {
                int q = s - back;
                assertArrayEquals(packet(q, 1000 + q % 7), read(cache, q), "seq " + q + " after " + s);
            }
        }
        assertEquals(64 * 1024, cache.ringBytes());
    }

    @Test
    void sequenceNumbersWrapAt65535() {
        PacketCache cache = new PacketCache(32);
        for (int n = 65520; n < 65536 + 16; n++) {
            int s = n & 0xffff;
            cache.store(s, packet(s, 100), 0, 100);
        }
        for (int n = 65520; n < 65536 + 16; n++) {
            int s = n & 0xffff;
            assertArrayEquals(packet(s, 100), read(cache, s), "seq " + s);
        }
        // A number 65536 later than a kept one is a different packet.
        assertEquals(-1, cache.copy(65519, new byte[200], 0));
    }

    @Test
    void oversizedPacketIsNotKeptAndForgetsTheOldOne() {
        PacketCache cache = new PacketCache(16);
        cache.store(3, packet(3, 100), 0, 100);
        byte[] huge = new byte[PacketCache.MAX_PACKET + 1];
        cache.store(19, huge, 0, huge.length); // same index entry as 3
        assertEquals(-1, cache.copy(19, new byte[huge.length], 0));
        assertEquals(-1, cache.copy(3, new byte[200], 0));
        cache.store(4, packet(4, PacketCache.MAX_PACKET), 0, PacketCache.MAX_PACKET);
        assertArrayEquals(packet(4, PacketCache.MAX_PACKET), read(cache, 4));
    }

    @Test
    void evictsByIndexAndByBytesWithinTheBudget() {
        PacketCache cache = new PacketCache(16); // budget: the 16 KB floor
        for (int s = 0; s < 40; s++) {
            cache.store(s, packet(s, 2000), 0, 2000);
        }
        assertEquals(PacketCache.INITIAL_BYTES, cache.ringBytes());
        // 16 KB holds 8 packets of 2000 bytes: older ones are gone though the index still has room.
        for (int s = 32; s < 40; s++) {
            assertArrayEquals(packet(s, 2000), read(cache, s), "seq " + s);
        }
        for (int s = 0; s < 31; s++) {
            assertEquals(-1, cache.copy(s, new byte[2100], 0), "seq " + s);
        }
        // Index eviction: small packets, 16 entries, the 17th back is gone.
        for (int s = 100; s < 140; s++) {
            cache.store(s, packet(s, 50), 0, 50);
        }
        assertEquals(-1, cache.copy(123, new byte[100], 0));
        assertArrayEquals(packet(124, 50), read(cache, 124));
    }

    @Test
    void audioSizedTrackStaysSmall() {
        PacketCache cache = new PacketCache(128);
        for (int s = 0; s < 5000; s++) {
            cache.store(s, packet(s, 160), 0, 160);
        }
        assertTrue(cache.ringBytes() <= 32 * 1024, "ring " + cache.ringBytes());
    }

    @Test
    void neverServesStaleBytesUnderRandomTraffic() {
        Random random = new Random(42);
        PacketCache cache = new PacketCache(256);
        Map<Integer, byte[]> last = new HashMap<>();
        int seq = 60000;
        for (int step = 0; step < 20000; step++) {
            int s = random.nextInt(10) == 0 ? (seq - random.nextInt(300)) & 0xffff : (seq++) & 0xffff;
            int len = random.nextInt(4) == 0 ? 40 + random.nextInt(200) : 900 + random.nextInt(300);
            byte[] p = new byte[len];
            random.nextBytes(p);
            cache.store(s, p, 0, len);
            last.put(s, p);
            int q = (seq - random.nextInt(400)) & 0xffff;
            byte[] got = read(cache, q);
            if (got != null) {
                assertArrayEquals(last.get(q), got, "seq " + q);
            }
        }
        assertTrue(cache.ringBytes() <= 256 * PacketCache.BYTES_PER_PACKET);
    }

    @Test
    void growingAllocatesOnlyTheChunksItFillsAndDiscardsNone() {
        // A video track filling its 1 MiB budget: doubling by copying the ring would allocate
        // 16 KB + 32 KB + ... + 1 MiB (~2 MiB) and throw all but the last away.
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[][] packets = new byte[1024][];
        for (int s = 0; s < packets.length; s++) {
            packets[s] = packet(s, 900 + s % 100); // 1024 of them fit in the 1 MiB budget
        }
        long tid = Thread.currentThread().getId();
        PacketCache cache = new PacketCache(1024);
        long before = threads.getThreadAllocatedBytes(tid);
        for (int s = 0; s < 3000; s++) {
            cache.store(s, packets[s % 1024], 0, packets[s % 1024].length);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(1024 * 1024, cache.ringBytes());
        assertEquals(cache.ringBytes() / PacketCache.CHUNK_BYTES, cache.allocatedChunks());
        // The chunks themselves, at most one copied chunk per doubling (6), and the chunk tables.
        long bound = cache.ringBytes() + 6L * (PacketCache.CHUNK_BYTES + 16) + 4096;
        assertTrue(allocated <= bound, "allocated " + allocated + " bytes, bound " + bound);
        for (int s = 3000 - 1024; s < 3000; s++) {
            assertArrayEquals(packets[s % 1024], read(cache, s), "seq " + s);
        }
    }

    @Test
    void packetsAcrossChunkEdgesSurviveEveryDoubling() {
        // Odd sizes put chunk edges inside packets and growth at every offset of a chunk.
        PacketCache cache = new PacketCache(512);
        Random random = new Random(7);
        byte[][] kept = new byte[512][];
        for (int s = 0; s < 4000; s++) {
            int len = 1 + random.nextInt(PacketCache.MAX_PACKET);
            byte[] p = new byte[len];
            random.nextBytes(p);
            cache.store(s, p, 0, len);
            kept[s & 511] = p;
            // Everything the ring's length still covers is served, byte for byte.
            long bytes = 0;
            for (int back = 0; back < Math.min(512, s + 1); back++) {
                int q = s - back;
                bytes += kept[q & 511].length;
                if (bytes > cache.ringBytes()) {
                    break;
                }
                assertArrayEquals(kept[q & 511], read(cache, q), "seq " + q + " after " + s);
            }
        }
        assertEquals(512 * 1024, cache.ringBytes());
    }

    @Test
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new PacketCache(100));
        assertThrows(IllegalArgumentException.class, () -> new PacketCache(0));
    }
}
