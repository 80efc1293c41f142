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
    final List<MediaWorker> workers;
    final RoomManager rooms;
    private final List<SimWorkerRuntime> runtimes;
    private final TransportContext transports;
    private final Readiness readiness = new Readiness();
    private final TokenVerifier tokens;
    private final SignalCodec codec = new SignalCodec();
    private final Random peerIds;
    private final Reconciler reconciler;
    private final ClusterContext cluster;

    /**
     * @param generation 0 for the first process at this address; a restarted node is a new
     *                   process, with a new event-bus id as a new Hazelcast member has
     * @param workerCount media workers (each a port of its own); with more than one, a room
     *                   spreads over them from {@code peersPerWorker} local peers on
     */
    SimNode(Sim sim, SimNetwork network, SimBus bus, SimMembership membership, int index, int generation,
            int workerCount, int peersPerWorker) {
        this.sim = sim;
        this.bus = bus;
        this.membership = membership;
        this.name = "n" + index;
        this.busNodeId = "bus-" + name + (generation == 0 ? "" : "-" + generation);
        String ip = SimNetwork.host(1, index + 1).getHostAddress();
        try {
            settings = Settings.from(Map.of("RELAYCAST_NODE_ID", name,
                    "RELAYCAST_MEDIA_WORKERS", Integer.toString(workerCount),
                    "RELAYCAST_ROOM_PEERS_PER_WORKER", Integer.toString(peersPerWorker),
                    "RELAYCAST_ADVERTISED_IP", ip)::get);
            tokens = TokenVerifier.create(null, JwtKeys.load(settings));
        } catch (SettingsException e) {
            throw new IllegalStateException(e);
        }
        metrics = new NodeMetrics(name);
        transports = new TransportContext(settings.advertisedIps(), seeded(sim.random().nextLong()), sim.dtlsPool(),
                SimCertificates.get(1000 + 10 * index + generation % 10));
        peerIds = new Random(sim.random().nextLong());
        List<MediaWorker> ws = new java.util.ArrayList<>();
        List<SimWorkerRuntime> rs = new java.util.ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            MediaWorker worker = new MediaWorker(w, settings.mediaPort() + w, transports, metrics);
            ws.add(worker);
            rs.add(new SimWorkerRuntime(sim, network, new InetSocketAddress(ip, settings.mediaPort() + w), worker));
        }
        workers = List.copyOf(ws);
        runtimes = List.copyOf(rs);
        membership.nodeStarted(busNodeId);
        cluster = new ClusterContext(bus.forNode(busNodeId), membership.forNode(busNodeId), name, busNodeId,
                new RelayMetrics(metrics.registry()));
        List<RelayEndpoint> relays = new java.util.ArrayList<>();
        for (MediaWorker w : workers) {
            relays.add(new RelayEndpoint(cluster.bus(), busNodeId, name, w, cluster.metrics(), settings.relayLinkBudgetBytes()));
        }
        cluster.relays(relays);
        cluster.reachability(busNodes -> bus.reachable(busNodeId, busNodes));
        rooms = new RoomManager(workers, settings, metrics, cluster);
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
        int[] opened = new int[1];
        for (RelayEndpoint relay : relays) {
            workers.get(relay.workerIndex()).execute(() -> relay.open().onComplete(ar -> {
                if (++opened[0] == relays.size()) {
                    readiness.serving();
                }
            }));
        }
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
        return runtimes.get(0).address();
    }

    boolean isDead() {
        return runtimes.get(0).isDead();
    }

    /** The process dies: no more packets, messages, timers or answers from it. */
    void crash() {
        runtimes.forEach(SimWorkerRuntime::kill);
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
        return workers.stream().mapToInt(MediaWorker::peerCount).sum();
    }
}
