package io.relaycast.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
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
        try (InProcessNode n = InProcessNode.start()) {
            Options o = n.options(2, 8, out);
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
            assertTrue(n.metricSum("relaycast_nacks_received_total") >= nacks * 0.9, () -> "node counted the NACKs");
            assertTrue(n.metricSum("relaycast_retransmitted_packets_total") >= recovered, () -> "node counted the RTX");
        }
    }
}
