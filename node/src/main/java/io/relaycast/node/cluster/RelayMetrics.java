package io.relaycast.node.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Relay traffic per remote node (issue 4's metrics): messages and bytes out and in, and drops.
 * The {@code remote} label is the other node's Relaycast node id.
 * Counters are created once per remote node; increments are Micrometer's lock-free adders.
 */
public final class RelayMetrics {
    private final MeterRegistry registry;
    private final Map<String, Counter[]> byNode = new ConcurrentHashMap<>();
    private final Map<String, Counter> drops = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** [messages out, bytes out, messages in, bytes in] for one remote node. */
    private Counter[] counters(String remoteNodeId) {
        return byNode.computeIfAbsent(remoteNodeId, n -> new Counter[]{
                Counter.builder("relaycast_relay_messages_total").description("Relay messages between nodes")
                        .tags("direction", "out", "remote", n).register(registry),
                Counter.builder("relaycast_relay_bytes_total").description("Relay payload bytes between nodes")
                        .tags("direction", "out", "remote", n).register(registry),
                Counter.builder("relaycast_relay_messages_total").description("Relay messages between nodes")
                        .tags("direction", "in", "remote", n).register(registry),
                Counter.builder("relaycast_relay_bytes_total").description("Relay payload bytes between nodes")
                        .tags("direction", "in", "remote", n).register(registry)});
    }

    public void sent(String remoteNodeId, int bytes) {
        Counter[] c = counters(remoteNodeId);
        c[0].increment();
        c[1].increment(bytes);
    }

    public void received(String remoteNodeId, int bytes) {
        Counter[] c = counters(remoteNodeId);
        c[2].increment();
        c[3].increment(bytes);
    }

    public void dropped(String reason) {
        drops.computeIfAbsent(reason, r -> Counter.builder("relaycast_relay_drops_total")
                .description("Relay messages dropped, by reason").tag("reason", r).register(registry)).increment();
    }
}
