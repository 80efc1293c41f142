package io.relaycast.load;

import io.relaycast.node.DevCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        int[] cluster = InProcessNode.freeTcpPorts(2);
        List<InProcessNode> nodes = new ArrayList<>();
        List<String> urls = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Path[] own = pki.issue(Files.createDirectories(dir.resolve("n" + i)), "n" + i, "127.0.0.1");
                nodes.add(InProcessNode.startClustered("tls-" + i, cluster[i], cluster, Map.of(
                        "RELAYCAST_EVENTBUS_TLS_CERT", own[0].toString(),
                        "RELAYCAST_EVENTBUS_TLS_KEY", own[1].toString(),
                        "RELAYCAST_EVENTBUS_TLS_CA", ca.toString())));
                urls.add(nodes.get(i).url());
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
            for (InProcessNode n : nodes) {
                String metrics = n.node.metrics().scrape();
                double relayedIn = 0;
                for (String line : metrics.split("\n")) {
                    if (line.startsWith("relaycast_relay_packets_total{") && line.contains("direction=\"in\"")) {
                        relayedIn += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                double in = relayedIn;
                assertTrue(in > 500, () -> n.node.settings().nodeId() + " received relayed media: " + in);
            }
        } finally {
            for (InProcessNode n : nodes) {
                n.close();
            }
        }
    }
}
