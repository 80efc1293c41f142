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
import java.util.logging.Logger;

/**
 * The rooms on this node. A room lives on one media worker (DESIGN.md "Threads"): every peer of
 * it there has its transport on that worker, so forwarding inside the room is one thread with no
 * locks. A new room goes to the worker with the fewest peers.
 *
 * <p>A room too big for one core spreads: once its part on a worker holds
 * {@code RELAYCAST_ROOM_PEERS_PER_WORKER} peers, the next joiner goes to a part of the room on
 * another worker (up to {@code RELAYCAST_ROOM_MAX_WORKERS} parts). Each part is a {@link Room} of
 * its own, and the parts of one room on one node reach each other exactly as parts on different
 * nodes do: membership records (which carry the worker) and the relay between media workers
 * (RelayEndpoint is addressed per node and worker), so a publisher's packets cross to each other
 * worker once per track and are fanned out there on that worker's thread. No second mechanism:
 * what keeps rooms over nodes right (reconciliation, relay budgets, NACK and keyframe routing)
 * keeps the parts right.
 */
public final class RoomManager {
    private static final Logger LOG = Logger.getLogger(RoomManager.class.getName());
    /** The live parts of each room on this node, at most one per worker; lists are replaced, never changed. */
    private final Map<String, List<Room>> rooms = new ConcurrentHashMap<>();
    private final List<MediaWorker> workers;
    private final Settings settings;
    private final NodeMetrics metrics;
    private final ClusterContext cluster;
    private final int maxWorkersPerRoom;

    public RoomManager(List<MediaWorker> workers, Settings settings, NodeMetrics metrics, ClusterContext cluster) {
        this.workers = List.copyOf(workers);
        this.settings = settings;
        this.metrics = metrics;
        this.cluster = cluster;
        this.maxWorkersPerRoom = settings.roomMaxWorkers() == 0 ? workers.size()
                : Math.min(settings.roomMaxWorkers(), workers.size());
    }

    /**
     * The part of this room a new member (or WHEP viewer) joins, created (and pinned) if needed;
     * the caller must then hand it the peer with {@link Room#join} or {@link Room#watch}, which
     * ends the reservation this makes. Any thread.
     */
    public Room roomForJoin(String roomId) {
        Room[] chosen = new Room[1];
        rooms.compute(roomId, (id, parts) -> {
            List<Room> live = new ArrayList<>();
            if (parts != null) {
                for (Room r : parts) {
                    if (!r.isClosed()) {
                        live.add(r);
                    }
                }
            }
            Room least = live.stream().min(Comparator.comparingInt(Room::load)).orElse(null);
            MediaWorker free = live.size() >= maxWorkersPerRoom ? null : workers.stream()
                    .filter(w -> live.stream().noneMatch(r -> r.workerIndex() == w.index()))
                    .min(Comparator.comparingInt(MediaWorker::peerCount))
                    .orElse(null);
            if (least != null && (least.load() < settings.roomPeersPerWorker() || free == null)) {
                chosen[0] = least;
                least.reserve();
                return parts;
            }
            if (parts == null) {
                // One count per map entry: closed() takes it back when it removes the entry. Parts
                // that are all closed but not yet removed (a room is between marking itself closed
                // and telling us) are replaced here, and their closed() then finds nothing to remove.
                metrics.rooms().incrementAndGet();
            } else if (!live.isEmpty()) {
                metrics.roomSpread();
                LOG.info(() -> "room " + id + " spreads to media worker " + free.index() + " (" + (live.size() + 1)
                        + " workers; " + settings.roomPeersPerWorker() + " peers per worker)");
            }
            Room r = new Room(id, free, this, settings, metrics, cluster);
            r.reserve();
            chosen[0] = r;
            live.add(r);
            return List.copyOf(live);
        });
        return chosen[0];
    }

    /** Whether a part of this room exists on this worker of this node, open, opening or closing. Any thread. */
    boolean hasRoom(String roomId, int worker) {
        List<Room> parts = rooms.get(roomId);
        return parts != null && parts.stream().anyMatch(r -> r.workerIndex() == worker);
    }

    /** This node's event-bus id, the one its peers' membership records carry. */
    String busNodeId() {
        return cluster.busNodeId();
    }

    /** Called by a room on its own thread once its last peer left. */
    void closed(Room room) {
        rooms.computeIfPresent(room.roomId(), (id, parts) -> {
            if (!parts.contains(room)) {
                return parts;
            }
            List<Room> rest = new ArrayList<>(parts);
            rest.remove(room);
            if (rest.isEmpty()) {
                metrics.rooms().decrementAndGet();
                return null;
            }
            return List.copyOf(rest);
        });
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
        for (List<Room> parts : rooms.values()) {
            for (Room r : parts) {
                if (!r.isClosed()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** A node died: each worker's relay drops its links there, every local room its peers. Any thread. */
    public void nodeLeft(String busNodeId) {
        for (RelayEndpoint e : cluster.relays()) {
            workers.get(e.workerIndex()).execute(() -> e.nodeLeft(busNodeId));
        }
        for (Room r : allParts()) {
            r.execute(() -> r.nodeLeft(busNodeId));
        }
    }

    /** Every local peer leaves every room (the end of a drain). Completes when all rooms are done. */
    public Future<Void> leaveAll() {
        List<Future<Void>> done = new ArrayList<>();
        for (Room r : allParts()) {
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

    private List<Room> allParts() {
        List<Room> out = new ArrayList<>();
        rooms.values().forEach(out::addAll);
        return out;
    }

    public int localPeerCount() {
        return metrics.peers().get();
    }
}
