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
        try (InProcessCluster c = InProcessCluster.start(2)) {
            // The publisher r0p0 on A, the subscriber r0p1 on B.
            Options o = c.roomOptions(2, 2, 10, out, 0, 1);
            o.publishers = 1;
            o.simulcast = true;
            o.simulcastTopSilent = true;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) r.tree.get("layers");
            String all = String.valueOf(l);
            @SuppressWarnings("unchecked")
            Map<String, Long> atEnd = (Map<String, Long>) l.get("streamsPerLayerAtEnd");
            assertEquals(1L, atEnd.get("h"), () -> "the subscriber ends on h, the best layer sent: " + all);

            double resubscribes = c.node(1).metricSum("relaycast_relay_resubscribes_total");
            long plis = ((Number) q.get("plisReceived")).longValue();
            System.out.printf("simulcast over the relay, f not sent: node B resubscribed %.0f times, the publisher"
                    + " got %d keyframe requests in %d s; layers %s%n", resubscribes, plis,
                    o.warmupSeconds + o.durationSeconds, r.layersSummary());
            // Each try at f waited a second, then sent the SUBSCRIBE again: 6 in this run before
            // the LIVE_LAYERS record, 0 after it.
            assertTrue(resubscribes <= 1, () -> "node B kept subscribing to f: " + resubscribes + " resubscriptions");
        }
    }
}
