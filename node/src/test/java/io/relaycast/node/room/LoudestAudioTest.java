package io.relaycast.node.room;

import io.relaycast.rtp.AudioLevel;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loudest-audio selection of a large room: two streams per subscriber, so three members
 * selected; levels arrive as RFC 6464 bytes at 50 packets a second, the room ticks every 100 ms.
 */
class LoudestAudioTest {
    private static final long MS = 1_000_000L;
    private static final int SILENT = 127;
    private final SpeakerDetector levels = new SpeakerDetector();
    private final LoudestAudio loudest = new LoudestAudio(levels, 2);
    private final Map<String, Integer> talking = new HashMap<>();
    private long now = 1_000 * MS;

    /** {@code ms} of audio from every member in {@code talking} at its level (-dBov). */
    private void play(int ms) {
        for (int t = 0; t < ms; t += 20) {
            now += 20 * MS;
            talking.forEach((p, level) -> levels.onLevel(p, AudioLevel.encode(level < SILENT, level), now));
            if (t % 100 == 80) {
                loudest.update(now);
            }
        }
    }

    private Set<String> selected() {
        return new TreeSet<>(loudest.selected());
    }

    /** The publishers {@code subscriber} hears among the members. */
    private Set<String> heardBy(String subscriber) {
        Set<String> heard = new TreeSet<>();
        for (String p : talking.keySet()) {
            if (!p.equals(subscriber) && loudest.audible(p, subscriber, now)) {
                heard.add(p);
            }
        }
        return heard;
    }

    @Test
    void eachSubscriberHearsTheTwoLoudestOthers() {
        for (String p : List.of("A", "B", "C", "D", "E")) {
            talking.put(p, SILENT);
        }
        talking.put("A", 20);
        talking.put("B", 30);
        talking.put("C", 40);
        play(1000);
        assertEquals(Set.of("A", "B", "C"), selected());
        assertEquals(Set.of("A", "B"), heardBy("E"), "a listener hears the two loudest, not the third");
        assertEquals(Set.of("B", "C"), heardBy("A"), "a selected member hears the other two");
        assertEquals(Set.of("A", "C"), heardBy("B"));
        assertTrue(heardBy("D").size() == 2 && !heardBy("D").contains("D"));
    }

    @Test
    void someoneWhoStartsTalkingIsHeardWithinATickWhenThereIsRoom() {
        for (String p : List.of("A", "B", "C", "D")) {
            talking.put(p, SILENT);
        }
        talking.put("A", 20);
        play(2000);
        assertEquals(Set.of("A"), selected());
        assertFalse(loudest.audible("B", "D", now));
        talking.put("B", 25);
        play(200);
        assertTrue(loudest.audible("B", "D", now), "B's first 200 ms of speech must already be forwarded");
    }

    @Test
    void aFullSelectionChangesOnlyForAClearlyLouderNewcomerAfterTheDwell() {
        for (String p : List.of("A", "B", "C", "D", "E")) {
            talking.put(p, SILENT);
        }
        talking.put("A", 20);
        talking.put("B", 30);
        talking.put("C", 40);
        play(2000);
        talking.put("D", 37); // 3 dB louder than C: within the hysteresis
        play(2000);
        assertEquals(Set.of("A", "B", "C"), selected());
        talking.put("D", 10); // 30 dB louder than C
        play(300);
        assertEquals(Set.of("A", "B", "D"), selected(), "C, the quietest, gives its place to D");
    }

    @Test
    void aSilentMemberLeavesTheSelectionAfterASecondAndMembersWithoutLevelsAreAlwaysHeard() {
        for (String p : List.of("A", "B", "C")) {
            talking.put(p, SILENT);
        }
        talking.put("A", 20);
        play(1000);
        assertEquals(Set.of("A"), selected());
        talking.put("A", SILENT);
        play(500);
        assertEquals(Set.of("A"), selected(), "a pause between words keeps the place");
        play(1000);
        assertEquals(Set.of(), selected());
        assertFalse(loudest.audible("A", "B", now));
        assertTrue(loudest.audible("X", "B", now), "no levels from X: nothing to rank it by");
        talking.remove("A");
        levels.remove("A");
        play(200);
        assertTrue(loudest.audible("A", "B", now), "A left: no levels are known for it any more");
    }
}
