package io.relaycast.node.media;

import io.relaycast.node.media.NackGenerator.Arrival;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NackGeneratorTest {
    private static final long MS = 1_000_000L;
    private final NackGenerator g = new NackGenerator();
    private final int[] out = new int[64];

    private int[] poll(long now) {
        return Arrays.copyOf(out, g.poll(now, out));
    }

    @Test
    void inOrderStreamAsksForNothing() {
        for (int s = 0; s < 5000; s++) {
            assertEquals(s == 0 ? Arrival.NEW : Arrival.NEW, g.onPacket(s, s * MS));
        }
        assertEquals(Long.MAX_VALUE, g.nextPollNanos());
        assertEquals(0, poll(5000 * MS).length);
        assertEquals(0, g.takeGivenUp());
    }

    @Test
    void aGapIsAskedForAtOnceThenRetriedAfterTheRetryInterval() {
        g.onPacket(10, 0);
        assertEquals(Arrival.NEW, g.onPacket(13, 5 * MS));
        assertEquals(5 * MS, g.nextPollNanos(), "due as soon as the gap shows");
        assertArrayEquals(new int[]{11, 12}, poll(5 * MS));
        assertEquals(0, poll(6 * MS).length, "not again before the retry interval");
        long retry = g.retryIntervalNanos();
        assertEquals(125 * MS, retry, "default RTT 100 ms plus a quarter");
        assertEquals(5 * MS + retry, g.nextPollNanos());
        assertArrayEquals(new int[]{11, 12}, poll(5 * MS + retry));
    }

    @Test
    void aLateOriginalFillsTheHoleAndIsNotAskedForAgain() {
        g.onPacket(100, 0);
        g.onPacket(103, MS);
        assertArrayEquals(new int[]{101, 102}, poll(MS));
        assertEquals(Arrival.FILLED, g.onPacket(101, 2 * MS));
        assertEquals(Arrival.DUPLICATE, g.onPacket(101, 3 * MS));
        assertArrayEquals(new int[]{102}, poll(200 * MS));
        assertEquals(1, g.missingCount());
        assertTrue(g.isPending(102));
        assertFalse(g.isPending(101));
    }

    @Test
    void aRetransmissionFillsAHoleExactlyOnce() {
        g.onPacket(7, 0);
        g.onPacket(9, MS);
        assertTrue(g.onRetransmission(8), "first repair of a missing packet is forwarded");
        assertFalse(g.onRetransmission(8), "a second repair is a duplicate");
        assertEquals(Arrival.DUPLICATE, g.onPacket(8, 2 * MS), "the delayed original after its repair");
        assertFalse(g.onRetransmission(9), "a packet that arrived");
        assertFalse(g.onRetransmission(10), "newer than anything seen: never asked for");
        assertEquals(0, poll(2 * MS).length);
        assertEquals(0, g.missingCount());
        assertEquals(0, g.takeGivenUp());
    }

    @Test
    void duplicatesAreReported() {
        g.onPacket(500, 0);
        g.onPacket(501, 0);
        assertEquals(Arrival.DUPLICATE, g.onPacket(501, 0));
        assertEquals(Arrival.DUPLICATE, g.onPacket(500, 0));
    }

    @Test
    void sequenceNumbersWrapAt65535() {
        g.onPacket(65533, 0);
        assertEquals(Arrival.NEW, g.onPacket(65534, MS));
        assertEquals(Arrival.NEW, g.onPacket(2, 2 * MS), "65535, 0 and 1 are missing, not a reset");
        assertArrayEquals(new int[]{65535, 0, 1}, poll(2 * MS));
        assertTrue(g.onRetransmission(0));
        assertEquals(Arrival.FILLED, g.onPacket(65535, 3 * MS));
        assertArrayEquals(new int[]{1}, poll(200 * MS));
    }

    @Test
    void reorderingBeforeTheNackIsDueAsksForNothing() {
        g.onPacket(20, 0);
        g.onPacket(22, MS);
        assertEquals(Arrival.FILLED, g.onPacket(21, MS));
        assertEquals(0, poll(MS).length);
        assertEquals(0, g.missingCount());
    }

    @Test
    void aBigJumpForwardIsAResetNotLoss() {
        g.onPacket(1000, 0);
        assertEquals(Arrival.RESET, g.onPacket(1000 + NackGenerator.MAX_GAP + 1, MS));
        assertEquals(0, poll(MS).length);
        assertEquals(Arrival.NEW, g.onPacket(1000 + NackGenerator.MAX_GAP + 2, 2 * MS));
        assertEquals(0, g.takeGivenUp());
    }

    @Test
    void aJumpBackwardBeyondTheWindowIsAReset() {
        g.onPacket(40000, 0);
        g.onPacket(40002, MS);
        assertEquals(Arrival.RESET, g.onPacket(40000 - NackGenerator.WINDOW, 2 * MS));
        assertEquals(0, poll(2 * MS).length, "the old hole means nothing in the new numbering");
        assertEquals(Arrival.NEW, g.onPacket(40001 - NackGenerator.WINDOW, 3 * MS));
    }

    @Test
    void givesUpAfterMaxTries() {
        g.onPacket(0, 0);
        g.onPacket(2, 0);
        g.onRtt(MS); // a fast path: the floor spaces the retries
        long interval = g.retryIntervalNanos();
        assertEquals(NackGenerator.MIN_RETRY_MILLIS * MS, interval);
        long now = 0;
        for (int i = 0; i < NackGenerator.MAX_TRIES; i++) {
            assertArrayEquals(new int[]{1}, poll(now), "try " + (i + 1));
            now += interval;
        }
        assertEquals(0, poll(now).length);
        assertEquals(1, g.takeGivenUp());
        assertEquals(0, g.missingCount());
        assertEquals(Long.MAX_VALUE, g.nextPollNanos());
        assertEquals(0, g.takeGivenUp(), "counted once");
    }

    @Test
    void givesUpWhenTooOld() {
        g.onPacket(0, 0);
        g.onPacket(2, 0);
        g.onRtt(800 * MS); // retries every second: the age limit comes first
        assertArrayEquals(new int[]{1}, poll(0));
        assertTrue(g.nextPollNanos() <= NackGenerator.MAX_AGE_MILLIS * MS + 1);
        assertEquals(0, poll(NackGenerator.MAX_AGE_MILLIS * MS + 1).length);
        assertEquals(1, g.takeGivenUp());
    }

    @Test
    void retryIntervalFollowsTheRtt() {
        g.onRtt(200 * MS);
        assertEquals(250 * MS, g.retryIntervalNanos());
        g.onRtt(200 * MS);
        assertEquals(250 * MS, g.retryIntervalNanos(), "smoothed");
        g.onRtt(10_000 * MS);
        assertEquals(NackGenerator.MAX_RETRY_MILLIS * MS, g.retryIntervalNanos(), "capped");
    }

    @Test
    void aHoleThatFallsMaxBehindIsGivenUpAndItsLateRepairNotForwarded() {
        // A subscriber's SRTP sender refuses an index MAX_BEHIND or more behind its newest
        // (RFC 3711 §3.3.2), so chasing or forwarding such a repair is wasted work.
        g.onPacket(1000, 0);
        g.onPacket(1002, MS);
        assertArrayEquals(new int[]{1001}, poll(MS));
        for (int s = 1003; s < 1001 + NackGenerator.MAX_BEHIND; s++) {
            g.onPacket(s, 2 * MS);
        }
        assertTrue(g.isPending(1001), "still within reach: 127 behind the newest");
        assertEquals(0, g.takeGivenUp());
        g.onPacket(1001 + NackGenerator.MAX_BEHIND, 3 * MS);
        assertFalse(g.onRetransmission(1001), "128 behind: no subscriber could be sent it");
        assertEquals(0, poll(200 * MS).length, "not asked for again");
        assertEquals(1, g.takeGivenUp());
        assertEquals(0, g.missingCount());
    }

    @Test
    void aGapLongerThanMaxBehindChasesOnlyTheReachableHoles() {
        g.onPacket(0, 0);
        g.onPacket(NackGenerator.MAX_BEHIND + 10, MS);
        int[] asked = poll(MS);
        assertEquals(11, asked[0], "the oldest hole still less than MAX_BEHIND behind");
        assertEquals(NackGenerator.MAX_BEHIND - 1, g.missingCount());
        assertEquals(10, g.takeGivenUp());
        assertFalse(g.onRetransmission(5), "given up at once, so its repair is not forwarded");
        assertTrue(g.onRetransmission(11));
    }

    @Test
    void memoryIsBounded() {
        g.onPacket(0, 0);
        // 600 lost in one burst: only the holes less than MAX_BEHIND behind the newest are
        // chased, the rest are given up at once.
        g.onPacket(601, MS);
        int chased = NackGenerator.MAX_BEHIND - 1;
        assertEquals(chased, g.missingCount());
        assertEquals(600 - chased, g.takeGivenUp());
        int[] first = poll(MS);
        assertEquals(out.length, first.length, "one NACK carries at most what the caller's buffer holds");
        assertEquals(601 - chased, first[0], "the oldest chased first");
        // Loss spread over a long run keeps the list within its bound as well.
        int seq = 601;
        for (int i = 0; i < 20_000; i++) {
            seq += (i % 3 == 0) ? 2 : 1;
            g.onPacket(seq & 0xffff, MS + i * MS);
            assertTrue(g.missingCount() <= NackGenerator.MAX_MISSING);
        }
    }

    @Test
    void oneLossInTwentyIsAllRequestedOnce() {
        // 5% loss, a tick every 20 ms, packets every 2 ms: every lost packet is asked for exactly
        // once when each repair comes back before the retry interval.
        java.util.Random r = new java.util.Random(42);
        int lost = 0;
        int requested = 0;
        long now = 0;
        java.util.List<Integer> repairs = new java.util.ArrayList<>();
        for (int s = 0; s < 10_000; s++) {
            now += 2 * MS;
            if (s > 0 && s < 9_999 && r.nextDouble() < 0.05) {
                lost++;
                continue;
            }
            g.onPacket(s & 0xffff, now);
            for (int seq : repairs) {
                assertTrue(g.onRetransmission(seq));
            }
            repairs.clear();
            if (now >= g.nextPollNanos()) {
                for (int seq : poll(now)) {
                    requested++;
                    repairs.add(seq);
                }
            }
        }
        for (int seq : repairs) {
            g.onRetransmission(seq);
        }
        poll(now + 10 * MS);
        assertEquals(lost, requested);
        assertEquals(0, g.missingCount());
        assertEquals(0, g.takeGivenUp());
    }
}
