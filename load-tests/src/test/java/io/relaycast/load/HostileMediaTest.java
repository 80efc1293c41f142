package io.relaycast.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3's media-port robustness, with real client stacks from shared-model: while three peers
 * run a call through a real node, another socket (an address that never passed ICE) sprays the
 * node's media port with seeded garbage in every RFC 7983 range. Every garbage datagram must be
 * dropped and counted, and the call must not notice.
 */
class HostileMediaTest {
    private static final int GARBAGE = 20_000;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void garbageFromAnUnvalidatedAddressIsDroppedCountedAndChangesNothing(@TempDir Path out) throws Exception {
        AtomicInteger sent = new AtomicInteger();
        try (InProcessNode n = InProcessNode.start()) {
            Thread sprayer = new Thread(() -> spray(n.mediaPort(), sent), "garbage-sprayer");
            Options o = n.options(3, 8, out);
            double dropsBefore = n.metricSum("relaycast_drops_total");
            sprayer.start();
            Result r = LoadTest.run(o);
            sprayer.join(30_000);
            double dropped = n.metricSum("relaycast_drops_total") - dropsBefore;

            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsFailed")).longValue(), () -> "quality " + q);
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            assertEquals(12, ((Number) q.get("receivingStreams")).intValue(), () -> "quality " + q);
            assertEquals(0L, ((Number) q.get("srtpAuthFailures")).longValue(), () -> "quality " + q);
            assertTrue(((Number) q.get("loss")).doubleValue() < 0.005, () -> "the call noticed: loss " + q.get("loss"));
            assertEquals(GARBAGE, sent.get());
            // Every garbage datagram is dropped and counted once; the call's own traffic adds at most a few.
            assertTrue(dropped >= GARBAGE && dropped <= GARBAGE + 50,
                    "garbage sent " + GARBAGE + ", drops counted " + dropped);
        }
    }

    /** Seeded garbage: STUN-, DTLS-, RTP/RTCP-looking and out-of-range first bytes, random lengths. */
    private static void spray(int port, AtomicInteger sent) {
        Random random = new Random(20261122L);
        int[] firstBytes = {0, 1, 3, 20, 22, 23, 63, 0x80, 0x90, 0xbf, 4, 64, 127, 192, 255};
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetAddress to = InetAddress.getLoopbackAddress();
            Thread.sleep(4000); // while the call runs
            for (int i = 0; i < GARBAGE; i++) {
                byte[] b = new byte[1 + random.nextInt(1400)];
                random.nextBytes(b);
                b[0] = (byte) firstBytes[random.nextInt(firstBytes.length)];
                if ((b[0] & 0xff) <= 3 && b.length >= 8) {
                    // Half the STUN-looking ones carry the magic cookie, to reach the STUN parser.
                    if (random.nextBoolean()) {
                        b[4] = 0x21;
                        b[5] = 0x12;
                        b[6] = (byte) 0xa4;
                        b[7] = 0x42;
                    }
                }
                s.send(new DatagramPacket(b, b.length, to, port));
                sent.incrementAndGet();
                if (i % 500 == 499) {
                    Thread.sleep(50); // ~10 000 datagrams a second: hostile, not a bandwidth test
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
