package io.relaycast.node.bwe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The packed ring: every field comes back as recorded, and only the packet recorded last in a slot is found. */
class SentPacketHistoryTest {

    @Test
    void fieldsComeBackAsRecorded() {
        SentPacketHistory h = new SentPacketHistory();
        h.add(65_535, 1_200, 123_456_789_012L, 0x3fffffff);
        int slot = h.find(65_535);
        assertTrue(slot >= 0);
        assertEquals(1_200, h.size(slot));
        assertEquals(123_456_789_012L, h.sendNanos(slot));
        assertEquals(0x3fffffff, h.cluster(slot));
        assertFalse(h.reported(slot));
        h.markReported(slot);
        assertTrue(h.reported(slot));
        assertEquals(1_200, h.size(slot), "marking leaves the other fields alone");
        assertEquals(0x3fffffff, h.cluster(slot));
        assertEquals(slot, h.find(65_535));
    }

    @Test
    void neverSentAndOverwrittenPacketsAreNotFound() {
        SentPacketHistory h = new SentPacketHistory();
        // A fresh ring holds no packet, sequence number 0 included.
        assertEquals(-1, h.find(0));
        assertEquals(-1, h.find(12_345));
        h.add(7, 100, 1, 0);
        assertTrue(h.find(7) >= 0);
        // 16 384 packets later the slot holds another packet.
        h.add(7 + 16_384, 200, 2, 3);
        assertEquals(-1, h.find(7));
        int slot = h.find(7 + 16_384);
        assertEquals(200, h.size(slot));
        assertEquals(3, h.cluster(slot));
        assertFalse(h.reported(slot), "a new packet in a reported slot starts unreported");
    }

    @Test
    void sizesAreClampedToSixteenBits() {
        SentPacketHistory h = new SentPacketHistory();
        h.add(1, 70_000, 0, 0);
        assertEquals(65_535, h.size(h.find(1)));
    }
}
