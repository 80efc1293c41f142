package io.relaycast.node.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus registry and the meters every part of the node shares.
 *
 * <p>Per-packet counters are not Micrometer counters: each media worker keeps its own plain
 * counters (written by its one thread) and registers them here as function counters, so the
 * packet path never touches a shared atomic. Everything else (peers, rooms, signaling errors) is
 * rare enough for ordinary meters.
 */
public final class NodeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger peers = new AtomicInteger();
    private final AtomicInteger rooms = new AtomicInteger();
    private final ConcurrentHashMap<String, Counter> signalingErrors = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> authRejections = new ConcurrentHashMap<>();

    public NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        Gauge.builder("relaycast_peers", peers, AtomicInteger::get)
                .description("Peers joined on this node").register(registry);
        Gauge.builder("relaycast_rooms", rooms, AtomicInteger::get)
                .description("Rooms with at least one peer on this node").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    public AtomicInteger peers() {
        return peers;
    }

    public AtomicInteger rooms() {
        return rooms;
    }

    /** Counts a signaling error reply by its protocol code. */
    public void signalingError(String code) {
        signalingErrors.computeIfAbsent(code, c -> Counter.builder("relaycast_signaling_errors_total")
                .description("Error replies sent to clients, by protocol error code")
                .tag("code", c).register(registry)).increment();
    }

    /**
     * Counts a refused join token by reason. The caller passes one of a small fixed set of labels
     * ({@code AuthRejection.Reason}), never client input, so the series stay bounded.
     */
    public void authRejection(String reason) {
        authRejections.computeIfAbsent(reason, r -> Counter.builder("relaycast_auth_rejections_total")
                .description("Joins refused for their token, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    /** Registers a monotonic counter read from an object owned elsewhere (e.g. a media worker). */
    public <T> void functionCounter(String name, String description, T obj, ToDoubleFunction<T> f, String... tags) {
        FunctionCounter.builder(name, obj, f).description(description).tags(tags).register(registry);
    }
}
