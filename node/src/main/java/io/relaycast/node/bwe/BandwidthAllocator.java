package io.relaycast.node.bwe;

import java.util.List;

/**
 * Shares one subscriber's bandwidth estimate among the video tracks it receives (PROTOCOL.md
 * "Layers, preferences and speakers"). The caller subtracts what audio takes first: audio is
 * never dropped for video.
 *
 * <p>Rules: a track paused (or {@code maxHeight} 0) gets nothing (-1). Every other simulcast
 * track gets its lowest layer first, even when the lowest layers together exceed the estimate: a
 * frozen tile is worse than a congested one, and the estimate then steers the
 * publisher-independent part (which layers) as far down as it goes. A track without simulcast
 * ({@link Track#optional}) is one the node cannot scale: it gets its one layer only if that
 * still fits after the lowest layers (keeping it while 90 % of the need is covered, taking it
 * back with 10 % headroom), and nothing otherwise, so that a camera sent at whatever rate its
 * publisher's uplink allows does not congest the subscriber's audio and every other tile. Such
 * tracks come before any upgrade: a participant shown at all beats another shown sharper. Then
 * upgrades go round-robin, one layer at a time, to
 * tracks whose next layer fits their preferences ({@code maxHeight}, {@code maxFps}; the lowest
 * layer counts as fitting, PROTOCOL.md) and the remaining budget, higher-priority tracks first
 * in each round. Hysteresis: a track keeps its current layer while the estimate covers 90 % of
 * what the allocation needs, and an upgrade needs 10 % headroom, so choices do not flap at a
 * boundary.
 */
public final class BandwidthAllocator {
    /** One layer as the allocator sees it: what it costs and what it shows. Height 0 means unknown. */
    public record Layer(long bitrateBps, int height, int fps) {
    }

    /**
     * One track: its layers, lowest first; the subscriber's preferences; a priority (higher
     * first); the layer it has now (-1 none), for hysteresis; and whether it may get nothing when
     * even its lowest layer does not fit (a track without simulcast).
     */
    public record Track(List<Layer> layers, int maxHeight, int maxFps, boolean paused, int priority, int current,
                        boolean optional) {
        public Track(List<Layer> layers, int maxHeight, int maxFps, boolean paused, int priority, int current) {
            this(layers, maxHeight, maxFps, paused, priority, current, false);
        }

        public Track(List<Layer> layers, int maxHeight, int maxFps, boolean paused, int priority) {
            this(layers, maxHeight, maxFps, paused, priority, -1, false);
        }
    }

    private static final double UPGRADE_HEADROOM = 1.10;
    private static final double KEEP_FRACTION = 0.90;
    private long nextUpgradeBps;

    /**
     * @param availableBps the estimate left for these tracks
     * @return per track, the index of the chosen layer in its list, or -1
     */
    public int[] allocate(long availableBps, List<Track> tracks) {
        int n = tracks.size();
        int[] choice = new int[n];
        long used = 0;
        nextUpgradeBps = 0;
        for (int i = 0; i < n; i++) {
            Track t = tracks.get(i);
            if (t.paused() || t.maxHeight() == 0 || t.layers().isEmpty() || t.optional()) {
                choice[i] = -1;
            } else {
                choice[i] = 0;
                used += t.layers().get(0).bitrateBps();
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(tracks.get(b).priority(), tracks.get(a).priority()));
        for (int i : order) {
            Track t = tracks.get(i);
            if (!t.optional() || t.paused() || t.maxHeight() == 0 || t.layers().isEmpty()) {
                continue;
            }
            long need = used + t.layers().get(0).bitrateBps();
            double factor = t.current() >= 0 ? KEEP_FRACTION : UPGRADE_HEADROOM;
            if (need * factor <= availableBps) {
                choice[i] = 0;
                used = need;
            } else if (nextUpgradeBps == 0) {
                nextUpgradeBps = (long) Math.ceil(need * UPGRADE_HEADROOM);
            }
        }
        boolean upgraded = true;
        while (upgraded) {
            upgraded = false;
            for (int i : order) {
                Track t = tracks.get(i);
                int next = choice[i] + 1;
                if (choice[i] < 0 || next >= t.layers().size() || !fits(t, next)) {
                    continue;
                }
                long extra = t.layers().get(next).bitrateBps() - t.layers().get(choice[i]).bitrateBps();
                long need = used + extra;
                // A layer the track already has only needs to stay affordable; a new one needs headroom.
                double factor = next <= t.current() ? KEEP_FRACTION : UPGRADE_HEADROOM;
                if (need * factor <= availableBps) {
                    choice[i] = next;
                    used = need;
                    upgraded = true;
                } else if (nextUpgradeBps == 0) {
                    // Rounded up: an estimate of exactly this passes the test above.
                    nextUpgradeBps = (long) Math.ceil(need * UPGRADE_HEADROOM);
                }
            }
        }
        return choice;
    }

    /** Within the preferences: the height and frame rate, where known, at most the limits. */
    private static boolean fits(Track t, int index) {
        Layer l = t.layers().get(index);
        boolean heightFits = t.maxHeight() == Integer.MAX_VALUE || (l.height() > 0 && l.height() <= t.maxHeight());
        boolean fpsFits = t.maxFps() == Integer.MAX_VALUE || l.fps() <= t.maxFps();
        return heightFits && fpsFits;
    }

    /**
     * What the allocation would need for the first upgrade that did not fit in the last
     * {@link #allocate} (with its headroom), or 0 when nothing more was wanted: the rate to
     * probe for.
     */
    public long nextUpgradeBps() {
        return nextUpgradeBps;
    }
}
