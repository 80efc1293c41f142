package io.relaycast.load;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 3: NACKed packets are retransmitted. Real client stacks receive through a simulated lossy
 * downlink (3% of media packets thrown away), NACK the gaps as browsers do, and must get the
 * missing video back as RTX from the node's cache.
 */
class NackRetransmissionTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void nackedVideoPacketsComeBackAsRtx(@TempDir Path out) throws Exception {
        Map<String, String> env = new HashMap<>();
        int http;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            http = s.getLocalPort();
        }
        int media;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            media = s.getLocalPort();
        }
        env.put("RELAYCAST_HTTP_HOST", "127.0.0.1");
        env.put("RELAYCAST_HTTP_PORT", Integer.toString(http));
        env.put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
        env.put("RELAYCAST_MEDIA_PORT", Integer.toString(media));
        env.put("RELAYCAST_MEDIA_WORKERS", "1");
        RelaycastNode node = RelaycastNode.start(Settings.from(env::get)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        try {
            Options o = new Options();
            o.urls = List.of("http://127.0.0.1:" + http);
            o.rooms = 1;
            o.peers = 2;
            o.warmupSeconds = 3;
            o.durationSeconds = 8;
            o.receiveLoss = 0.03;
            o.serverPids = List.of(ProcessHandle.current().pid());
            o.out = out;
            o.progress = false;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            long thrown = ((Number) q.get("simulatedLosses")).longValue();
            long nacks = ((Number) q.get("nacksSent")).longValue();
            long rtx = ((Number) q.get("retransmissionsReceived")).longValue();
            long recovered = ((Number) q.get("recovered")).longValue();
            assertTrue(thrown > 50, () -> "the lossy downlink threw packets away: " + q);
            assertTrue(nacks > 10, () -> "receivers NACKed: " + q);
            assertTrue(rtx > 10 && recovered > 10, () -> "RTX came back and filled gaps: " + q);
            // Almost every NACKed video packet is repaired: the cache holds the last 1024 packets.
            assertTrue(recovered * 10 >= nacks * 8, () -> "most NACKs answered: " + q);
            String metrics = node.metrics().scrape();
            assertTrue(sum(metrics, "relaycast_nacks_received_total") >= nacks * 0.9, metrics);
            assertTrue(sum(metrics, "relaycast_retransmitted_packets_total") >= recovered, metrics);
        } finally {
            node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static double sum(String metrics, String name) {
        double s = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{")) {
                s += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return s;
    }
}
