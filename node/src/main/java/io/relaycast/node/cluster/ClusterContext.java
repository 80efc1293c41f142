package io.relaycast.node.cluster;

import io.relaycast.node.relay.RelayEndpoint;
import io.relaycast.node.relay.RelayMetrics;

import java.util.List;

/**
 * What rooms need to span nodes: the event bus (clustered, or local in dev mode: the same code
 * either way), the membership store, this node's ids, and each media worker's relay endpoint.
 *
 * <p>Addresses: {@code relaycast.room.<room>} is published to every node with the room (joins,
 * leaves, track changes; JSON, a few per join); {@code relaycast.relay.<busNode>.<worker>} takes
 * one worker's relay frames (media and relay control, batched; see {@link RelayEndpoint}).
 */
public final class ClusterContext {
    private final ClusterBus bus;
    private final MembershipStore store;
    private final String nodeId;
    private final String busNodeId;
    private final RelayMetrics metrics;
    private volatile List<RelayEndpoint> relays = List.of();
    private volatile Reachability reachability;

    public ClusterContext(ClusterBus bus, MembershipStore store, String nodeId, String busNodeId, RelayMetrics metrics) {
        this.bus = bus;
        this.store = store;
        this.nodeId = nodeId;
        this.busNodeId = busNodeId;
        this.metrics = metrics;
    }

    public ClusterBus bus() {
        return bus;
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

    /** Set once at start, before any room exists: one endpoint per media worker, by index. */
    public void relays(List<RelayEndpoint> endpoints) {
        this.relays = List.copyOf(endpoints);
    }

    /** The relay endpoint of media worker {@code index}; use it on that worker's thread only. */
    public RelayEndpoint relay(int index) {
        return relays.get(index);
    }

    public List<RelayEndpoint> relays() {
        return relays;
    }

    /** Set once at start in cluster mode (before any room exists); null in dev mode. */
    public void reachability(Reachability r) {
        this.reachability = r;
    }

    /**
     * The nodes among {@code busNodeIds} whose event bus answers ({@link BusReachability}); in dev
     * mode all of them (there is only this node).
     */
    public io.vertx.core.Future<java.util.Set<String>> reachable(java.util.Collection<String> busNodeIds) {
        Reachability r = reachability;
        return r == null ? io.vertx.core.Future.succeededFuture(new java.util.HashSet<>(busNodeIds)) : r.reachable(busNodeIds);
    }

    public static String roomAddress(String roomId) {
        return "relaycast.room." + roomId;
    }
}
