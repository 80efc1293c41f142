package io.relaycast.load;

import io.relaycast.node.DevCertificates;
import io.relaycast.node.RelaycastNode;
import io.relaycast.node.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6: two clustered nodes with event-bus TLS relay media. Four real clients, two on each
 * node, all publishing: every subscriber gets every other peer's audio and video, half of it
 * relayed across the TLS event bus, and the relay counters show it crossed.
 */
class TlsRelayTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void mediaCrossesTheTlsEventBus(@TempDir Path dir) throws Exception {
        DevCertificates pki = new DevCertificates("Relaycast test CA", 1);
        Path ca = pki.writeCa(dir);
        int[] cluster = {free(), free()};
        String members = "127.0.0.1:" + cluster[0] + ",127.0.0.1:" + cluster[1];
        List<RelaycastNode> nodes = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path[] own = pki.issue(Files.createDirectories(dir.resolve("n" + i)), "n" + i, "127.0.0.1");
                int http = free();
                Map<String, String> env = new HashMap<>();
                env.put("RELAYCAST_HTTP_HOST", "127.0.0.1");
                env.put("RELAYCAST_HTTP_PORT", Integer.toString(http));
                env.put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
                env.put("RELAYCAST_MEDIA_PORT", Integer.toString(freeUdp()));
                env.put("RELAYCAST_MEDIA_WORKERS", "1");
                env.put("RELAYCAST_NODE_ID", "tls-" + i);
                env.put("RELAYCAST_CLUSTER", "true");
                env.put("RELAYCAST_CLUSTER_HOST", "127.0.0.1");
                env.put("RELAYCAST_CLUSTER_PORT", Integer.toString(cluster[i]));
                env.put("RELAYCAST_CLUSTER_MEMBERS", members);
                env.put("RELAYCAST_EVENTBUS_TLS_CERT", own[0].toString());
                env.put("RELAYCAST_EVENTBUS_TLS_KEY", own[1].toString());
                env.put("RELAYCAST_EVENTBUS_TLS_CA", ca.toString());
                nodes.add(RelaycastNode.start(Settings.from(env::get)).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS));
                urls.add("http://127.0.0.1:" + http);
            }
            Options o = new Options();
            o.urls = urls;
            o.rooms = 1;
            o.peers = 4;
            o.warmupSeconds = 4;
            o.durationSeconds = 6;
            o.serverPids = List.of(ProcessHandle.current().pid());
            o.out = dir.resolve("out");
            o.progress = false;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            assertEquals(24, ((Number) q.get("receivingStreams")).intValue(), () -> "4 peers x 3 others x 2: " + q);
            assertTrue(((Number) q.get("loss")).doubleValue() < 0.05, () -> "loss " + q.get("loss"));
            for (RelaycastNode n : nodes) {
                double in = 0;
                for (String line : n.metrics().scrape().split("\n")) {
                    if (line.startsWith("relaycast_relay_messages_total{") && line.contains("direction=\"in\"")) {
                        in += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                double relayedIn = in;
                assertTrue(relayedIn > 500, () -> n.settings().nodeId() + " received relayed media: " + relayedIn);
            }
        } finally {
            for (RelaycastNode n : nodes) {
                n.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static int free() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdp() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
