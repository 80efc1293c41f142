package io.relaycast.node.cluster;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The single-node dev mode's membership: the same interface as the cluster's, in memory. */
public final class LocalMembershipStore implements MembershipStore {
    private final Map<String, MemberRecord> records = new ConcurrentHashMap<>();

    @Override
    public Future<Void> put(MemberRecord record) {
        records.put(record.peerId(), record);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> remove(String peerId) {
        records.remove(peerId);
        return Future.succeededFuture();
    }

    @Override
    public Future<List<MemberRecord>> room(String roomId) {
        return Future.succeededFuture(records.values().stream().filter(r -> r.roomId().equals(roomId)).toList());
    }

    @Override
    public Future<List<MemberRecord>> all() {
        return Future.succeededFuture(new ArrayList<>(records.values()));
    }

    @Override
    public Future<List<MemberRecord>> removeNode(String busNodeId) {
        List<MemberRecord> removed = new ArrayList<>();
        records.values().removeIf(r -> {
            boolean dead = r.busNodeId().equals(busNodeId);
            if (dead) {
                removed.add(r);
            }
            return dead;
        });
        return Future.succeededFuture(removed);
    }
}
