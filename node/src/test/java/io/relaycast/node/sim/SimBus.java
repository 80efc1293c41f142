package io.relaycast.node.sim;

import io.relaycast.node.cluster.ClusterBus;
import io.relaycast.node.relay.RelayFrame;
import io.relaycast.node.relay.RelayFrameCodec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The clustered event bus in the simulation. Like Vert.x's over TCP: messages between two nodes
 * arrive in order, after a seeded delay; a registration reaches other nodes only after a seeded
 * propagation delay (Vert.x spreads it through Hazelcast); a cut between two nodes drops what
 * crosses it. Room events are copied as JSON and relay frames go through the real
 * {@link RelayFrameCodec}, so no object is shared between nodes.
 */
final class SimBus {
    private final class Subscription implements ClusterBus.Registration {
        final String node;
        final String address;
        final Consumer<Object> handler;
        final long visibleAt;
        boolean active = true;

        Subscription(String node, String address, Consumer<Object> handler, long visibleAt) {
            this.node = node;
            this.address = address;
            this.handler = handler;
            this.visibleAt = visibleAt;
        }

        @Override
        public Future<Void> completion() {
            return Future.succeededFuture();
        }

        @Override
        public void unregister() {
            active = false;
            List<Subscription> l = registrations.get(address);
            if (l != null) {
                l.remove(this);
            }
        }

        boolean visibleTo(String from) {
            return active && (node.equals(from) || sim.now() >= visibleAt);
        }
    }

    private final Sim sim;
    private final RelayFrameCodec codec = new RelayFrameCodec();
    private final Map<String, List<Subscription>> registrations = new HashMap<>();
    private final Set<Set<String>> cuts = new HashSet<>();
    private final Set<String> dead = new HashSet<>();
    /** FIFO per (from, to): the time the last message of the pair arrives. */
    private final Map<String, Long> lastArrival = new HashMap<>();
    private long messages;
    private long relayFrames;

    SimBus(Sim sim) {
        this.sim = sim;
    }

    /** What node {@code node}'s rooms and relays see as the cluster bus. */
    ClusterBus forNode(String node) {
        return new ClusterBus() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> ClusterBus.Registration consumer(String address, Consumer<T> handler) {
                long propagation = sim.millisBetween(2, 150);
                Subscription r = new Subscription(node, address, (Consumer<Object>) handler, sim.now() + propagation);
                registrations.computeIfAbsent(address, a -> new ArrayList<>()).add(r);
                return r;
            }

            @Override
            public void publish(String address, JsonObject body) {
                for (Subscription r : List.copyOf(registrations.getOrDefault(address, List.of()))) {
                    if (r.visibleTo(node)) {
                        deliver(node, r, body.copy());
                    }
                }
            }

            @Override
            public void send(String address, Object body) {
                for (Subscription r : registrations.getOrDefault(address, List.of())) {
                    if (r.visibleTo(node)) {
                        deliver(node, r, copyOf(body));
                        return;
                    }
                }
            }
        };
    }

    private Object copyOf(Object body) {
        if (body instanceof RelayFrame f) {
            relayFrames++;
            Buffer wire = Buffer.buffer();
            codec.encodeToWire(wire, f);
            return codec.decodeFromWire(0, wire);
        }
        if (body instanceof JsonObject j) {
            return j.copy();
        }
        throw new IllegalArgumentException("no simulated codec for " + body.getClass());
    }

    private void deliver(String from, Subscription r, Object body) {
        if (dead.contains(from) || dead.contains(r.node) || isCut(from, r.node)) {
            return;
        }
        messages++;
        String pair = from + ">" + r.node;
        long delay = from.equals(r.node) ? 0 : sim.millisBetween(0, 2) + (sim.chance(0.001) ? sim.millisBetween(20, 80) : 0);
        long at = Math.max(sim.now() + delay, lastArrival.getOrDefault(pair, 0L));
        lastArrival.put(pair, at);
        sim.at(at, () -> {
            if (r.active && !dead.contains(r.node) && !isCut(from, r.node)) {
                r.handler.accept(body);
            }
        });
    }

    private boolean isCut(String a, String b) {
        return !a.equals(b) && cuts.contains(Set.of(a, b));
    }

    void cut(String a, String b) {
        cuts.add(Set.of(a, b));
    }

    void heal(String a, String b) {
        cuts.remove(Set.of(a, b));
    }

    /** A crashed node: its registrations vanish and nothing reaches it or leaves it. */
    void kill(String node) {
        dead.add(node);
        for (List<Subscription> l : registrations.values()) {
            l.removeIf(r -> {
                if (r.node.equals(node)) {
                    r.active = false;
                    return true;
                }
                return false;
            });
        }
    }

    /**
     * BusReachability over the simulated bus: the nodes a probe from {@code from} would reach
     * (not dead, not cut off), answered after a round trip.
     */
    io.vertx.core.Future<java.util.Set<String>> reachable(String from, java.util.Collection<String> nodes) {
        io.vertx.core.Promise<java.util.Set<String>> p = io.vertx.core.Promise.promise();
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String n : nodes) {
            if (!dead.contains(n) && !isCut(from, n)) {
                out.add(n);
            }
        }
        sim.after(sim.millisBetween(0, 4), () -> p.complete(out));
        return p.future();
    }

    long messages() {
        return messages;
    }

    long relayFrames() {
        return relayFrames;
    }

    /** Consumers registered now, over all addresses: must not grow without bound. */
    int registrationCount() {
        return registrations.values().stream().mapToInt(List::size).sum();
    }
}
