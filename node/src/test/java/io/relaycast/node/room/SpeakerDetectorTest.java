package io.relaycast.node.room;

import io.relaycast.rtp.AudioLevel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpeakerDetectorTest {
    private static final long MS = 1_000_000L;
    private final SpeakerDetector d = new SpeakerDetector();
    private long now = 1_000 * MS;
    private int changes;

    /** {@code ms} of audio at 50 packets/s (Opus 20 ms frames) with these levels (-dBov), ticking every 100 ms. */
    private void play(int ms, int levelA, int levelB) {
        for (int t = 0; t < ms; t += 20) {
            now += 20 * MS;
            if (levelA >= 0) {
                d.onLevel("A", AudioLevel.encode(true, levelA), now);
            }
            if (levelB >= 0) {
                d.onLevel("B", AudioLevel.encode(false, levelB), now);
            }
            if (t % 100 == 80 && d.tick(now)) {
                changes++;
            }
        }
    }

    @Test
    void silenceMakesNoSpeaker() {
        play(3000, 127, 90);
        assertNull(d.dominant());
        assertEquals(0, changes);
    }

    @Test
    void aSpeakerTakesTheFloorAfterTheHoldNotOnOnePacket() {
        play(1000, 127, 127);
        play(100, 20, 127);
        assertNull(d.dominant(), "one tick of speech is not enough");
        play(400, 20, 127);
        assertEquals("A", d.dominant());
        assertEquals(1, changes);
    }

    @Test
    void theFloorMovesWhenSomeoneElseIsClearlyLouderAndStaysThroughSilence() {
        play(2000, 20, 127);
        assertEquals("A", d.dominant());
        play(2000, 30, 25); // B only 5 dB louder: within the hysteresis, A keeps the floor
        assertEquals("A", d.dominant());
        play(2000, 127, 25); // A stops, B speaks
        assertEquals("B", d.dominant());
        play(3000, 127, 127); // everyone silent: B stays
        assertEquals("B", d.dominant());
        assertEquals(2, changes);
    }

    @Test
    void aShortInterruptionDoesNotMoveTheFloor() {
        play(2000, 20, 127);
        play(200, 127, 10); // B coughs for 200 ms
        play(2000, 20, 127);
        assertEquals("A", d.dominant());
        assertEquals(1, changes);
    }

    @Test
    void theDominantSpeakerLeaving() {
        play(2000, 20, 127);
        assertTrue(d.remove("A"));
        assertNull(d.dominant());
        assertFalse(d.remove("B"));
        play(1000, -1, 30);
        assertEquals("B", d.dominant());
    }
}
