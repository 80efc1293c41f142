package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The hand-over of received datagrams from a receiving thread to the media loop. */
class DatagramRingTest {
    private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 5000);

    /** What the loop saw: first byte, length and arrival of each datagram, in order. */
    private final List<long[]> seen = new ArrayList<>();
    private final MediaLoop.Receiving receiver = (now, from, buf, len) -> seen.add(new long[] {buf[0], len, now});

    private static boolean put(DatagramRing ring, DatagramChannel ch, MediaLoop.Receiving to, int value, long arrival) {
        ByteBuffer b = ring.claim();
        if (b == null) {
            return false;
        }
        b.put((byte) value).put(new byte[value % 7]);
        ring.fill(arrival, FROM, ch, to);
        return true;
    }

    @Test
    void datagramsArriveInOrderWithTheirLengthAndArrivalAcrossManyWrapArounds() throws Exception {
        DatagramRing ring = new DatagramRing(8);
        try (DatagramChannel ch = DatagramChannel.open()) {
            int next = 0;
            for (int round = 0; round < 10; round++) {
                for (int k = 0; k < 5; k++, next++) {
                    assertTrue(put(ring, ch, receiver, next, 1000 + next));
                }
                assertTrue(ring.publish());
                assertEquals(5, ring.drain(100));
            }
            assertTrue(ring.isEmpty());
            assertEquals(50, seen.size());
            for (int i = 0; i < 50; i++) {
                assertEquals((byte) i, seen.get(i)[0]);
                assertEquals(1 + i % 7, seen.get(i)[1]);
                assertEquals(1000 + i, seen.get(i)[2]);
            }
        }
    }

    @Test
    void unpublishedSlotsAreNotSeenAndAFullRingRefusesUntilTheLoopFreesASlot() throws Exception {
        DatagramRing ring = new DatagramRing(4);
        try (DatagramChannel ch = DatagramChannel.open()) {
            for (int i = 0; i < 4; i++) {
                assertTrue(put(ring, ch, receiver, i, i));
            }
            assertNull(ring.claim(), "four filled slots of four, even unpublished");
            assertTrue(ring.isEmpty(), "nothing published yet");
            assertEquals(0, ring.drain(10));
            assertTrue(ring.publish());
            assertFalse(ring.publish(), "nothing more to publish");
            assertNull(ring.claim());
            assertEquals(1, ring.drain(1));
            assertNotNull(ring.claim(), "one slot free again");
            assertEquals(3, ring.drain(10));
            assertEquals(4, seen.size());
        }
    }

    @Test
    void aDatagramWhoseChannelClosedMeanwhileIsSkipped() throws Exception {
        DatagramRing ring = new DatagramRing(4);
        DatagramChannel closed = DatagramChannel.open();
        try (DatagramChannel open = DatagramChannel.open()) {
            put(ring, closed, receiver, 1, 1);
            put(ring, open, receiver, 2, 2);
            ring.publish();
            closed.close();
            assertEquals(2, ring.drain(10), "both slots are freed");
            assertEquals(1, seen.size());
            assertEquals(2, seen.get(0)[0]);
        }
    }

    @Test
    void aReceiverThatThrowsLosesOnlyItsOwnDatagram() throws Exception {
        DatagramRing ring = new DatagramRing(4);
        MediaLoop.Receiving throwing = (now, from, buf, len) -> {
            throw new IllegalStateException("bad client");
        };
        try (DatagramChannel ch = DatagramChannel.open()) {
            put(ring, ch, throwing, 1, 1);
            put(ring, ch, receiver, 2, 2);
            ring.publish();
            assertThrows(IllegalStateException.class, () -> ring.drain(10));
            assertEquals(1, ring.drain(10), "the next datagram is still there");
            assertEquals(2, seen.get(0)[0]);
            assertTrue(ring.isEmpty());
        }
    }

    @Test
    void theCapacityIsAPowerOfTwo() {
        assertThrows(IllegalArgumentException.class, () -> new DatagramRing(6));
        assertEquals(4096, new DatagramRing(4096).capacity());
    }
}
