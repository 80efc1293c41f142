package io.relaycast.node.room;

import io.relaycast.node.Settings;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.signal.PeerInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

    public RoomManager(List<MediaWorker> workers, Settings settings, NodeMetrics metrics) {
        this.workers = List.copyOf(workers);
        this.settings = settings;
        this.metrics = metrics;
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
            return new Room(id, worker, this, settings, metrics);
        });
    }

    /** Called by a room on its own thread once its last peer left. */
    void closed(Room room) {
        if (rooms.remove(room.roomId(), room)) {
            metrics.rooms().decrementAndGet();
        }
    }

    /** The rooms on this node and their members, as last published by each room. Any thread. */
    public Map<String, List<PeerInfo>> snapshot() {
        Map<String, List<PeerInfo>> out = new LinkedHashMap<>();
        List<Room> sorted = new ArrayList<>(rooms.values());
        sorted.sort(Comparator.comparing(Room::roomId));
        for (Room r : sorted) {
            List<PeerInfo> members = r.members();
            if (!members.isEmpty()) {
                out.put(r.roomId(), members);
            }
        }
        return out;
    }

    public int localPeerCount() {
        return metrics.peers().get();
    }
}
