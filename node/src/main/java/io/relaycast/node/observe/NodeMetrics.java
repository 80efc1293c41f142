package io.relaycast.node.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
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

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
public final class NodeMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicInteger peers = new AtomicInteger();
    private final AtomicInteger rooms = new AtomicInteger();
    private final LabelledCounters signalingErrors = new LabelledCounters("relaycast_signaling_errors_total",
            "Error replies sent to clients, by protocol error code", "code");
    private final LabelledCounters limitRejections = new LabelledCounters("relaycast_limit_rejections_total",
            "Requests refused by a configured limit, by limit", "limit");
    private final AtomicInteger audioTracks = new AtomicInteger();
    private final AtomicInteger videoTracks = new AtomicInteger();
    private final Timer clientRtt;
    private final DistributionSummary clientFractionLost;
    private final DistributionSummary downlinkEstimate;
    private final Counter layerSwitchesUp;
    private final Counter layerSwitchesDown;
    private final Counter layerPauses;
    private final Counter probeBytes;
    private final Counter speakerChanges;
    private final Counter roomSpreads;
    private final Timer dtlsHandshake;
    private final LabelledCounters websocketCloses = new LabelledCounters("relaycast_websocket_closes_total",
            "WebSocket closes decided by the node, by close code", "code");
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger unjoinedConnections = new AtomicInteger();
    private final LabelledCounters authRejections = new LabelledCounters("relaycast_auth_rejections_total",
            "Joins refused for their token, by reason", "reason");

    private final List<ForwardingDelay> forwardingDelays = new CopyOnWriteArrayList<>();

    /** Listens to the JVM's GC notifications until {@link #close}. */
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    public NodeMetrics(String nodeId) {
        registry.config().commonTags("node", nodeId);
        registerForwardingDelayHistogram(nodeId);
        Gauge.builder("relaycast_peers", peers, AtomicInteger::get)
                .description("Peers joined on this node").register(registry);
        Gauge.builder("relaycast_rooms", rooms, AtomicInteger::get)
                .description("Rooms with at least one peer on this node").register(registry);
        Gauge.builder("relaycast_tracks", audioTracks, AtomicInteger::get).tag("kind", "audio")
                .description("Tracks published by peers on this node").register(registry);
        Gauge.builder("relaycast_tracks", videoTracks, AtomicInteger::get).tag("kind", "video")
                .description("Tracks published by peers on this node").register(registry);
        clientRtt = Timer.builder("relaycast_client_rtt")
                .description("Round-trip time to subscribers, from their receiver reports (RFC 3550 6.4.1)")
                .register(registry);
        clientFractionLost = DistributionSummary.builder("relaycast_client_fraction_lost")
                .description("Fraction of packets lost as reported by subscribers' receiver reports (0-1)")
                .register(registry);
        downlinkEstimate = DistributionSummary.builder("relaycast_downlink_estimate_bps")
                .description("Send-side bandwidth estimates of subscribers' downlinks from their transport-cc feedback, one sample per subscriber per second")
                .register(registry);
        layerSwitchesUp = Counter.builder("relaycast_layer_switches_total").tag("direction", "up")
                .description("Simulcast layer switches made for subscribers (spliced at a keyframe)").register(registry);
        layerSwitchesDown = Counter.builder("relaycast_layer_switches_total").tag("direction", "down")
                .description("Simulcast layer switches made for subscribers (spliced at a keyframe)").register(registry);
        layerPauses = Counter.builder("relaycast_layer_pauses_total")
                .description("Tracks paused for a subscriber (setPreferences paused or maxHeight 0)").register(registry);
        probeBytes = Counter.builder("relaycast_probe_bytes_total")
                .description("Padding bytes sent to probe subscribers' downlinks").register(registry);
        speakerChanges = Counter.builder("relaycast_dominant_speaker_changes_total")
                .description("Changes of a room's dominant speaker (dominantSpeaker messages broadcast)").register(registry);
        roomSpreads = Counter.builder("relaycast_room_spreads_total")
                .description("Times a room grew onto one more media worker of this node (RELAYCAST_ROOM_PEERS_PER_WORKER)")
                .register(registry);
        dtlsHandshake = Timer.builder("relaycast_dtls_handshake")
                .description("Time from a peer's transport creation to DTLS completion (ICE + DTLS)")
                .register(registry);
        Gauge.builder("relaycast_http_connections", connections, AtomicInteger::get)
                .description("Open HTTP and WebSocket connections on the signaling port").register(registry);
        Gauge.builder("relaycast_http_connections_unjoined", unjoinedConnections, AtomicInteger::get)
                .description("Open connections that are not a joined peer (HTTP, WebSockets before join)")
                .register(registry);
        registerKnownLabels();
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /**
     * Micrometer has no histogram whose buckets can be bumped by a count, which a worker needs to
     * record a whole flush at once; this one is a Prometheus collector on the same registry, one
     * data point per media worker (the node label added here, as Micrometer's common tags are not).
     */
    private void registerForwardingDelayHistogram(String nodeId) {
        double[] bounds = new double[ForwardingDelay.BOUNDS_SECONDS.length + 1];
        System.arraycopy(ForwardingDelay.BOUNDS_SECONDS, 0, bounds, 0, bounds.length - 1);
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        registry.getPrometheusRegistry().register(() -> {
            HistogramSnapshot.Builder snapshot = HistogramSnapshot.builder()
                    .name("relaycast_forwarding_delay_seconds")
                    .help("Media worker's delay from reading a receive batch to handing what it sent in answer to the kernel, per datagram");
            for (ForwardingDelay d : forwardingDelays) {
                snapshot.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, d.counts()))
                        .sum(d.sumSeconds())
                        .labels(Labels.of("node", nodeId, "worker", d.worker()))
                        .build());
            }
            return snapshot.build();
        });
    }

    /**
     * Stops the GC listener and closes the registry: a JVM that starts many nodes (tests, the
     * simulation's thousand runs) would otherwise keep every node's GC listener.
     */
    @Override
    public void close() {
        gcMetrics.close();
        registry.close();
    }

    /** Exports a media worker's forwarding-delay histogram. */
    public void forwardingDelay(ForwardingDelay delay) {
        forwardingDelays.add(delay);
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

    /**
     * The values of {@code relaycast_limit_rejections_total{limit}}: the limits of issue 6, then the
     * connection hygiene of issue 11 (caps, timeouts, oversized frames).
     */
    public static final List<String> LIMITS = List.of("room_full", "peers_per_node", "message_rate",
            "tracks_per_peer", "peer_packet_rate",
            "connections_per_node", "connections_per_ip", "header_timeout", "join_timeout", "frame_timeout",
            "frame_size");

    /** WebSocket close codes the node itself sends, the values of {@code relaycast_websocket_closes_total{code}}. */
    public static final List<Integer> CLOSE_CODES = List.of(1000, 1001, 1002, 1007, 1008, 1009, 4400, 4401, 4408, 4409);

    /**
     * Creates every bounded-label counter at zero, so a dashboard or alert sees the series before
     * the first event rather than a missing metric.
     */
    private void registerKnownLabels() {
        for (io.relaycast.signal.ErrorCode c : io.relaycast.signal.ErrorCode.values()) {
            signalingErrors.get(c.wire());
        }
        for (io.relaycast.node.auth.AuthRejection.Reason r : io.relaycast.node.auth.AuthRejection.Reason.values()) {
            authRejections.get(r.label());
        }
        for (String l : LIMITS) {
            limitRejections.get(l);
        }
        for (int c : CLOSE_CODES) {
            websocketCloses.get(Integer.toString(c));
        }
    }

    /** Counts a WebSocket close the node decided; {@code code} is one of {@link #CLOSE_CODES}. */
    public void websocketClose(int code) {
        websocketCloses.get(CLOSE_CODES.contains(code) ? Integer.toString(code) : "other").increment();
    }

    /** Open connections on the signaling port (written by the signaling event loop only). */
    public AtomicInteger connections() {
        return connections;
    }

    /** Open connections that are not a joined peer (written by the signaling event loop only). */
    public AtomicInteger unjoinedConnections() {
        return unjoinedConnections;
    }

    /** Counts a signaling error reply by its protocol code. */
    public void signalingError(String code) {
        signalingErrors.get(code).increment();
    }

    /**
     * Counts a refused join token by reason. The caller passes one of a small fixed set of labels
     * ({@code AuthRejection.Reason}), never client input, so the series stay bounded.
     */
    public void authRejection(String reason) {
        authRejections.get(reason).increment();
    }

    /** Counts a request refused by one of the node's limits ({@link #LIMITS}). */
    public void limitRejected(String limit) {
        limitRejections.get(limit).increment();
    }

    /** One counter family with a single label, its series created on first use (or at start). */
    private final class LabelledCounters {
        private final String name;
        private final String description;
        private final String label;
        private final ConcurrentHashMap<String, Counter> byValue = new ConcurrentHashMap<>();

        LabelledCounters(String name, String description, String label) {
            this.name = name;
            this.description = description;
            this.label = label;
        }

        Counter get(String value) {
            return byValue.computeIfAbsent(value, v -> Counter.builder(name).description(description)
                    .tag(label, v).register(registry));
        }
    }

    /** Published tracks on this node, by kind. */
    public AtomicInteger tracks(boolean video) {
        return video ? videoTracks : audioTracks;
    }

    public void clientRtt(long nanos) {
        clientRtt.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void clientFractionLost(double fraction) {
        clientFractionLost.record(fraction);
    }

    /** A subscriber's layer changed: up or down in rank, or to paused. */
    public void layerSwitch(int rankDelta, boolean paused) {
        if (paused) {
            layerPauses.increment();
        } else if (rankDelta > 0) {
            layerSwitchesUp.increment();
        } else if (rankDelta < 0) {
            layerSwitchesDown.increment();
        }
    }

    public void downlinkEstimate(long bps) {
        downlinkEstimate.record(bps);
    }

    public void probeBytes(long bytes) {
        probeBytes.increment(bytes);
    }

    public void dominantSpeakerChange() {
        speakerChanges.increment();
    }

    public void roomSpread() {
        roomSpreads.increment();
    }

    public void dtlsHandshake(long nanos) {
        dtlsHandshake.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Registers a gauge read from an object owned elsewhere. */
    public <T> void gauge(String name, String description, T obj, ToDoubleFunction<T> f, String... tags) {
        Gauge.builder(name, obj, f).description(description).tags(tags).register(registry);
    }

    /** Registers a monotonic counter read from an object owned elsewhere (e.g. a media worker). */
    public <T> void functionCounter(String name, String description, T obj, ToDoubleFunction<T> f, String... tags) {
        FunctionCounter.builder(name, obj, f).description(description).tags(tags).register(registry);
    }
}
