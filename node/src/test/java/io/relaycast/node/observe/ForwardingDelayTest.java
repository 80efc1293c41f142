package io.relaycast.node.observe;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ForwardingDelayTest {

    @Test
    void exportedAsAPrometheusHistogramPerWorker() {
        NodeMetrics metrics = new NodeMetrics("n1");
        ForwardingDelay w0 = new ForwardingDelay("0");
        ForwardingDelay w1 = new ForwardingDelay("1");
        metrics.forwardingDelay(w0);
        metrics.forwardingDelay(w1);
        w0.record(30_000, 10);        // 30 µs: first bucket (<= 50 µs)
        w0.record(700_000, 5);        // 0.7 ms: <= 1 ms
        w0.record(2_000_000_000L, 1); // 2 s: +Inf only
        String text = metrics.scrape();
        assertTrue(text.contains("# TYPE relaycast_forwarding_delay_seconds histogram"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_bucket{node=\"n1\",worker=\"0\",le=\"5.0E-5\"} 10"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_bucket{node=\"n1\",worker=\"0\",le=\"0.001\"} 15"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_bucket{node=\"n1\",worker=\"0\",le=\"1.0\"} 15"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_bucket{node=\"n1\",worker=\"0\",le=\"+Inf\"} 16"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_count{node=\"n1\",worker=\"0\"} 16"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_sum{node=\"n1\",worker=\"0\"} 2.0038"), text);
        assertTrue(text.contains("relaycast_forwarding_delay_seconds_count{node=\"n1\",worker=\"1\"} 0"), text);
    }
}
