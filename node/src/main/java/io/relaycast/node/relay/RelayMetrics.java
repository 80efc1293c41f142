package io.relaycast.node.relay;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Link health per remote node and worker (docs/metrics.md "Relay"): frames (batches), bytes and
 * packets each way, drops by reason, round-trip time and queued bytes. The links count in plain
 * fields on their worker's thread; these meters read them when scraped, so the packet path pays
 * no metric cost. {@code remote} is the other node's Relaycast node id, {@code remote_worker}
 * its media worker, {@code worker} this node's; packets per batch is
 * {@code packets_total / messages_total}.
 */
public final class RelayMetrics {
    private final MeterRegistry registry;
    private final Map<RelayLink, List<Meter>> byLink = new ConcurrentHashMap<>();
    private final Map<String, io.micrometer.core.instrument.Counter> eventDrops = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void endpoint(RelayEndpoint e, int worker) {
        FunctionCounter.builder("relaycast_relay_drops_total", e, RelayEndpoint::malformedFrames)
                .description("Relay records or frames dropped, by reason")
                .tags("reason", "malformed_frame", "remote", "unknown", "remote_worker", "", "worker",
                        Integer.toString(worker))
                .register(registry);
    }

    void add(RelayLink l, int worker) {
        String w = Integer.toString(worker);
        String remote = l.remoteNodeId();
        String rw = Integer.toString(l.remoteWorker());
        List<Meter> meters = new ArrayList<>();
        meters.add(counter("relaycast_relay_messages_total", "Relay frames (batches) between nodes", l,
                x -> x.framesOut, remote, rw, w, "out"));
        meters.add(counter("relaycast_relay_messages_total", "Relay frames (batches) between nodes", l,
                x -> x.framesIn, remote, rw, w, "in"));
        meters.add(counter("relaycast_relay_bytes_total", "Relay frame bytes between nodes", l,
                x -> x.bytesOut, remote, rw, w, "out"));
        meters.add(counter("relaycast_relay_bytes_total", "Relay frame bytes between nodes", l,
                x -> x.bytesIn, remote, rw, w, "in"));
        meters.add(counter("relaycast_relay_packets_total", "RTP packets relayed between nodes", l,
                x -> x.packetsOut, remote, rw, w, "out"));
        meters.add(counter("relaycast_relay_packets_total", "RTP packets relayed between nodes", l,
                x -> x.packetsIn, remote, rw, w, "in"));
        meters.add(FunctionCounter.builder("relaycast_relay_keyframe_resumes_total", l, x -> x.keyframeResumes)
                .description("Tracks that resumed at a keyframe after shedding video on the link")
                .tags("remote", remote, "remote_worker", rw, "worker", w).register(registry));
        meters.add(FunctionCounter.builder("relaycast_relay_resubscribes_total", l, x -> x.resubscribes)
                .description("Subscriptions sent again because the stream carried nothing after the first")
                .tags("remote", remote, "remote_worker", rw, "worker", w).register(registry));
        for (RelayDrop d : RelayDrop.values()) {
            meters.add(FunctionCounter.builder("relaycast_relay_drops_total", l, x -> x.drops[d.ordinal()])
                    .description("Relay records or frames dropped, by reason")
                    .tags("reason", d.label(), "remote", remote, "remote_worker", rw, "worker", w).register(registry));
        }
        meters.add(gauge("relaycast_relay_rtt_seconds", "Smoothed round-trip time of the relay link", l,
                x -> x.rttNanos() < 0 ? Double.NaN : x.rttNanos() / 1e9, remote, rw, w));
        meters.add(gauge("relaycast_relay_queued_bytes",
                "Bytes sent on the relay link and not yet acknowledged, plus the batch being built", l,
                x -> x.queuedBytes(), remote, rw, w));
        byLink.put(l, meters);
    }

    /** A room membership event from another node that could not be used (malformed, unknown type). */
    public void eventDropped(String reason) {
        eventDrops.computeIfAbsent(reason, r -> io.micrometer.core.instrument.Counter
                .builder("relaycast_relay_event_drops_total")
                .description("Room membership events from other nodes dropped, by reason")
                .tag("reason", r).register(registry)).increment();
    }

    void remove(RelayLink l) {
        List<Meter> meters = byLink.remove(l);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }

    private Meter counter(String name, String description, RelayLink l, ToDoubleFunction<RelayLink> f,
                          String remote, String remoteWorker, String worker, String direction) {
        return FunctionCounter.builder(name, l, f).description(description)
                .tags("direction", direction, "remote", remote, "remote_worker", remoteWorker, "worker", worker)
                .register(registry);
    }

    private Meter gauge(String name, String description, RelayLink l, ToDoubleFunction<RelayLink> f,
                        String remote, String remoteWorker, String worker) {
        return Gauge.builder(name, l, f).description(description)
                .tags("remote", remote, "remote_worker", remoteWorker, "worker", worker).register(registry);
    }
}
