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
    void capacityMustBeAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new PacketCache(100));
        assertThrows(IllegalArgumentException.class, () -> new PacketCache(0));
    }
}
