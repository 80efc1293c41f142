package io.relaycast.node.cluster;

import io.vertx.core.Future;

import java.util.List;

/**
 * Who is in which room on which node, shared by the whole cluster: a Hazelcast map when
 * clustered, a local map in single-node dev mode. Every node writes only its own peers' records;
 * the one exception is removing the records of a node the cluster manager declared dead.
 *
 * <p>No method throws: a store that cannot reach the cluster (its Hazelcast instance shut down)
 * fails the returned future, so the room work around a write (a leave's peerLeft to local
 * members, closing an empty room) still happens.
 */
public interface MembershipStore {

    Future<Void> put(MemberRecord record);

    Future<Void> remove(String peerId);

    /**
     * The members of one room, on any node that is a member of the cluster as this node sees it
     * now (a dead node's records may linger in the store until its clean-up has run; they must
     * not appear in a welcome, /api/rooms or a reconciliation).
     */
    Future<List<MemberRecord>> room(String roomId);

    /** Every member of every room, on live nodes only (as {@link #room}). */
    Future<List<MemberRecord>> all();

    /** Removes the records of a dead node's peers and returns them. */
    Future<List<MemberRecord>> removeNode(String busNodeId);
}
