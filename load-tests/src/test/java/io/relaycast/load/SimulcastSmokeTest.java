package io.relaycast.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --simulcast against a real node (in this JVM, loopback): 4 peers each publishing three layers,
 * two of them (p1, p3) asking for 180p. Every subscriber gets every track, those two end on
 * layer q by the packets' own marks and by the node's layer messages, and no switch ever lands
 * inside a frame or off a keyframe.
 */
class SimulcastSmokeTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void fourSimulcastPublishersHalfOfThemPreferring180p(@TempDir Path out) throws Exception {
        try (InProcessNode n = InProcessNode.start()) {
            Options o = n.options(4, 8, out);
            o.simulcast = true;
            o.preferHeight = 180;
            o.preferFraction = 0.5;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            assertEquals(24, ((Number) q.get("receivingStreams")).intValue(), () -> "quality " + q);
            assertEquals(0L, ((Number) q.get("srtpAuthFailures")).longValue());
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) r.tree.get("layers");
            String all = String.valueOf(l);
            assertEquals(12L, l.get("videoStreams"), all);
            assertEquals(2, ((Number) l.get("preferringSubscribers")).intValue(), all);
            assertEquals(0L, l.get("midFrameSwitches"), all);
            assertEquals(0L, l.get("switchesOffKeyframe"), all);
            @SuppressWarnings("unchecked")
            Map<String, Long> preferring = (Map<String, Long>) l.get("streamsPerLayerAtEndPreferring");
            assertEquals(6L, preferring.get("q"), all);
            // The others asked for nothing and send no transport-cc feedback (no estimate): the top layer.
            @SuppressWarnings("unchecked")
            Map<String, Long> others = (Map<String, Long>) l.get("streamsPerLayerAtEndOthers");
            assertEquals(6L, others.get("f"), all);
            @SuppressWarnings("unchecked")
            Map<String, Long> atEnd = (Map<String, Long>) l.get("streamsPerLayerAtEnd");
            assertEquals(0L, atEnd.get("none"), all);
            assertTrue(((Number) l.get("layerMessages")).longValue() >= 12, all);
            System.out.println("simulcast smoke: " + r.layersSummary());
        }
    }
}
