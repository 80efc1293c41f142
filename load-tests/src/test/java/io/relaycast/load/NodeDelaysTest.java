package io.relaycast.load;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NodeDelaysTest {
    /** A node's /metrics lines in the format Micrometer's Prometheus registry writes them. */
    private static String metrics(long under1ms, long under10ms, long total, double loopDelay) {
        return "# HELP relaycast_forwarding_delay_seconds ...\n"
                + "relaycast_forwarding_delay_seconds_bucket{node=\"n\",worker=\"0\",le=\"0.001\"} " + under1ms + "\n"
                + "relaycast_forwarding_delay_seconds_bucket{node=\"n\",worker=\"0\",le=\"0.01\"} " + under10ms + "\n"
                + "relaycast_forwarding_delay_seconds_bucket{node=\"n\",worker=\"0\",le=\"+Inf\"} " + total + "\n"
                + "relaycast_forwarding_delay_seconds_count{node=\"n\",worker=\"0\"} " + total + "\n"
                + "relaycast_event_loop_delay_seconds{node=\"n\",worker=\"0\"} " + loopDelay + "\n"
                + "relaycast_forwarded_packets_total{node=\"n\",worker=\"0\"} 5.0\n";
    }

    @Test
    void phasesAreDifferencesOfTheHistogramSummedOverNodes() {
        NodeDelays d = new NodeDelays();
        d.mark(List.of(metrics(100, 100, 100, 0.001), metrics(50, 50, 50, 0.002)), 0);
        d.sample(List.of(metrics(0, 0, 0, 0.004), metrics(0, 0, 0, 0.003)));
        // baseline: 1000 more datagrams, all under 1 ms
        d.mark(List.of(metrics(700, 700, 700, 0), metrics(450, 450, 450, 0)), 1);
        d.sample(List.of(metrics(0, 0, 0, 0.0123), metrics(0, 0, 0, 0.001)));
        // storm: 1000 more, 950 under 1 ms, 990 under 10 ms, 10 over
        d.mark(List.of(metrics(1300, 1340, 1350, 0), metrics(800, 800, 800, 0)), 2);
        Map<String, Object> m = new LinkedHashMap<>();
        d.putInto(m);
        assertEquals(1000L, m.get("nodeBaselineDatagrams"));
        assertEquals(1.0, m.get("nodeBaselineForwardingDelayP99AtMostMs"));
        assertEquals(0.0, m.get("nodeBaselineForwardingDelayOver10msPercent"));
        assertEquals(4.0, m.get("nodeBaselineWorstLoopDelayMs"));
        assertEquals(1000L, m.get("nodeStormDatagrams"));
        assertEquals(10.0, m.get("nodeStormForwardingDelayP99AtMostMs"));
        assertEquals(1.0, m.get("nodeStormForwardingDelayOver10msPercent"));
        assertEquals(12.3, m.get("nodeStormWorstLoopDelayMs"));
    }

    @Test
    void unreadableNodesGiveNoFigures() {
        NodeDelays d = new NodeDelays();
        d.mark(null, 0);
        d.mark(null, 1);
        d.mark(null, 2);
        Map<String, Object> m = new LinkedHashMap<>();
        d.putInto(m);
        assertNull(m.get("nodeBaselineForwardingDelayP99AtMostMs"));
        assertNull(m.get("nodeStormForwardingDelayP99AtMostMs"));
    }
}
