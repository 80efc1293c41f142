package io.relaycast.node.room;

import java.util.HashMap;
import java.util.Map;

/**
 * Finds a room's dominant speaker (PROTOCOL.md "Layers, preferences and speakers") from the RFC
 * 6464 audio levels publishers put in their audio packets. Sans-IO: levels and ticks come with
 * the time; all calls come from the room's worker thread.
 *
 * <p>A windowed detector with hysteresis, after the idea of Volfin and Cohen's dominant speaker
 * identification (which Jitsi Videobridge and mediasoup implement in full), much simplified:
 * <ul>
 *   <li>each audio packet scores its loudness above silence, {@code 127 - level} (the level is
 *       in -dBov, 127 meaning silence, RFC 6464 §3), when it is louder than
 *       {@link #SPEECH_LEVEL}; quieter packets score 0. The V (voice activity) flag is not used:
 *       senders differ in whether and how they set it;</li>
 *   <li>a speaker's activity is the mean score of its packets in the last second, kept in ten
 *       100 ms buckets (a speaker whose packets stop, muted or with Opus DTX, fades to 0);</li>
 *   <li>the most active speaker replaces the current one when it has at least
 *       {@link #MIN_ACTIVITY} and beats the current one by {@link #HYSTERESIS} (dB), continuously
 *       for {@link #HOLD_NANOS}, and the current one has held the floor for {@link #MIN_DWELL_NANOS}:
 *       a cough or a short overlap does not move the highlight;</li>
 *   <li>the current speaker stays dominant through silence (as in Jitsi: the last person who
 *       spoke stays on the big tile) until someone else speaks or it leaves; then there is none.</li>
 * </ul>
 */
final class SpeakerDetector {
    static final long BUCKET_NANOS = 100_000_000L;
    static final int BUCKETS = 10;
    /** The short window (300 ms) the loudest-audio selection ranks by. */
    static final int RECENT_BUCKETS = 3;
    /** Packets quieter than -60 dBov count as silence (background noise of a quiet room). */
    static final int SPEECH_LEVEL = 60;
    /** The least activity that makes a speaker (a mean of 10 dB above -127 dBov is faint speech). */
    static final double MIN_ACTIVITY = 10;
    static final double HYSTERESIS = 6;
    static final long HOLD_NANOS = 300_000_000L;
    static final long MIN_DWELL_NANOS = 1_000_000_000L;

    /** The last second of one publisher's audio levels. */
    private static final class Speaker {
        final long[] bucketIndex = new long[BUCKETS];
        final long[] scoreSum = new long[BUCKETS];
        final int[] packets = new int[BUCKETS];

        Speaker() {
            java.util.Arrays.fill(bucketIndex, Long.MIN_VALUE);
        }

        void add(int score, long nowNanos) {
            long b = Math.floorDiv(nowNanos, BUCKET_NANOS);
            int slot = (int) Math.floorMod(b, (long) BUCKETS);
            if (bucketIndex[slot] != b) {
                bucketIndex[slot] = b;
                scoreSum[slot] = 0;
                packets[slot] = 0;
            }
            scoreSum[slot] += score;
            packets[slot]++;
        }

        /** Mean score of the packets of the last {@link #BUCKETS} buckets; 0 when there were none. */
        double activity(long nowNanos) {
            return activity(nowNanos, BUCKETS);
        }

        /** Mean score of the packets of the last {@code window} buckets; 0 when there were none. */
        double activity(long nowNanos, int window) {
            long current = Math.floorDiv(nowNanos, BUCKET_NANOS);
            long sum = 0;
            int n = 0;
            for (int i = 0; i < BUCKETS; i++) {
                if (current - bucketIndex[i] < window && current >= bucketIndex[i]) {
                    sum += scoreSum[i];
                    n += packets[i];
                }
            }
            return n == 0 ? 0 : (double) sum / n;
        }
    }

    private final Map<String, Speaker> speakers = new HashMap<>();
    private String dominant;
    private long dominantSince = Long.MIN_VALUE / 2;
    private String candidate;
    private long candidateSince;

    /** An audio packet of {@code peerId}'s with the RFC 6464 level byte {@code levelByte} (V flag and level). */
    void onLevel(String peerId, int levelByte, long nowNanos) {
        int level = levelByte & 0x7f;
        int score = level <= SPEECH_LEVEL ? 127 - level : 0;
        speakers.computeIfAbsent(peerId, p -> new Speaker()).add(score, nowNanos);
    }

    /** {@code peerId} left (or stopped publishing audio); returns true when it was the dominant speaker. */
    boolean remove(String peerId) {
        speakers.remove(peerId);
        if (peerId.equals(candidate)) {
            candidate = null;
        }
        if (peerId.equals(dominant)) {
            dominant = null;
            return true;
        }
        return false;
    }

    /** Re-evaluates; returns true when the dominant speaker changed (read it with {@link #dominant()}). */
    boolean tick(long nowNanos) {
        String loudest = null;
        double best = MIN_ACTIVITY;
        for (Map.Entry<String, Speaker> e : speakers.entrySet()) {
            double a = e.getValue().activity(nowNanos);
            if (a >= best) {
                best = a;
                loudest = e.getKey();
            }
        }
        Speaker current = dominant == null ? null : speakers.get(dominant);
        double currentActivity = current == null ? 0 : current.activity(nowNanos);
        boolean beats = loudest != null && !loudest.equals(dominant)
                && (dominant == null || best >= currentActivity + HYSTERESIS);
        if (!beats) {
            candidate = null;
            return false;
        }
        if (!loudest.equals(candidate)) {
            candidate = loudest;
            candidateSince = nowNanos;
        }
        if (nowNanos - candidateSince < HOLD_NANOS
                || (dominant != null && nowNanos - dominantSince < MIN_DWELL_NANOS)) {
            return false;
        }
        dominant = loudest;
        dominantSince = nowNanos;
        candidate = null;
        return true;
    }

    /** Members whose audio levels are being followed. */
    java.util.Set<String> publishers() {
        return speakers.keySet();
    }

    boolean isPublishing(String peerId) {
        return speakers.containsKey(peerId);
    }

    /** {@code peerId}'s activity over the last second (see the class comment); 0 when unknown. */
    double activity(String peerId, long nowNanos) {
        Speaker s = speakers.get(peerId);
        return s == null ? 0 : s.activity(nowNanos);
    }

    /** The same over the last {@link #RECENT_BUCKETS} buckets: quick to rise when someone starts talking. */
    double recentActivity(String peerId, long nowNanos) {
        Speaker s = speakers.get(peerId);
        return s == null ? 0 : s.activity(nowNanos, RECENT_BUCKETS);
    }

    /** The dominant speaker's peer id, or null. */
    String dominant() {
        return dominant;
    }
}
