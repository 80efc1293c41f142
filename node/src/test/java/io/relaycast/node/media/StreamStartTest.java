package io.relaycast.node.media;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start of a consumer's copy of a stream: not on a late packet, nothing older after it. */
class StreamStartTest {

    @Test
    void startsOnTheFirstPacketThatIsNotLate() {
        StreamStart s = new StreamStart();
        assertFalse(s.admit(10, true), "a late packet does not start the stream");
        assertFalse(s.admit(5, true), "nor does the next: nothing has started it");
        assertTrue(s.admit(20, false));
        assertFalse(s.admit(19, true), "older than the start");
        assertTrue(s.isBefore(19));
        assertTrue(s.admit(21, true), "late, but after the start: a repair the consumer is due");
        assertTrue(s.admit(20, true));
        assertFalse(s.isBefore(20));
    }

    @Test
    void theRuleHoldsAcrossTheWrapAndIsDroppedFarPastTheStart() {
        StreamStart s = new StreamStart();
        assertTrue(s.admit(65_530, false));
        assertTrue(s.admit(3, false), "after the start across the wrap");
        assertFalse(s.admit(65_529, true));
        int far = (65_530 + StreamStart.GUARD_PACKETS + 1) & 0xffff;
        assertTrue(s.admit(far, false));
        assertFalse(s.isBefore(65_529), "far past the start nothing from before it can still come");
        // 32 768 after the start a packet would look older than it in 16-bit arithmetic.
        assertTrue(s.admit((65_530 + 40_000) & 0xffff, false));
    }

    @Test
    void restartMovesTheStart() {
        StreamStart s = new StreamStart();
        s.admit(100, false);
        s.restartAt(500);
        assertFalse(s.admit(499, true));
        assertTrue(s.admit(501, false));
    }
}
