package io.relaycast.node;

import com.hazelcast.core.HazelcastInstance;
import io.relaycast.node.auth.JwtKeys;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.cluster.ClusterBootstrap;
import io.relaycast.node.cluster.ClusterContext;
import io.relaycast.node.cluster.VertxClusterBus;
import io.relaycast.node.cluster.HazelcastMembershipStore;
import io.relaycast.node.cluster.LocalMembershipStore;
import io.relaycast.node.cluster.MembershipStore;
import io.relaycast.node.cluster.BusReachability;
import io.relaycast.node.cluster.NodeWatcher;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.MediaWorkerVerticle;
import io.relaycast.node.media.TransportContext;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.relay.RelayEndpoint;
import io.relaycast.node.relay.RelayFrame;
import io.relaycast.node.relay.RelayFrameCodec;
import io.relaycast.node.relay.RelayMetrics;
import io.relaycast.node.room.Reconciler;
import io.relaycast.node.room.RoomManager;
import io.relaycast.node.signaling.SignalingVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * One running Relaycast node: its Vert.x instance, media workers, signaling and lifecycle.
 * {@link Main} starts one for the command line; tests start several in one JVM.
 */
public final class RelaycastNode {
    private static final Logger LOG = Logger.getLogger(RelaycastNode.class.getName());

    private final Settings settings;
    private final Vertx vertx;
    private final NodeMetrics metrics;
    private final Readiness readiness = new Readiness();
    private final List<MediaWorker> workers;
    private final RoomManager rooms;
    private final TransportContext transports;
    private final HazelcastInstance hazelcast;
    private final TokenVerifier tokens;
    private final ClusterContext cluster;
    private SignalingVerticle signaling;
    private Reconciler reconciler;
    private BusReachability reachability;

    private RelaycastNode(Settings settings, Vertx vertx, NodeMetrics metrics, HazelcastInstance hazelcast,
                          JwtKeys keys) {
        this.settings = settings;
        this.vertx = vertx;
        this.metrics = metrics;
        this.hazelcast = hazelcast;
        this.tokens = TokenVerifier.create(vertx, keys);
        this.transports = new TransportContext(settings.advertisedIps(), settings.dtlsHandshakeThreads());
        // One description for the three states: Prometheus has one HELP line per metric name.
        String dtlsPoolHelp = "DTLS handshake pool tasks: running (holding a thread, mostly waiting for the peer),"
                + " computing (holding one of the per-core permits), queued (waiting for a thread)";
        metrics.gauge("relaycast_dtls_pool_tasks", dtlsPoolHelp, transports.dtlsPool(), p -> p.activeCount(),
                "state", "running");
        metrics.gauge("relaycast_dtls_pool_tasks", dtlsPoolHelp, transports.dtlsPool(), p -> p.computingCount(),
                "state", "computing");
        metrics.gauge("relaycast_dtls_pool_tasks", dtlsPoolHelp, transports.dtlsPool(), p -> p.queuedCount(),
                "state", "queued");
        List<MediaWorker> ws = new ArrayList<>();
        for (int i = 0; i < settings.mediaWorkers(); i++) {
            ws.add(new MediaWorker(i, settings.mediaPort() + i, transports, metrics));
        }
        this.workers = List.copyOf(ws);
        MembershipStore store;
        String busNodeId;
        if (hazelcast != null) {
            store = new HazelcastMembershipStore(vertx, hazelcast);
            busNodeId = ClusterBootstrap.busNodeId(hazelcast.getCluster().getLocalMember());
        } else {
            store = new LocalMembershipStore();
            busNodeId = "local-" + settings.nodeId();
        }
        this.cluster = new ClusterContext(new VertxClusterBus(vertx.eventBus()), store, settings.nodeId(), busNodeId,
                new RelayMetrics(metrics.registry()));
        vertx.eventBus().registerDefaultCodec(RelayFrame.class, new RelayFrameCodec());
        this.rooms = new RoomManager(workers, settings, metrics, cluster);
        if (hazelcast != null) {
            reachability = new BusReachability(vertx, busNodeId);
            cluster.reachability(reachability);
            reconciler = new Reconciler(Reconciler.timersOf(vertx), rooms, store, reachability);
            new NodeWatcher(vertx, store, this::nodeLeft, reconciler::viewChanged).attach(hazelcast);
        }
    }

