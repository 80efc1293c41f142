package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real node (in this JVM, on loopback, free ports) and a tiny real scenario: 1 room × 3 peers,
 * all publishing, through real ICE, DTLS and SRTP. Fails when any subscriber gets no media, any
 * expected stream is missing, any SRTP packet fails authentication, or the report lacks its
 * figures. The node shares this JVM, so its CPU figure includes the harness: the test checks it
 * exists, not its value.
 */
class LoadSmokeTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threePeersExchangeMediaThroughARealNode(@TempDir Path out) throws Exception {
        try (InProcessNode n = InProcessNode.start()) {
            Options o = n.options(3, 6, out);
            Result r = LoadTest.run(o);

            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            // 3 publishers × 2 other peers × (audio + video)
            assertEquals(12, ((Number) q.get("receivingStreams")).intValue(), () -> "quality " + q);
            assertEquals(0L, ((Number) q.get("srtpAuthFailures")).longValue());
            assertEquals(0L, ((Number) q.get("clientsFailed")).longValue());
            assertTrue(((Number) q.get("loss")).doubleValue() < 0.05, () -> "loss " + q.get("loss"));
            // Every client reached every step of its join, so each phase has a figure.
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> phases = (Map<String, Map<String, Object>>) q.get("joinPhases");
            for (String phase : java.util.List.of("welcome", "answer", "connected", "firstPacket", "connectedIce",
                    "connectedDtls")) {
                assertTrue(phases.get(phase).get("p50Ms") instanceof Double, () -> "join phases " + phases);
            }
            for (Map<String, Object> s : r.streams()) {
                assertTrue(((Number) s.get("packets")).longValue() > 50, () -> "stream starved: " + s);
                assertTrue(s.get("latencyP50Ms") != null && s.get("setupToFirstPacketMs") != null, () -> "stream " + s);
            }

            JsonNode json = new ObjectMapper().readTree(out.resolve("result.json").toFile());
            JsonNode head = json.get("headline");
            assertTrue(head.get("cpuMicrosPerForwardedPacket").isNumber(), () -> "headline " + head);
            assertTrue(head.get("cpuMicrosPerForwardedPacket").asDouble() > 0, () -> "headline " + head);
            assertTrue(head.get("forwardedPacketsPerSecond").asDouble() > 500, () -> "headline " + head);
            assertTrue(json.get("timeseries").size() >= 5);
            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains("<svg") && html.contains("cpuMicrosPerForwardedPacket") && !html.contains("<script src"));
        }
    }
}
