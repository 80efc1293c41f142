package io.relaycast.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The open-addressing SSRC map against {@link HashMap}, including deletion inside probe runs. */
class SsrcStateMapTest {

    @Test
    void behavesLikeAHashMapUnderRandomInsertsAndRemovals() {
        Random random = new Random(7);
        SsrcStateMap map = new SsrcStateMap(64);
        Map<Integer, SsrcState> model = new HashMap<>();
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // Few distinct low-entropy keys make long probe runs and wrap-around likely.
            keys.add(random.nextBoolean() ? random.nextInt(300) : random.nextInt());
        }
        for (int step = 0; step < 200_000; step++) {
            int key = keys.get(random.nextInt(keys.size()));
            if (random.nextBoolean()) {
                if (map.get(key) == null) {
                    if (map.full()) {
                        assertEquals(64, model.size());
                        assertThrows(IllegalStateException.class, () -> map.create(key));
                    } else {
                        model.put(key, map.create(key));
                    }
                }
            } else {
                assertEquals(model.remove(key) != null, map.remove(key), "remove " + key);
            }
            assertEquals(model.size(), map.size());
            if (step % 1000 == 0) {
                for (int k : keys) {
                    assertSame(model.get(k), map.get(k), "key " + k + " at step " + step);
                }
            }
        }
    }

    @Test
    void zeroAndNegativeSsrcsAreOrdinaryKeys() {
        SsrcStateMap map = new SsrcStateMap(4);
        assertNull(map.get(0));
        SsrcState zero = map.create(0);
        SsrcState minus = map.create(-1);
        assertSame(zero, map.get(0));
        assertSame(minus, map.get(-1));
        assertTrue(map.remove(0));
        assertNull(map.get(0));
        assertNotNull(map.get(-1));
    }
}
