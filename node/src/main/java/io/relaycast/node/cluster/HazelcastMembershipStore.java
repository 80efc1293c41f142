package io.relaycast.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Membership in a Hazelcast map, peer id → record JSON. Writes use Hazelcast's async API; reads
 * that scan the map block, so they run through {@code executeBlocking}, never on an event loop
 * (DESIGN.md "Threads").
 */
public final class HazelcastMembershipStore implements MembershipStore {
    static final String MAP_NAME = "relaycast.members";
    private final Vertx vertx;
    /** How long a dead node's clean-up waits for the cluster to restore its partitions from backups. */
    private static final long SAFE_WAIT_MILLIS = 10_000;
    private final IMap<String, String> map;
    private final HazelcastInstance hazelcast;

    public HazelcastMembershipStore(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.map = hazelcast.getMap(MAP_NAME);
    }

    @Override
    public Future<Void> put(MemberRecord record) {
        try {
            return Future.fromCompletionStage(map.setAsync(record.peerId(), record.toJson().encode()), vertx.getOrCreateContext());
        } catch (RuntimeException notActive) {
            return Future.failedFuture(notActive);
        }
    }

    @Override
    public Future<Void> remove(String peerId) {
        try {
            return Future.fromCompletionStage(map.removeAsync(peerId), vertx.getOrCreateContext()).mapEmpty();
        } catch (RuntimeException notActive) {
            // Hazelcast's async calls throw (HazelcastInstanceNotActiveException) instead of
            // failing their future once the instance has shut down, as a node's does when it is
            // terminated or leaves the cluster for good. A leave must still reach the room's local
            // members and close the room; the caller logs the failed write.
            return Future.failedFuture(notActive);
        }
    }

    @Override
    public Future<List<MemberRecord>> room(String roomId) {
        return vertx.executeBlocking(() -> liveRecords(roomId), false);
    }

    @Override
    public Future<List<MemberRecord>> all() {
        return vertx.executeBlocking(() -> liveRecords(null), false);
    }

    /**
     * The records (of one room, or all when {@code roomId} is null) of nodes that are cluster
     * members now. A dead node's records stay in the map until a survivor's clean-up
     * ({@link #removeNode}) has run, which waits for the partitions to be safe again and can
     * take seconds; until then neither a welcome nor /api/rooms may list its peers. The member
     * list is read after the scan, so a node that died meanwhile is left out. Blocking.
     */
    private List<MemberRecord> liveRecords(String roomId) {
        List<MemberRecord> records = new ArrayList<>();
        for (String json : map.values()) {
            MemberRecord r = MemberRecord.fromJson(new JsonObject(json));
            if (roomId == null || r.roomId().equals(roomId)) {
                records.add(r);
            }
        }
        java.util.Set<String> alive = new java.util.HashSet<>();
        for (com.hazelcast.cluster.Member m : hazelcast.getCluster().getMembers()) {
            alive.add(ClusterBootstrap.busNodeId(m));
        }
        records.removeIf(r -> !alive.contains(r.busNodeId()));
        return records;
    }

    @Override
    public Future<List<MemberRecord>> removeNode(String busNodeId) {
        return vertx.executeBlocking(() -> {
            // Right after a member dies, the entries it owned are being restored from backups; a
            // scan then can miss them and leave the dead node's peers listed for good. Wait until
            // the cluster is safe (every partition has its owner and backups) before scanning.
            long deadline = System.currentTimeMillis() + SAFE_WAIT_MILLIS;
            while (!hazelcast.getPartitionService().isClusterSafe() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            List<MemberRecord> removed = new ArrayList<>();
            for (Map.Entry<String, String> e : map.entrySet()) {
                MemberRecord r = MemberRecord.fromJson(new JsonObject(e.getValue()));
                // Only the dead node's own records: a live node's state is never touched.
                if (r.busNodeId().equals(busNodeId) && map.remove(e.getKey(), e.getValue())) {
                    removed.add(r);
                }
            }
            return removed;
        }, false);
    }
}
