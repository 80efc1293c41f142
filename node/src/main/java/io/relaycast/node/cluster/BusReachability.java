package io.relaycast.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which other nodes this node's event bus has exchanged a message with: the proof that a node
 * is one of ours, and not only a member of the Hazelcast cluster.
 *
 * <p>Why: open-source Hazelcast has no TLS or member authentication, so any process that can
 * reach the cluster port joins the member list and can write records to the shared membership
 * map. Event-bus TLS (mutual, certificates from the operator's CA) is what keeps a stranger
 * out. Room events and media only ever cross the event bus, so a stranger's peers never reached
 * anyone; but reconciliation (see {@code Reconciler}) reads the shared map directly, and without
 * this check would announce a stranger's records as {@code peerJoined}. A node is reachable once
 * it answered one request over the event bus; the answer is kept until the node leaves.
 */
public final class BusReachability implements Reachability {
    /** Long enough for a TLS handshake on a loaded machine; a pass waits at most this long. */
    static final long PROBE_TIMEOUT_MILLIS = 3000;

    private final Vertx vertx;
    private final String ownBusNodeId;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();

    public BusReachability(Vertx vertx, String ownBusNodeId) {
        this.vertx = vertx;
        this.ownBusNodeId = ownBusNodeId;
    }

    static String address(String busNodeId) {
        return "relaycast.node." + busNodeId + ".probe";
    }

    /** Answers other nodes' probes; call once at start, before this node's records are written. */
    public Future<Void> start() {
        return vertx.eventBus().<String>consumer(address(ownBusNodeId), m -> m.reply(ownBusNodeId)).completion();
    }

    /**
     * The nodes among {@code busNodeIds} that this node's event bus reaches (any thread): those
     * confirmed before, and those that answer a probe now. Never fails: a node that does not
     * answer within {@link #PROBE_TIMEOUT_MILLIS} is left out and probed again next time.
     */
    @Override
    public Future<Set<String>> reachable(Collection<String> busNodeIds) {
        List<Future<?>> probes = new ArrayList<>();
        for (String id : busNodeIds) {
            if (id.equals(ownBusNodeId) || confirmed.contains(id)) {
                continue;
            }
            probes.add(vertx.eventBus()
                    .request(address(id), ownBusNodeId, new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MILLIS))
                    .onSuccess(reply -> confirmed.add(id)));
        }
        return Future.join(probes).transform(ar -> {
            Set<String> out = ConcurrentHashMap.newKeySet();
            for (String id : busNodeIds) {
                if (id.equals(ownBusNodeId) || confirmed.contains(id)) {
                    out.add(id);
                }
            }
            return Future.succeededFuture(out);
        });
    }

    /** A node left the cluster: if it comes back (same id after a partition), probe it again. */
    public void forget(String busNodeId) {
        confirmed.remove(busNodeId);
    }
}
