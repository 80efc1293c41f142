package io.relaycast.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetransmitTimerTest {

    static final long S = 1_000_000_000L;

    @Test
    void doublesUpToSixtySecondsAndRestartsWithANewFlight() {
        RetransmitTimer timer = new RetransmitTimer();
        assertEquals(Long.MAX_VALUE, timer.deadlineNanos());
        assertFalse(timer.isDue(Long.MAX_VALUE - 1));
        timer.flightSent(10 * S, true);
        assertEquals(11 * S, timer.deadlineNanos());
        assertFalse(timer.isDue(11 * S - 1));
        assertTrue(timer.isDue(11 * S));
        long now = 11 * S;
        long[] expected = {2, 4, 8, 16, 32, 60, 60};
        for (long rto : expected) {
            timer.expire();
            assertEquals(Long.MAX_VALUE, timer.deadlineNanos(), "disarmed until the resend goes out");
            timer.flightSent(now, false);
            assertEquals(rto * S, timer.rtoNanos());
            assertEquals(now + rto * S, timer.deadlineNanos());
            now += rto * S;
        }
        timer.flightSent(now, true);
        assertEquals(S, timer.rtoNanos());
        timer.stop();
        assertFalse(timer.isDue(Long.MAX_VALUE));
    }

    @Test
    void aQueuedFlightIsTimedFromTheNextClockReading() {
        RetransmitTimer timer = new RetransmitTimer();
        timer.flightQueued(true);
        assertTrue(timer.awaitingAnchor());
        assertEquals(Long.MAX_VALUE, timer.deadlineNanos());
        assertFalse(timer.isDue(Long.MAX_VALUE - 1));
        timer.anchor(5 * S);
        assertFalse(timer.awaitingAnchor());
        assertEquals(6 * S, timer.deadlineNanos());
        timer.anchor(9 * S);
        assertEquals(6 * S, timer.deadlineNanos(), "only the first reading after the flight counts");
        timer.expire();
        timer.flightQueued(false);
        timer.anchor(7 * S);
        assertEquals(9 * S, timer.deadlineNanos(), "a resend keeps the doubled value");
        timer.flightQueued(true);
        timer.stop();
        assertFalse(timer.awaitingAnchor());
    }

    @Test
    void deadlinesSaturate() {
        RetransmitTimer timer = new RetransmitTimer();
        timer.flightSent(Long.MAX_VALUE - 5, true);
        assertEquals(Long.MAX_VALUE, timer.deadlineNanos());
        assertEquals(Long.MAX_VALUE, RetransmitTimer.saturatedAdd(Long.MAX_VALUE, 1));
        assertEquals(3, RetransmitTimer.saturatedAdd(1, 2));
    }
}
