package io.relaycast.node.relay;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StreamTableTest {

    @Test
    void behavesLikeAMapUnderChurn() {
        StreamTable<String> t = new StreamTable<>();
        Map<Integer, String> ref = new HashMap<>();
        Random r = new Random(3);
        int next = 1;
        for (int i = 0; i < 200_000; i++) {
            if (ref.size() < 50 || r.nextBoolean()) {
                int s = next++;
                t.put(s, "v" + s);
                ref.put(s, "v" + s);
            } else {
                int s = ref.keySet().iterator().next();
                t.remove(s);
                ref.remove(s);
            }
            if (i % 1000 == 0) {
                for (Map.Entry<Integer, String> e : ref.entrySet()) {
                    assertEquals(e.getValue(), t.get(e.getKey()));
                }
                assertEquals(ref.size(), t.size());
            }
        }
        assertNull(t.get(next + 5));
    }
}
