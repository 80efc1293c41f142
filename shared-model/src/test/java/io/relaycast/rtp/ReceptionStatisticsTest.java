package io.relaycast.rtp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReceptionStatisticsTest {
    private static final long MS = 1_000_000L;

    @Test
    void countsLossAcrossSequenceWrap() {
        ReceptionStatistics s = new ReceptionStatistics(90_000);
        int seq = 65_530;
        long ts = 0;
        for (int i = 0; i < 20; i++) {
            if (i != 7 && i != 8) { // two lost, straddling the wrap at i = 6
                s.onPacket((seq + i) & 0xffff, ts + i * 3000L, i * 33 * MS);
            }
        }
        assertEquals(20, s.expected());
        assertEquals(18, s.received());
        assertEquals(2, s.cumulativeLost());
        assertEquals(65_536 + 13, s.extendedHighestSequence());
        assertEquals((2 << 8) / 20, s.takeFractionLost());
        assertEquals(0, s.takeFractionLost(), "a new interval starts after each report");
    }

    @Test
    void lateAndDuplicatePacketsDoNotMoveTheHighestSequence() {
        ReceptionStatistics s = new ReceptionStatistics(48_000);
        s.onPacket(100, 0, 0);
        s.onPacket(102, 1920, 40 * MS);
        assertTrue(s.onPacket(101, 960, 45 * MS), "reordered packet counts");
        assertFalse(s.onPacket(101, 960, 46 * MS), "duplicate reported as such");
        assertEquals(102, s.extendedHighestSequence());
        assertEquals(3, s.expected());
        assertEquals(0, s.cumulativeLost(), "a duplicate is not counted as received");
        assertEquals(1, s.duplicates());
        assertFalse(s.onPacket(102, 1920, 47 * MS), "duplicate of the highest");
        assertEquals(2, s.duplicates());
    }

    @Test
    void jitterIsZeroForPerfectPacingAndGrowsWithVariation() {
        ReceptionStatistics perfect = new ReceptionStatistics(90_000);
        ReceptionStatistics jittery = new ReceptionStatistics(90_000);
        for (int i = 0; i < 200; i++) {
            perfect.onPacket(i, i * 3000L, i * 33_333_333L);
            long wobble = (i % 2 == 0 ? 0 : 10) * MS;
            jittery.onPacket(i, i * 3000L, i * 33_333_333L + wobble);
        }
        assertTrue(perfect.jitter() <= 1, "perfect pacing: " + perfect.jitter());
        // 10 ms of alternating delay is 900 ticks of |D| per packet; J converges towards it.
        assertTrue(jittery.jitter() > 800 && jittery.jitter() <= 900, "jitter " + jittery.jitter());
    }

    @Test
    void aLargeJumpIsARestartOnlyWhenConfirmed() {
        ReceptionStatistics s = new ReceptionStatistics(90_000);
        s.onPacket(10, 0, 0);
        s.onPacket(11, 0, 0);
        assertFalse(s.onPacket(30_000, 0, 0), "a single wild packet is not trusted");
        assertEquals(11, s.extendedHighestSequence());
        s.onPacket(30_001, 0, 0);
        assertEquals(30_001, s.extendedHighestSequence(), "two in a row restart the source");
        assertEquals(1, s.expected());
    }
}
