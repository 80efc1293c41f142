package io.relaycast.load;

import io.relaycast.node.RelaycastNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 4 in one JVM with real client stacks: two clustered nodes, one peer on node A and two on
 * node B, everyone publishing. A's tracks have two subscribers on B but cross once; and keyframe
 * requests from B's subscribers reach A's publisher through the back path (A has no local
 * subscriber of its own publisher, so every PLI A sends it came from B).
 */
class ClusterRelayTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneCopyPerNodeAndTheBackPathWorks(@TempDir Path out) throws Exception {
        int[] cluster = InProcessNode.freeTcpPorts(2);
        List<InProcessNode> nodes = new ArrayList<>();
        try {
            nodes.add(InProcessNode.startClustered("node-a", cluster[0], cluster, Map.of()));
            nodes.add(InProcessNode.startClustered("node-b", cluster[1], cluster, Map.of()));
            List<String> urls = List.of(nodes.get(0).url(), nodes.get(1).url());
            Options o = new Options();
            // Round-robin over this list: peer 0 on A, peers 1 and 2 on B.
            o.urls = List.of(urls.get(0), urls.get(1), urls.get(1));
            o.rooms = 1;
            o.peers = 3;
            o.warmupSeconds = 4;
            o.durationSeconds = 8;
            o.serverPids = List.of(ProcessHandle.current().pid());
            o.out = out;
            o.progress = false;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            assertEquals(12, ((Number) q.get("receivingStreams")).intValue(), () -> "3 peers x 2 others x 2: " + q);
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            assertTrue(((Number) q.get("loss")).doubleValue() < 0.05, () -> "loss " + q.get("loss"));

            RelaycastNode a = nodes.get(0).node;
            double relayedToB = InProcessNode.metricSum(a, "relaycast_relay_packets_total", "remote=\"node-b\"", "direction=\"out\"");
            double fromPublisher = InProcessNode.metricSum(a, "relaycast_packets_total", "direction=\"in\"");
            // Every relayed packet is one of the publisher's packets: per node, not per subscriber.
            assertTrue(relayedToB > 500, () -> "A relays to B: " + relayedToB);
            assertTrue(relayedToB < fromPublisher * 1.1,
                    () -> "one copy per packet for two subscribers on B: relayed " + relayedToB + ", received " + fromPublisher);
            // Packets travel in batches (frames), several per event-bus message when the worker has several at once.
            double framesToB = InProcessNode.metricSum(a, "relaycast_relay_messages_total", "remote=\"node-b\"", "direction=\"out\"");
            assertTrue(framesToB > 0 && framesToB <= relayedToB, () -> "frames " + framesToB + ", packets " + relayedToB);
            double budgetDrops = InProcessNode.metricSum(a, "relaycast_relay_drops_total", "reason=\"budget_");
            assertEquals(0.0, budgetDrops, "an idle link never sheds");
            // The relay's consumer runs on the media worker that owns the room, on both ends.
            for (InProcessNode n : nodes) {
                assertTrue(n.node.relay(0).framesReceived() > 100, () -> "frames received " + n.node.relay(0).framesReceived());
                assertEquals(0, n.node.relay(0).framesOffThread(), "relayed frames handled off the worker's thread");
            }
            double plisToPublisher = InProcessNode.metricSum(a, "relaycast_keyframe_requests_total", "direction=\"sent\"");
            assertTrue(plisToPublisher >= 1, () -> "B's keyframe requests reached A's publisher: " + plisToPublisher);
        } finally {
            for (InProcessNode n : nodes) {
                n.close();
            }
        }
    }
}
