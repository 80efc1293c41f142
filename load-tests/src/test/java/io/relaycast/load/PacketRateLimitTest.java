package io.relaycast.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6: a peer sending RTP faster than RELAYCAST_MAX_PEER_PACKET_RATE loses the excess at the
 * node, before any fan-out, and the node counts it. Real clients publish ~200 packets/s of audio
 * and video against a cap of 100/s.
 */
class PacketRateLimitTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void packetsBeyondThePerPeerRateAreDroppedAndCounted(@TempDir Path out) throws Exception {
        try (InProcessNode n = InProcessNode.start(Map.of("RELAYCAST_MAX_PEER_PACKET_RATE", "100"))) {
            Result r = LoadTest.run(n.options(2, 6, out));
            Map<String, Object> q = r.quality();
            double limited = n.metricSum("relaycast_limit_rejections_total");
            double dropped = 0;
            for (String line : n.node.metrics().scrape().split("\n")) {
                if (line.startsWith("relaycast_drops_total{") && line.contains("reason=\"rate_limited\"")) {
                    dropped += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            double droppedFinal = dropped;
            assertTrue(droppedFinal > 500, () -> "rate-limited drops counted: " + droppedFinal);
            assertTrue(limited >= droppedFinal, () -> "limit rejections counted: " + limited);
            // Subscribers see the cap: what gets through is at most the allowed rate (plus the burst).
            assertTrue(((Number) q.get("loss")).doubleValue() > 0.2, () -> "subscribers lost the excess: " + q);
            assertTrue(((Number) q.get("clientsWithoutMedia")).longValue() == 0, () -> "but still get media: " + q);
        }
    }
}
