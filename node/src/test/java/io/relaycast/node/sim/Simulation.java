package io.relaycast.node.sim;

import io.relaycast.node.cluster.MemberRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One seeded run: the nodes, clients, network, bus and membership store of a scenario, the
 * actions scenarios call (the DSL), and the invariants checked at the end of every run.
 *
 * <p>Ground truth is kept here, apart from what nodes and clients believe: which clients are in
 * which room right now. The invariants compare the two after the scenario's quiet period.
 */
public final class Simulation implements AutoCloseable {
    /** How long after the last action everything must have settled. */
    static final long QUIET_MILLIS = 8_000;

    final Sim sim;
    final SimNetwork network;
    final SimBus bus;
    final SimMembership membership;
    final List<SimNode> nodes = new ArrayList<>();
    private final int workersPerNode;
    /** Every node process of the run, restarted ones' earlier lives included. */
    private final List<SimNode> allNodes = new ArrayList<>();
    final List<SimClient> clients = new ArrayList<>();
    /** Ground truth: the room each present client is in. */
    private final Map<SimClient, String> present = new LinkedHashMap<>();
    /** When each departed publisher left (its media must stop reaching others). */
    private final Map<String, Long> departedAt = new HashMap<>();
    private final Handler logWatch;
    private final Logger relaycastLog = Logger.getLogger("io.relaycast");
    private final Level previousLevel;

    public Simulation(long seed, int nodeCount) {
        this(seed, nodeCount, 1, 1000);
    }

