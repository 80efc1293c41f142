package io.relaycast.node.room;

import io.relaycast.node.Settings;
import io.relaycast.node.cluster.ClusterContext;
import io.relaycast.node.cluster.MemberRecord;
import io.vertx.core.Future;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.relay.RelayEndpoint;
import io.relaycast.node.observe.NodeMetrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rooms on this node, each pinned to one media worker (DESIGN.md "Threads"): every peer of a
 * room on this node has its transport on that worker, so forwarding inside the room is one thread
 * with no locks. A new room goes to the worker with the fewest peers.
 */
public final class RoomManager {
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final List<MediaWorker> workers;
    private final Settings settings;
    private final NodeMetrics metrics;
    private final ClusterContext cluster;

    public RoomManager(List<MediaWorker> workers, Settings settings, NodeMetrics metrics, ClusterContext cluster) {
        this.workers = List.copyOf(workers);
        this.settings = settings;
        this.metrics = metrics;
        this.cluster = cluster;
    }

    /** The live room with this id, created (and pinned) if there is none. Any thread. */
    public Room roomFor(String roomId) {
        return rooms.compute(roomId, (id, existing) -> {
            if (existing != null && !existing.isClosed()) {
                return existing;
            }
            MediaWorker worker = workers.stream()
                    .min(Comparator.comparingInt(MediaWorker::peerCount))
                    .orElseThrow();
            metrics.rooms().incrementAndGet();
            return new Room(id, worker, this, settings, metrics, cluster);
        });
    }

    /** Whether a room with this id exists on this node, open, opening or closing. Any thread. */
    boolean hasRoom(String roomId) {
        return rooms.containsKey(roomId);
    }

    /** This node's event-bus id, the one its peers' membership records carry. */
    String busNodeId() {
        return cluster.busNodeId();
    }

    /** Called by a room on its own thread once its last peer left. */
    void closed(Room room) {
        if (rooms.remove(room.roomId(), room)) {
            metrics.rooms().decrementAndGet();
        }
    }

    /** Every room the cluster knows, with its members and their nodes, sorted by room id. Any thread. */
    public Future<Map<String, List<MemberRecord>>> clusterRooms() {
        return cluster.store().all().map(records -> {
            Map<String, List<MemberRecord>> out = new java.util.TreeMap<>();
            for (MemberRecord r : records) {
                out.computeIfAbsent(r.roomId(), k -> new ArrayList<>()).add(r);
            }
            return out;
        });
    }

    /** The members of one room on any node (for a WHEP 404 that creates no room state). Any thread. */
    public Future<List<MemberRecord>> clusterMembers(String roomId) {
        return cluster.store().room(roomId);
    }

    /** The rooms live on this node now. Any thread. */
    List<Room> openRooms() {
        List<Room> out = new ArrayList<>();
        for (Room r : rooms.values()) {
            if (!r.isClosed()) {
                out.add(r);
            }
        }
        return out;
    }

    /** A node died: each worker's relay drops its links there, every local room its peers. Any thread. */
    public void nodeLeft(String busNodeId) {
        for (RelayEndpoint e : cluster.relays()) {
            workers.get(e.workerIndex()).execute(() -> e.nodeLeft(busNodeId));
        }
        for (Room r : rooms.values()) {
            r.execute(() -> r.nodeLeft(busNodeId));
        }
    }

    /** Every local peer leaves every room (the end of a drain). Completes when all rooms are done. */
    public Future<Void> leaveAll() {
        List<Future<Void>> done = new ArrayList<>();
        for (Room r : rooms.values()) {
            io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
            r.execute(() -> {
                try {
                    r.leaveAll();
                } finally {
                    // A failure in one room must not keep the node from exiting.
                    p.tryComplete();
                }
            });
            done.add(p.future());
        }
        return Future.all(done).mapEmpty();
    }

    public int localPeerCount() {
        return metrics.peers().get();
    }
}
