package io.relaycast.node.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;

/**
 * What rooms need to span nodes: the event bus (clustered, or local in dev mode: the same code
 * either way), the membership store, this node's ids, and relay metrics.
 *
 * <p>Addresses, all per room: {@code relaycast.room.<room>} is published to every node with the
 * room (joins, leaves, track changes); {@code relaycast.ctl.<busNode>.<room>} takes a node's
 * control requests (subscribe, unsubscribe, keyframe, NACK) for tracks it publishes;
 * {@code relaycast.rtp.<busNode>.<room>} takes relayed packets for tracks it subscribes to.
 */
public final class ClusterContext {
    private final Vertx vertx;
    private final MembershipStore store;
    private final String nodeId;
    private final String busNodeId;
    private final RelayMetrics metrics;

    public ClusterContext(Vertx vertx, MembershipStore store, String nodeId, String busNodeId, RelayMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.nodeId = nodeId;
        this.busNodeId = busNodeId;
        this.metrics = metrics;
    }

    public EventBus bus() {
        return vertx.eventBus();
    }

    public MembershipStore store() {
        return store;
    }

    /** This node's Relaycast id (logs, metrics, {@code welcome}). */
    public String nodeId() {
        return nodeId;
    }

    /** This node's id on the cluster manager and event bus. */
    public String busNodeId() {
        return busNodeId;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public static String roomAddress(String roomId) {
        return "relaycast.room." + roomId;
    }

    public static String controlAddress(String busNodeId, String roomId) {
        return "relaycast.ctl." + busNodeId + "." + roomId;
    }

    public static String rtpAddress(String busNodeId, String roomId) {
        return "relaycast.rtp." + busNodeId + "." + roomId;
    }
}
