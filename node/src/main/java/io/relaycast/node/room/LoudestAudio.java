package io.relaycast.node.room;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which audio streams a large room forwards (PROTOCOL.md "Layers, preferences and speakers"; the
 * settings {@code RELAYCAST_LOUDEST_AUDIO_STREAMS} and {@code RELAYCAST_LOUDEST_AUDIO_ROOM_SIZE}):
 * in a room of many members most microphones carry silence or noise, and a subscriber's
 * downlink and its browser's mixer gain nothing from them. Each subscriber gets the
 * {@code streams} loudest other members' audio. Sans-IO; time is passed in.
 *
 * <p>The room keeps one selection of {@code streams + 1} members (so that a member who is among
 * them still hears {@code streams} others) from the {@link SpeakerDetector}'s levels:
 * <ul>
 *   <li>a member joins the selection as soon as its last 300 ms are speech and there is a free
 *       place: the first syllable of someone who starts talking into a quiet room is what
 *       is lost if the window is longer;</li>
 *   <li>when the selection is full, a newcomer takes the place of the quietest member who has
 *       held one for a second, and only when it is louder by the detector's hysteresis
 *       (6 dB): short overlaps and coughs do not churn it;</li>
 *   <li>a member leaves the selection after a second without speech, or when it leaves the room.</li>
 * </ul>
 */
final class LoudestAudio {
    private final SpeakerDetector levels;
    private final int streams;
    /** The selected members and since when each holds its place. */
    private final Map<String, Long> selected = new HashMap<>();

    LoudestAudio(SpeakerDetector levels, int streams) {
        this.levels = levels;
        this.streams = streams;
    }

    /** Re-evaluates the selection. */
    void update(long nowNanos) {
        selected.keySet().removeIf(p -> !levels.isPublishing(p)
                || levels.activity(p, nowNanos) < SpeakerDetector.MIN_ACTIVITY);
        List<String> newcomers = new ArrayList<>();
        for (String p : levels.publishers()) {
            if (!selected.containsKey(p) && levels.recentActivity(p, nowNanos) >= SpeakerDetector.MIN_ACTIVITY) {
                newcomers.add(p);
            }
        }
        newcomers.sort(Comparator.comparingDouble((String p) -> levels.recentActivity(p, nowNanos)).reversed());
        for (String p : newcomers) {
            if (selected.size() < streams + 1) {
                selected.put(p, nowNanos);
                continue;
            }
            String weakest = null;
            double weakestActivity = Double.MAX_VALUE;
            for (Map.Entry<String, Long> e : selected.entrySet()) {
                double a = levels.recentActivity(e.getKey(), nowNanos);
                if (nowNanos - e.getValue() >= SpeakerDetector.MIN_DWELL_NANOS && a < weakestActivity) {
                    weakest = e.getKey();
                    weakestActivity = a;
                }
            }
            if (weakest != null && levels.recentActivity(p, nowNanos) >= weakestActivity + SpeakerDetector.HYSTERESIS) {
                selected.remove(weakest);
                selected.put(p, nowNanos);
            }
        }
    }

    /**
     * Whether {@code subscriberId} receives {@code publisherId}'s audio: the publisher sends no
     * levels to rank it by, or it is in the selection and, when the subscriber is not itself in it, among the {@code streams} loudest
     * of the selection.
     */
    boolean audible(String publisherId, String subscriberId, long nowNanos) {
        if (!levels.isPublishing(publisherId)) {
            return true; // no RFC 6464 levels (yet): nothing to rank it by
        }
        if (!selected.containsKey(publisherId)) {
            return false;
        }
        if (selected.size() <= streams || selected.containsKey(subscriberId)) {
            return true;
        }
        // The subscriber hears all but the quietest of the streams + 1 (ties broken by id, so
        // exactly one is left out).
        String quietest = null;
        double quietestActivity = Double.MAX_VALUE;
        for (String p : selected.keySet()) {
            double a = levels.recentActivity(p, nowNanos);
            if (a < quietestActivity || (a == quietestActivity && p.compareTo(quietest) < 0)) {
                quietest = p;
                quietestActivity = a;
            }
        }
        return !publisherId.equals(quietest);
    }

    /** The members selected now (for logs and tests). */
    List<String> selected() {
        return List.copyOf(selected.keySet());
    }
}