    /**
     * @param workersPerNode media workers per node; with more than one, rooms spread over them
     *                       from {@link Scenario#SPREAD_PEERS_PER_WORKER} local peers on
     * @param startupMillis  how long the nodes run before the scenario's first action
     */
    public Simulation(long seed, int nodeCount, int workersPerNode, long startupMillis) {
        this.workersPerNode = workersPerNode;
        this.sim = new Sim(seed);
        this.network = new SimNetwork(sim);
        this.bus = new SimBus(sim);
        this.membership = new SimMembership(sim);
        // An exception the node logs as SEVERE (an unhandled error in a room or transport) fails the run.
        logWatch = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.SEVERE.intValue() || r.getThrown() != null) {
                    sim.fail("node logged " + r.getLevel() + ": " + r.getMessage()
                            + (r.getThrown() == null ? "" : " " + r.getThrown()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        previousLevel = relaycastLog.getLevel();
        relaycastLog.addHandler(logWatch);
        // Room and transport logs would drown a thousand seeds; failures are caught above.
        // -Dsim.log=FINE shows them (with the virtual time) when a seed is being debugged.
        String level = System.getProperty("sim.log");
        relaycastLog.setLevel(level == null ? Level.SEVERE : Level.parse(level));
        if (level != null) {
            relaycastLog.addHandler(new Handler() {
                @Override
                public void publish(LogRecord r) {
                    if (isLoggable(r)) {
                        System.out.println(sim.millis() + " ms " + r.getLevel() + " " + r.getLoggerName()
                                .replace("io.relaycast.node.", "") + ": " + new java.util.logging.SimpleFormatter().formatMessage(r));
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void close() {
                }
            });
        }
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(newNode(i, 0));
        }
        allNodes.addAll(nodes);
        buggify();
        // Usually the nodes are up, and their relay consumers known cluster-wide, before clients
        // arrive; a scenario may have them arrive while registrations are still spreading.
        sim.runUntil(startupMillis * 1_000_000L);
    }

    /**
     * Faults the seed adds to any scenario: jitter on the nodes' own links (which reorders what
     * they exchange with everyone), and duplication of a node's datagrams.
     */
    private void buggify() {
        for (SimNode n : nodes) {
            SimNetwork.Link l = network.link(n.mediaAddress().getAddress());
            if (sim.chance(0.3)) {
                l.jitterNanos = sim.millisBetween(1, 8);
                sim.trace("buggify: jitter " + l.jitterNanos / 1_000_000L + " ms on " + n.name);
            }
            if (sim.chance(0.15)) {
                l.duplicate = 0.02;
                sim.trace("buggify: 2% duplicated datagrams on " + n.name);
            }
        }
    }

    // ------------------------------------------------------------------ the DSL

    /** Runs the clock forward. */
    public Simulation run(long millis) {
        sim.runUntil(sim.now() + millis * 1_000_000L);
        return this;
    }

    /**
     * A new client joins {@code room} through node {@code node}, publishing audio and video or
     * only listening. A dead node refuses the connection: the client is not in the room.
     */
    public SimClient join(int node, String room, boolean publishes) {
        SimClient c = new SimClient(sim, network, clients.size(), publishes);
        clients.add(c);
        if (nodes.get(node).isDead()) {
            sim.trace(c.name + " cannot connect to dead " + nodes.get(node).name);
            return c;
        }
        c.join(nodes.get(node), room);
        present.put(c, room);
        return c;
    }

    public SimClient publisher(int node, String room) {
        return join(node, room, true);
    }

    public SimClient listener(int node, String room) {
        return join(node, room, false);
    }

    /** The client offers its session again (a local change, as a browser would after one). */
    public void renegotiate(SimClient c) {
        c.renegotiate();
    }

    /** {@code sub} pauses or resumes {@code pub}'s track of {@code kind} (setPreferences). */
    public void pause(SimClient sub, SimClient pub, String kind, boolean paused) {
        if (pub.peerId == null || !sub.pause(pub.peerId, kind, paused)) {
            sim.fail("the script could not " + (paused ? "pause " : "resume ") + kind + " of " + pub.name + " at "
                    + sub.name + ": no offer named it yet");
        }
    }

    /** The client sends {@code leave}. */
    public void leave(SimClient c) {
        depart(c);
        c.leave();
    }

    /** The client's process ends without a word. */
    public void vanish(SimClient c) {
        depart(c);
        c.vanish();
    }

    /** The client's network path to its node breaks for good. */
    public void cutOff(SimClient c) {
        depart(c);
        c.cutOff();
    }

    private void depart(SimClient c) {
        if (present.remove(c) != null && c.peerId != null) {
            departedAt.put(c.peerId, sim.now());
        }
    }

    /** Loss, delay and jitter on a client's access link (both directions). */
    public void impair(SimClient c, double loss, long delayMillis, long jitterMillis) {
        SimNetwork.Link l = network.link(c.address().getAddress());
        l.loss = loss;
        l.delayNanos = delayMillis * 1_000_000L;
        l.jitterNanos = jitterMillis * 1_000_000L;
        sim.trace(c.name + " link loss=" + loss + " delay=" + delayMillis + " jitter=" + jitterMillis);
    }

    /** A bandwidth limit on what reaches the client. */
    public void limitDownlink(SimClient c, long bitsPerSecond) {
        network.link(c.address().getAddress()).downBitsPerSecond = bitsPerSecond;
        sim.trace(c.name + " downlink " + bitsPerSecond + " bit/s");
    }

    /** Duplication on every host's link. */
    public void duplicateEverything(double p) {
        for (SimNode n : nodes) {
            network.link(n.mediaAddress().getAddress()).duplicate = p;
        }
    }

    /**
     * Node {@code i} dies: its clients' connections reset, and after a seeded detection delay
     * (Hazelcast's heartbeat) every survivor's cluster manager reports it gone.
     */
    public void crash(int i) {
        SimNode dead = nodes.get(i);
        sim.trace("crash " + dead.name);
        dead.crash();
        for (SimClient c : new ArrayList<>(present.keySet())) {
            if (c.node == dead) {
                depart(c);
                sim.after(sim.millisBetween(1, 50), () -> c.signalingClosed(1006));
            }
        }
        long detect = sim.millisBetween(1000, 5000);
        sim.after(detect, () -> {
            for (SimNode n : nodes) {
                if (!n.isDead()) {
                    n.nodeLeft(dead);
                }
            }
        });
    }

    /**
     * A crashed node's address comes back as a new process (a new cluster member): the others'
     * cluster managers see it join and reconcile.
     */
    public void restart(int i) {
        SimNode old = nodes.get(i);
        if (!old.isDead()) {
            throw new IllegalStateException(old.name + " is running");
        }
        int generation = (int) allNodes.stream().filter(n -> n.name.equals(old.name)).count();
        SimNode fresh = newNode(i, generation);
        nodes.set(i, fresh);
        allNodes.add(fresh);
        sim.trace("restart " + fresh.name + " as " + fresh.busNodeId);
        sim.after(sim.millisBetween(200, 1000), () -> {
            for (SimNode n : nodes) {
                n.viewChanged();
            }
        });
    }

    private final Set<SimNode> splitOff = new HashSet<>();
    private int splits;

    /**
     * The network splits the nodes in {@code side} from the others: event bus and media between
     * the sides stop at once; after a seeded detection delay each side's cluster manager drops
     * the other side's nodes (Hazelcast's split brain, each side with its own copy of the map).
     * Clients keep their paths to their own nodes.
     */
    public void split(int... side) {
        Set<String> names = new HashSet<>();
        for (int i : side) {
            splitOff.add(nodes.get(i));
            names.add(nodes.get(i).busNodeId);
        }
        sim.trace("split " + names);
        forEachCrossPair((a, b) -> {
            bus.cut(a.busNodeId, b.busNodeId);
            network.cut(a.mediaAddress().getAddress(), b.mediaAddress().getAddress());
        });
        int generation = ++splits;
        sim.after(sim.millisBetween(1000, 5000), () -> {
            if (generation != splits || splitOff.isEmpty()) {
                return; // healed before the cluster managers noticed
            }
            membership.split(names);
            forEachCrossPair((a, b) -> {
                a.nodeLeft(b);
                b.nodeLeft(a);
            });
        });
    }

    /** The split ends: bus and media flow again, and after a seeded delay the sides merge. */
    public void heal() {
        sim.trace("heal");
        forEachCrossPair((a, b) -> {
            bus.heal(a.busNodeId, b.busNodeId);
            network.heal(a.mediaAddress().getAddress(), b.mediaAddress().getAddress());
        });
        splitOff.clear();
        splits++;
        sim.after(sim.millisBetween(1000, 5000), () -> {
            Set<String> live = new HashSet<>();
            for (SimNode n : nodes) {
                if (!n.isDead()) {
                    live.add(n.busNodeId);
                }
            }
            membership.merge(live);
            for (SimNode n : nodes) {
                n.viewChanged();
            }
        });
    }

    private void forEachCrossPair(java.util.function.BiConsumer<SimNode, SimNode> f) {
        for (SimNode a : splitOff) {
            for (SimNode b : nodes) {
                if (!splitOff.contains(b) && !a.isDead() && !b.isDead()) {
                    f.accept(a, b);
                }
            }
        }
    }

    public long nowMillis() {
        return sim.millis();
    }

    // ------------------------------------------------------------------ invariants

    /**
     * Lets the run go quiet, then checks every invariant; returns the failures (empty when the
     * run is correct).
     */
    public List<String> settleAndCheck() {
        run(QUIET_MILLIS);
        long now = sim.now();
        // Membership: every present, welcomed client knows exactly the other present clients of its room.
        Map<String, Set<String>> roomPeers = new HashMap<>();
        for (Map.Entry<SimClient, String> e : present.entrySet()) {
            if (e.getKey().peerId != null) {
                roomPeers.computeIfAbsent(e.getValue(), r -> new TreeSet<>()).add(e.getKey().peerId);
            }
        }
        for (Map.Entry<SimClient, String> e : present.entrySet()) {
            SimClient c = e.getKey();
            if (c.peerId == null) {
                sim.fail(c.name + " was never welcomed");
                continue;
            }
            Set<String> expected = new TreeSet<>(roomPeers.get(e.getValue()));
            expected.remove(c.peerId);
            if (!new TreeSet<>(c.knownPeers).equals(expected)) {
                sim.fail(c.name + " believes the room holds " + new TreeSet<>(c.knownPeers) + ", it holds " + expected);
            }
            if (!c.isConnected()) {
                sim.fail(c.name + " has no media connection");
            }
            if (c.negotiationPending()) {
                sim.fail(c.name + " still waits for an answer to its offer (" + c.offersSent + " offers, "
                        + c.answersReceived + " answers, " + c.rollbacks + " glare rollbacks)");
            }
        }
        // Media: every present subscriber gets every present publisher's audio and video, recently,
        // never more packets than were published, and nothing of a publisher long gone.
        for (Map.Entry<SimClient, String> e : present.entrySet()) {
            SimClient sub = e.getKey();
            for (Map.Entry<SimClient, String> p : present.entrySet()) {
                SimClient pub = p.getKey();
                if (pub == sub || !pub.publishes || !p.getValue().equals(e.getValue()) || pub.peerId == null) {
                    continue;
                }
                for (String kind : List.of("audio", "video")) {
                    String key = pub.peerId + "/" + kind;
                    long last = sub.lastReceived.getOrDefault(key, -1L);
                    Long paused = sub.pausedSince.get(key);
                    if (paused != null) {
                        // A track the subscriber paused must stop reaching it (PROTOCOL.md setPreferences).
                        if (last > paused + 1_000_000_000L) {
                            sim.fail(sub.name + " paused " + kind + " of " + pub.name + " at " + paused / 1_000_000L
                                    + " ms and still got it at " + last / 1_000_000L + " ms");
                        }
                        continue;
                    }
                    if (last < now - 1_000_000_000L) {
                        sim.fail(sub.name + " gets no " + kind + " from " + pub.name + " (last packet at "
                                + (last < 0 ? "never" : last / 1_000_000L + " ms") + ")");
                    }
                    long got = sub.received.getOrDefault(key, 0L);
                    long sent = kind.equals("audio") ? pub.audioSent : pub.videoSent;
                    if (got > sent) {
                        sim.fail(sub.name + " received " + got + " " + kind + " packets of " + pub.name
                                + ", which sent " + sent + ": something forwarded twice");
                    }
                }
            }
            for (Map.Entry<String, Long> d : departedAt.entrySet()) {
                for (String kind : List.of("audio", "video")) {
                    long last = sub.lastReceived.getOrDefault(d.getKey() + "/" + kind, -1L);
                    if (last > d.getValue() + 3_000_000_000L) {
                        sim.fail(sub.name + " still got " + kind + " of departed peer " + SimClient.shortId(d.getKey())
                                + " at " + last / 1_000_000L + " ms (left at " + d.getValue() / 1_000_000L + " ms)");
                    }
                }
            }
            if (sub.received.containsKey("unknown")) {
                sim.fail(sub.name + " received " + sub.received.get("unknown") + " packets on SSRCs no offer announced");
            }
        }
        // Node state: nothing of a departed peer is left, nothing of a present one is missing.
        Set<String> livePeerIds = new TreeSet<>();
        for (SimClient c : present.keySet()) {
            if (c.peerId != null) {
                livePeerIds.add(c.peerId);
            }
        }
        for (SimNode n : nodes) {
            if (n.isDead()) {
                continue;
            }
            long here = present.keySet().stream().filter(c -> c.node == n).count();
            if (n.localPeers() != here) {
                sim.fail(n.name + " counts " + n.localPeers() + " local peers, " + here + " are present");
            }
            long rooms = present.entrySet().stream().filter(e -> e.getKey().node == n).map(Map.Entry::getValue)
                    .distinct().count();
            if (n.metrics.rooms().get() != rooms) {
                sim.fail(n.name + " holds " + n.metrics.rooms().get() + " room(s), present clients use " + rooms);
            }
            if (n.transports() != here) {
                sim.fail(n.name + " holds " + n.transports() + " peer transports, " + here + " are present");
            }
        }
        Set<String> stored = new TreeSet<>();
        for (MemberRecord r : membership.records().values()) {
            stored.add(r.peerId());
        }
        if (!stored.equals(livePeerIds)) {
            sim.fail("membership store holds " + stored + ", present peers are " + livePeerIds);
        }
        // One relayed copy per (track, receiving worker): what a node relayed to one media worker
        // (of another node, or another worker of its own when a room spread) is at most what its
        // publishers sent (two subscriptions of one track on a link would double it).
        for (SimNode from : nodes) {
            long published = clients.stream().filter(c -> c.node == from).mapToLong(c -> c.audioSent + c.videoSent).sum();
            for (SimNode to : nodes) {
                for (int w = 0; w < workersPerNode; w++) {
                    double relayed = from.metrics.registry().find("relaycast_relay_packets_total")
                            .tags("direction", "out", "remote", to.name, "remote_worker", Integer.toString(w))
                            .functionCounters().stream()
                            .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
                    if (relayed > published) {
                        sim.fail(from.name + " relayed " + (long) relayed + " packets to " + to.name + "/" + w
                                + ", its publishers sent " + published + ": a track crossed twice");
                    }
                }
            }
        }
        for (SimNode n : nodes) {
            if (n.isDead()) {
                continue;
            }
            for (io.micrometer.core.instrument.Gauge g : n.metrics.registry().find("relaycast_relay_queued_bytes").gauges()) {
                if (g.value() > n.settings.relayLinkBudgetBytes() * 1.25) {
                    sim.fail(n.name + " holds " + (long) g.value() + " bytes unacknowledged on its relay link to "
                            + g.getId().getTag("remote") + ", over the link's budget");
                }
            }
        }
        int liveNodes = (int) nodes.stream().filter(n -> !n.isDead()).count();
        Set<String> rooms = new HashSet<>(present.values());
        // Per worker: its relay consumer and one consumer per room with a part there.
        if (bus.registrationCount() > liveNodes * workersPerNode * (1 + rooms.size())) {
            sim.fail("event-bus consumers grew to " + bus.registrationCount() + " for " + liveNodes + " node(s) and "
                    + rooms.size() + " room(s)");
        }
        return sim.failures();
    }

    /** Fails the run unless some node spread a room onto a second media worker (the spread scenarios' premise). */
    public void expectSpread() {
        double spreads = 0;
        for (SimNode n : allNodes) {
            io.micrometer.core.instrument.Counter c = n.metrics.registry().find("relaycast_room_spreads_total").counter();
            spreads += c == null ? 0 : c.count();
        }
        if (spreads == 0) {
            sim.fail("no room spread onto a second media worker: the scenario tested nothing it meant to");
        }
    }

    private SimNode newNode(int index, int generation) {
        return new SimNode(sim, network, bus, membership, index, generation, workersPerNode,
                workersPerNode > 1 ? Scenario.SPREAD_PEERS_PER_WORKER : 50);
    }

    /** A line summarising the run, for the test's output. */
    String summary() {
        return "seed " + sim.seed() + ": " + sim.millis() + " ms simulated, " + sim.tasksRun() + " tasks, "
                + network.delivered() + " datagrams delivered, " + network.lost() + " lost, "
                + bus.messages() + " bus messages";
    }

    @Override
    public void close() {
        relaycastLog.removeHandler(logWatch);
        relaycastLog.setLevel(previousLevel);
        for (SimNode n : allNodes) {
            n.metrics.close();
        }
        sim.close();
    }
}
