package io.relaycast.node.sim;

import io.relaycast.node.Settings;
import io.relaycast.node.SettingsException;
import io.relaycast.node.auth.JwtKeys;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.cluster.ClusterContext;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.TransportContext;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.relay.RelayEndpoint;
import io.relaycast.node.relay.RelayMetrics;
import io.relaycast.node.room.Reconciler;
import io.relaycast.node.room.RoomManager;
import io.relaycast.signal.SignalCodec;

import java.net.InetSocketAddress;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One Relaycast node in the simulation, built from the node's own classes (rooms, peer sessions,
 * media worker, relay endpoint, signaling rules) as {@code RelaycastNode} wires them, with the
 * edges swapped: {@link SimWorkerRuntime} for the event loop and socket, {@link SimBus} for the
 * event bus, {@link SimMembership} for Hazelcast's map, {@link SimSocket} for WebSockets.
 */
final class SimNode {
    /** Fixed certificate date and token clock origin: the wall clock never enters a run. */
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    final String name;
    final String busNodeId;
    private final Sim sim;
    private final SimBus bus;
    private final SimMembership membership;
    final Settings settings;
    final NodeMetrics metrics;
    final MediaWorker worker;
    final RoomManager rooms;
    private final SimWorkerRuntime runtime;
    private final TransportContext transports;
    private final Readiness readiness = new Readiness();
    private final TokenVerifier tokens;
    private final SignalCodec codec = new SignalCodec();
    private final Random peerIds;
    private final RelayEndpoint relay;
    private final Reconciler reconciler;
    private final ClusterContext cluster;

    /**
     * @param generation 0 for the first process at this address; a restarted node is a new
     *                   process, with a new event-bus id as a new Hazelcast member has
     */
    SimNode(Sim sim, SimNetwork network, SimBus bus, SimMembership membership, int index, int generation) {
        this.sim = sim;
        this.bus = bus;
        this.membership = membership;
        this.name = "n" + index;
        this.busNodeId = "bus-" + name + (generation == 0 ? "" : "-" + generation);
        String ip = SimNetwork.host(1, index + 1).getHostAddress();
        try {
            settings = Settings.from(Map.of("RELAYCAST_NODE_ID", name, "RELAYCAST_MEDIA_WORKERS", "1",
                    "RELAYCAST_ADVERTISED_IP", ip)::get);
            tokens = TokenVerifier.create(null, JwtKeys.load(settings));
        } catch (SettingsException e) {
            throw new IllegalStateException(e);
        }
        metrics = new NodeMetrics(name);
        transports = new TransportContext(settings.advertisedIps(), seeded(sim.random().nextLong()), sim.dtlsPool(),
                SimCertificates.get(1000 + 10 * index + generation % 10));
        peerIds = new Random(sim.random().nextLong());
        worker = new MediaWorker(0, settings.mediaPort(), transports, metrics);
        runtime = new SimWorkerRuntime(sim, network, new InetSocketAddress(ip, settings.mediaPort()), worker);
        membership.nodeStarted(busNodeId);
        cluster = new ClusterContext(bus.forNode(busNodeId), membership.forNode(busNodeId), name, busNodeId,
                new RelayMetrics(metrics.registry()));
        relay = new RelayEndpoint(cluster.bus(), busNodeId, name, worker, cluster.metrics(), settings.relayLinkBudgetBytes());
        cluster.relays(List.of(relay));
        cluster.reachability(busNodes -> bus.reachable(busNodeId, busNodes));
        rooms = new RoomManager(List.of(worker), settings, metrics, cluster);
        reconciler = new Reconciler(new Reconciler.Timers() {
            private final java.util.Set<Long> cancelled = new java.util.HashSet<>();
            private long next = 1;

            @Override
            public long setTimer(long delayMillis, Runnable task) {
                long id = next++;
                sim.after(delayMillis * 1_000_000L, () -> {
                    if (!cancelled.remove(id) && !isDead()) {
                        task.run();
                    }
                });
                return id;
            }

            @Override
            public void cancelTimer(long id) {
                cancelled.add(id);
            }
        }, rooms, cluster.store(), busNodes -> bus.reachable(busNodeId, busNodes));
        worker.execute(() -> relay.open().onComplete(ar -> readiness.serving()));
    }

    /**
     * A SecureRandom whose output follows {@code seed}: SHA1PRNG seeded before its first use
     * draws nothing from the operating system.
     */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client opens a signaling connection to this node. */
    SimSocket connect(SimClient client) {
        return new SimSocket(sim, this, client, codec, rooms, readiness, metrics, tokens, settings, peerIds);
    }

    InetSocketAddress mediaAddress() {
        return runtime.address();
    }

    boolean isDead() {
        return runtime.isDead();
    }

    /** The process dies: no more packets, messages, timers or answers from it. */
    void crash() {
        runtime.kill();
        bus.kill(busNodeId);
    }

    /**
     * What the cluster manager tells this node when {@code gone} left its view (died, or is on
     * the other side of a split): as NodeWatcher.memberRemoved does, the rooms and relay drop its
     * peers and links, its records are erased from this side's map, and a reconciliation starts.
     */
    void nodeLeft(SimNode gone) {
        membership.viewLoses(busNodeId, gone.busNodeId);
        rooms.nodeLeft(gone.busNodeId);
        cluster.store().removeNode(gone.busNodeId);
        reconciler.viewChanged();
    }

    /** The cluster's member list changed otherwise (a node joined, a split merged): NodeWatcher's viewChanged. */
    void viewChanged() {
        if (!isDead()) {
            reconciler.viewChanged();
        }
    }

    long wallMillis() {
        return EPOCH.toEpochMilli() + sim.now() / 1_000_000L;
    }

    int localPeers() {
        return metrics.peers().get();
    }

    int transports() {
        return worker.peerCount();
    }
}
