package io.relaycast.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bitmap window against a plain set-based model of RFC 3711 §3.3.2. */
class ReplayWindowTest {

    @Test
    void matchesASetModelUnderRandomTraffic() {
        Random random = new Random(42);
        ReplayWindow window = new ReplayWindow();
        Set<Long> seen = new HashSet<>();
        long highest = -1;
        long base = 1_000;
        for (int i = 0; i < 200_000; i++) {
            // Mostly near the top, sometimes far back, sometimes a big jump forward.
            long index;
            int kind = random.nextInt(10);
            if (kind < 6) {
                index = Math.max(0, (highest < 0 ? base : highest) + random.nextInt(20) - 15);
            } else if (kind < 8) {
                index = Math.max(0, (highest < 0 ? base : highest) - random.nextInt(200));
            } else if (kind < 9) {
                index = (highest < 0 ? base : highest) + random.nextInt(300);
            } else {
                index = (highest < 0 ? base : highest) - 120 - random.nextInt(16);
            }
            int expected;
            if (highest < 0 || index > highest) {
                expected = ReplayWindow.FRESH;
            } else if (highest - index >= ReplayWindow.SIZE) {
                expected = ReplayWindow.TOO_OLD;
            } else {
                expected = seen.contains(index) ? ReplayWindow.REPLAYED : ReplayWindow.FRESH;
            }
            assertEquals(expected, window.check(index), "step " + i + " index " + index + " highest " + highest);
            if (expected == ReplayWindow.FRESH && random.nextInt(8) != 0) { // some never authenticate
                window.accept(index);
                seen.add(index);
                highest = Math.max(highest, index);
                assertEquals(highest, window.highest());
            }
        }
    }

    @Test
    void shiftsOfEveryWidthKeepTheRightBits() {
        for (int shift = 1; shift <= 130; shift++) {
            ReplayWindow w = new ReplayWindow();
            w.accept(1000);
            w.accept(999);
            w.accept(1000 - 127);
            w.accept(1000 + shift);
            long top = 1000 + shift;
            assertEquals(top - 1000 < 128 ? ReplayWindow.REPLAYED : ReplayWindow.TOO_OLD, w.check(1000), "shift " + shift);
            assertEquals(top - 999 < 128 ? ReplayWindow.REPLAYED : ReplayWindow.TOO_OLD, w.check(999), "shift " + shift);
            assertEquals(top - 998 < 128 ? ReplayWindow.FRESH : ReplayWindow.TOO_OLD, w.check(998), "shift " + shift);
            assertEquals(ReplayWindow.TOO_OLD, w.check(top - 128), "exactly 128 behind");
            assertEquals(top - 873 < 128 ? ReplayWindow.REPLAYED : ReplayWindow.TOO_OLD, w.check(873), "shift " + shift);
            assertEquals(ReplayWindow.REPLAYED, w.check(top));
        }
    }
}
