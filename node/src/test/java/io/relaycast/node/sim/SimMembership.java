package io.relaycast.node.sim;

import io.relaycast.node.cluster.MemberRecord;
import io.relaycast.node.cluster.MembershipStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The cluster's membership map (Hazelcast's in the node) in the simulation: one map (two during
 * a split, each side holding the entries whose partition it owned or backed up), each
 * operation applied and answered after a seeded delay, reads filtered to the nodes the reading
 * node sees as cluster members, as {@link MembershipStore} requires. One node's writes apply in
 * the order it made them (Hazelcast runs one key's operations on its partition's thread, in
 * arrival order); a read may overtake them, as the node's reads run on a worker thread.
 */
final class SimMembership {
    private final Sim sim;
    /**
     * The map as each side of a split holds it: one side normally; during a split each side
     * works on its own copy (Hazelcast's split brain), merged again at the heal.
     */
    private final Map<Integer, Map<String, MemberRecord>> sides = new LinkedHashMap<>();
    /** Which side each node is on. */
    private final Map<String, Integer> sideOf = new LinkedHashMap<>();
    /** Per node, the nodes its cluster manager shows as members. */
    private final Map<String, Set<String>> views = new LinkedHashMap<>();
    /** Per node, when its last write applies. */
    private final Map<String, Long> lastWrite = new java.util.HashMap<>();

    SimMembership(Sim sim) {
        this.sim = sim;
        sides.put(0, new LinkedHashMap<>());
    }

    private Map<String, MemberRecord> mapOf(String node) {
        return sides.get(sideOf.getOrDefault(node, 0));
    }

    /**
     * The cluster splits: the nodes in {@code side} form their own cluster with a copy of the map;
     * each side's view loses the other side's nodes.
     */
    void split(Set<String> side) {
        // Each side keeps the entries whose partition it owned or backed up (one backup): an
        // entry's owner and backup are two of the nodes, drawn from the seed.
        Map<String, MemberRecord> whole = sides.get(0);
        Map<String, MemberRecord> zero = new LinkedHashMap<>();
        Map<String, MemberRecord> one = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(sideOf.keySet());
        for (Map.Entry<String, MemberRecord> e : whole.entrySet()) {
            int owner = sim.random().nextInt(all.size());
            int backup = all.size() == 1 ? owner : (owner + 1 + sim.random().nextInt(all.size() - 1)) % all.size();
            boolean inOne = side.contains(all.get(owner)) || side.contains(all.get(backup));
            boolean inZero = !side.contains(all.get(owner)) || !side.contains(all.get(backup));
            if (inOne) {
                one.put(e.getKey(), e.getValue());
            }
            if (inZero) {
                zero.put(e.getKey(), e.getValue());
            }
        }
        sides.put(0, zero);
        sides.put(1, one);
        for (String n : side) {
            sideOf.put(n, 1);
        }
        for (Map.Entry<String, Set<String>> v : views.entrySet()) {
            int mine = sideOf.getOrDefault(v.getKey(), 0);
            v.getValue().removeIf(other -> sideOf.getOrDefault(other, 0) != mine);
        }
    }

    /**
     * The split heals: Hazelcast merges the smaller side into the larger one, an entry of the
     * smaller side going in only where the larger side has none (PutIfAbsentMergePolicy, the
     * default); every view lists every live node again.
     */
    void merge(Set<String> liveNodes) {
        if (!sides.containsKey(1)) {
            return;
        }
        long ones = sideOf.values().stream().filter(x -> x == 1).count();
        boolean oneIsLarger = ones > sideOf.size() - ones;
        Map<String, MemberRecord> larger = sides.get(oneIsLarger ? 1 : 0);
        Map<String, MemberRecord> smaller = sides.get(oneIsLarger ? 0 : 1);
        for (Map.Entry<String, MemberRecord> e : smaller.entrySet()) {
            larger.putIfAbsent(e.getKey(), e.getValue());
        }
        sides.clear();
        sides.put(0, larger);
        sideOf.replaceAll((n, x) -> 0);
        for (Map.Entry<String, Set<String>> v : views.entrySet()) {
            v.getValue().addAll(liveNodes);
        }
    }

    void nodeStarted(String busNodeId) {
        sideOf.put(busNodeId, 0);
        for (Set<String> v : views.values()) {
            v.add(busNodeId);
        }
        Set<String> own = new HashSet<>(views.keySet());
        own.add(busNodeId);
        views.put(busNodeId, own);
    }

    /** {@code observer}'s cluster manager no longer lists {@code gone}. */
    void viewLoses(String observer, String gone) {
        Set<String> v = views.get(observer);
        if (v != null) {
            v.remove(gone);
        }
    }

    /** The map (after a split: the side of the first node). */
    Map<String, MemberRecord> records() {
        return sides.values().iterator().next();
    }

    MembershipStore forNode(String busNodeId) {
        return new MembershipStore() {
            @Override
            public Future<Void> put(MemberRecord record) {
                return write(busNodeId, () -> {
                    mapOf(busNodeId).put(record.peerId(), record);
                    return null;
                });
            }

            @Override
            public Future<Void> remove(String peerId) {
                return write(busNodeId, () -> {
                    mapOf(busNodeId).remove(peerId);
                    return null;
                });
            }

            @Override
            public Future<List<MemberRecord>> room(String roomId) {
                return later(() -> live().stream().filter(r -> r.roomId().equals(roomId)).toList());
            }

            @Override
            public Future<List<MemberRecord>> all() {
                return later(this::live);
            }

            private List<MemberRecord> live() {
                Set<String> view = views.getOrDefault(busNodeId, Set.of());
                return mapOf(busNodeId).values().stream().filter(r -> view.contains(r.busNodeId())).toList();
            }

            @Override
            public Future<List<MemberRecord>> removeNode(String deadNode) {
                return write(busNodeId, () -> {
                    List<MemberRecord> removed = new ArrayList<>();
                    mapOf(busNodeId).values().removeIf(r -> {
                        boolean gone = r.busNodeId().equals(deadNode);
                        if (gone) {
                            removed.add(r);
                        }
                        return gone;
                    });
                    return removed;
                });
            }
        };
    }

    private <T> Future<T> write(String node, Supplier<T> op) {
        long at = Math.max(sim.now() + sim.millisBetween(0, 4), lastWrite.getOrDefault(node, 0L));
        lastWrite.put(node, at);
        Promise<T> p = Promise.promise();
        sim.at(at, () -> p.complete(op.get()));
        return p.future();
    }

    private <T> Future<T> later(Supplier<T> op) {
        Promise<T> p = Promise.promise();
        sim.after(sim.millisBetween(0, 4), () -> p.complete(op.get()));
        return p.future();
    }
}
