package io.relaycast.load;

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
 * A simulcast publisher on node A that offers q, h and f but sends only q and h (Chromium does
 * this while its estimate cannot carry f), and a subscriber on node B with no bandwidth limit.
 * Node B sees packets only of the layers it subscribes to, so it learns from A which layers flow
 * (the relay's LIVE_LAYERS record). The subscriber must settle on h and B must not keep trying
 * f: before that record, B aimed at f, subscribed, waited 1.5 s (sending the SUBSCRIBE again
 * after one), fell back to h and aimed at f again, for as long as the call lasted.
 */
class SimulcastRelayTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aSubscriberOnAnotherNodeDoesNotKeepAimingAtALayerThePublisherDoesNotSend(@TempDir Path out) throws Exception {
        int[] cluster = InProcessNode.freeTcpPorts(2);
        List<InProcessNode> nodes = new ArrayList<>();
        try {
            nodes.add(InProcessNode.startClustered("node-a", cluster[0], cluster, Map.of()));
            nodes.add(InProcessNode.startClustered("node-b", cluster[1], cluster, Map.of()));
            Options o = new Options();
            // Round-robin: the publisher r0p0 on A, the subscriber r0p1 on B.
            o.urls = List.of(nodes.get(0).url(), nodes.get(1).url());
            o.rooms = 1;
            o.peers = 2;
            o.publishers = 1;
            o.simulcast = true;
            o.simulcastTopSilent = true;
            o.awaitConnectedSeconds = 60;
            o.warmupSeconds = 2;
            o.durationSeconds = 10;
            o.serverPids = List.of(ProcessHandle.current().pid());
            o.out = out;
            o.progress = false;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) r.tree.get("layers");
            String all = String.valueOf(l);
            @SuppressWarnings("unchecked")
            Map<String, Long> atEnd = (Map<String, Long>) l.get("streamsPerLayerAtEnd");
            assertEquals(1L, atEnd.get("h"), () -> "the subscriber ends on h, the best layer sent: " + all);

            double resubscribes = nodes.get(1).metricSum("relaycast_relay_resubscribes_total");
            long plis = ((Number) q.get("plisReceived")).longValue();
            System.out.printf("simulcast over the relay, f not sent: node B resubscribed %.0f times, the publisher"
                    + " got %d keyframe requests in %d s; layers %s%n", resubscribes, plis,
                    o.warmupSeconds + o.durationSeconds, r.layersSummary());
            // Each try at f waited a second, then sent the SUBSCRIBE again: 6 in this run before
            // the LIVE_LAYERS record, 0 after it.
            assertTrue(resubscribes <= 1, () -> "node B kept subscribing to f: " + resubscribes + " resubscriptions");
        } finally {
            for (InProcessNode n : nodes) {
                n.close();
            }
        }
    }
}