    /** Another node died: each worker's relay drops its links there, each room its peers. Any thread. */
    private void nodeLeft(String busNodeId) {
        rooms.nodeLeft(busNodeId);
        if (reachability != null) {
            reachability.forget(busNodeId);
        }
    }

    /**
     * Starts a node; the future fails with a one-line reason when a port cannot be bound or the
     * cluster cannot be joined. In cluster mode this blocks the calling thread while the Hazelcast
     * member starts (a few seconds), so never call it from an event loop.
     *
     * @throws SettingsException before anything starts, when the JWT public key file is not a
     *                           usable RSA or P-256 EC public key
     */
    public static Future<RelaycastNode> start(Settings settings) throws SettingsException {
        JwtKeys keys = JwtKeys.load(settings);
        NodeMetrics metrics = new NodeMetrics(settings.nodeId());
        // One event loop per media worker plus one for signaling, so a room's forwarding never
        // shares its thread with HTTP.
        // Native epoll event loops where Linux and the bundled library allow (NIO elsewhere): the
        // media sockets can then batch datagrams with recvmmsg/sendmmsg (UdpChannel).
        VertxOptions options = new VertxOptions().setEventLoopPoolSize(settings.mediaWorkers() + 1)
                .setPreferNativeTransport(true);
        if (!settings.cluster()) {
            Vertx vertx = Vertx.builder().with(options).build();
            RelaycastNode node = new RelaycastNode(settings, vertx, metrics, null, keys);
            return node.deploy().recover(err -> vertx.close().transform(v -> Future.failedFuture(err)));
        }
        HazelcastInstance hz;
        try {
            hz = ClusterBootstrap.start(settings);
        } catch (RuntimeException e) {
            return Future.failedFuture("cannot start the cluster member on " + settings.clusterHost() + ":"
                    + settings.clusterPort() + ": " + e.getMessage());
        }
        options.getEventBusOptions().setHost(settings.clusterHost()).setPort(settings.eventBusPort());
        if (settings.eventBusTls()) {
            // Decrypted media crosses the event bus between nodes: mutual TLS, each node proving
            // itself with a certificate from the operator's CA and refusing peers without one.
            options.getEventBusOptions().setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertPath(settings.eventBusTlsCert().toString())
                            .setKeyPath(settings.eventBusTlsKey().toString()))
                    .setTrustOptions(new PemTrustOptions().addCertPath(settings.eventBusTlsCa().toString()))
                    .setClientAuth(ClientAuth.REQUIRED);
        }
        return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
                .recover(err -> {
                    hz.shutdown();
                    return Future.failedFuture("cannot join the cluster: " + err.getMessage());
                })
                .compose(vertx -> {
                    RelaycastNode node = new RelaycastNode(settings, vertx, metrics, hz, keys);
                    return node.deploy().recover(err -> vertx.close()
                            .onComplete(v -> hz.shutdown()).transform(v -> Future.failedFuture(err)));
                });
    }

    private Future<RelaycastNode> deploy() {
        List<Future<String>> media = new ArrayList<>();
        for (MediaWorker w : workers) {
            media.add(vertx.deployVerticle(new MediaWorkerVerticle(w, settings.mediaHost()), new DeploymentOptions().setThreadingModel(ThreadingModel.EVENT_LOOP)));
        }
        // join, not all: every worker's start must have settled before a failure closes Vert.x,
        // or the workers still binding complete a deployment that the close already ended and
        // Vert.x logs "Promise already completed" with a stack trace for each of them.
        return Future.join(media)
                .recover(err -> Future.failedFuture(err.getMessage() + " (this node's media ports are udp "
                        + settings.mediaHost() + ":" + settings.mediaPort() + "-" + (settings.mediaPort() + workers.size() - 1)
                        + ": RELAYCAST_MEDIA_PORT and one more per media worker, RELAYCAST_MEDIA_WORKERS=" + workers.size() + ")"))
                .compose(v -> openRelays())
                .compose(v -> reachability == null ? Future.succeededFuture() : reachability.start())
                .compose(v -> {
                    signaling = new SignalingVerticle(settings, rooms, readiness, metrics, tokens);
                    return vertx.deployVerticle(signaling);
                })
                .map(id -> {
                    readiness.serving();
                    LOG.info(() -> "node " + settings.nodeId() + " ready (" + mode(settings.cluster(), tokens.required())
                            + "): open " + urlToOpen(settings.httpHost(), signaling.actualPort()) + "; "
                            + workers.size() + " media worker(s) on udp " + settings.mediaHost() + ":" + settings.mediaPort()
                            + "-" + (settings.mediaPort() + workers.size() - 1) + ", advertised " + settings.advertisedIps());
                    return this;
                });
    }

    /** What the ready line says about who may join: only an unclustered node without tokens is dev mode. */
    static String mode(boolean clustered, boolean tokensRequired) {
        if (clustered) {
            return tokensRequired ? "clustered, tokens required" : "clustered, no tokens: anyone may join";
        }
        return tokensRequired ? "single node, tokens required" : "dev mode: single node, no tokens";
    }

    /**
     * The demo page's address for a browser on this machine: a wildcard listener is reached on
     * loopback, any other listener on its own address.
     */
    static String urlToOpen(String httpHost, int port) {
        String host = switch (httpHost) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]", "::0" -> "[::1]";
            default -> httpHost.contains(":") && !httpHost.startsWith("[") ? "[" + httpHost + "]" : httpHost;
        };
        return "http://" + host + ":" + port + "/";
    }

    /**
     * One relay endpoint per media worker, each opened on its own worker's thread so that Vert.x
     * delivers its relay frames there (no hop between the event bus and the room's thread).
     */
    private Future<Void> openRelays() {
        List<RelayEndpoint> endpoints = new ArrayList<>();
        List<Future<Void>> opened = new ArrayList<>();
        for (MediaWorker w : workers) {
            RelayEndpoint e = new RelayEndpoint(cluster.bus(), cluster.busNodeId(), cluster.nodeId(), w,
                    cluster.metrics(), settings.relayLinkBudgetBytes());
            endpoints.add(e);
            Promise<Void> p = Promise.promise();
            w.execute(() -> e.open().onComplete(p));
            opened.add(p.future());
        }
        cluster.relays(endpoints);
        return Future.all(opened).mapEmpty();
    }

    /**
     * Drains (OPERATIONS.md "Stop"): {@code /ready} turns 503, new joins get {@code overloaded},
     * existing peers keep their media until they leave or the drain time passes; then stops.
     */
    public Future<Void> drainAndStop() {
        readiness.draining();
        LOG.info(() -> "draining: " + rooms.localPeerCount() + " peer(s), up to " + settings.drainSeconds() + " s");
        Promise<Void> drained = Promise.promise();
        long deadline = System.nanoTime() + settings.drainSeconds() * 1_000_000_000L;
        if (rooms.localPeerCount() == 0) {
            drained.complete();
        } else {
            // Not setPeriodic(0, ...): Vert.x 5.0.10 runs a zero-delay first tick before it has
            // stored the timer, and cancelling it there throws, which left the drain hanging.
            vertx.setPeriodic(200, id -> {
                if (rooms.localPeerCount() == 0 || System.nanoTime() >= deadline) {
                    vertx.cancelTimer(id);
                    drained.tryComplete();
                }
            });
        }
        return drained.future().compose(v -> rooms.leaveAll()).compose(v -> stop());
    }

    /** Stops at once: leaves the cluster (the others see this node's peers leave) and closes. */
    public Future<Void> stop() {
        return vertx.close().onComplete(ar -> {
            transports.close();
            metrics.close();
            if (hazelcast != null && hazelcast.getLifecycleService().isRunning()) {
                hazelcast.shutdown();
            }
        });
    }

    /**
     * Simulates a crash for tests: the Hazelcast member stops without saying goodbye, as after a
     * SIGKILL, and the rest of the node is torn down without any leave being announced.
     */
    public Future<Void> crash() {
        hazelcast.getLifecycleService().terminate();
        return vertx.close().recover(e -> Future.succeededFuture()).onComplete(ar -> {
            transports.close();
            metrics.close();
        });
    }

    /** The reconciler of rooms with the cluster's membership; null in dev mode (tests). */
    public Reconciler reconciler() {
        return reconciler;
    }

    /** The shared membership store (tests). */
    public MembershipStore membershipStore() {
        return cluster.store();
    }

    /** This node's id on the cluster manager and event bus (tests). */
    public String busNodeId() {
        return cluster.busNodeId();
    }

    public Settings settings() {
        return settings;
    }

    public int httpPort() {
        return signaling.actualPort();
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    public Readiness readiness() {
        return readiness;
    }

    public List<MediaWorker> workers() {
        return workers;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Media worker {@code index}'s relay endpoint (tests check which thread handles relayed frames). */
    public RelayEndpoint relay(int index) {
        return cluster.relay(index);
    }
}
