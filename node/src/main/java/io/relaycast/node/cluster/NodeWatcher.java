package io.relaycast.node.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import io.vertx.core.Vertx;

import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Turns Hazelcast's verdict that a member is gone (SIGKILL, lost network: its heartbeats stopped)
 * into room updates. Each survivor drops the dead node's peers from its own rooms, which sends
 * each local client exactly one {@code peerLeft} per dead peer, and removes the dead node's
 * records from the shared map (idempotent, so every survivor may do it). Nothing here touches
 * the records of a node that is alive.
 *
 * <p>Every change of the cluster's member list, and the end of a split-brain merge on the side
 * that merged (Hazelcast's {@code MERGED}, which this node's members never see as memberAdded
 * events of their own), also calls {@code onViewChanged}: the rooms then reconcile with the
 * shared membership (see {@code io.relaycast.node.room.Reconciler}), which is what brings the
 * other side's live peers back after a partition heals.
 *
 * <p>Hazelcast's listener is used rather than the Vert.x cluster manager's node listener, which
 * Vert.x itself owns.
 */
public final class NodeWatcher implements MembershipListener {
    private static final Logger LOG = Logger.getLogger(NodeWatcher.class.getName());
    private final Vertx vertx;
    private final MembershipStore store;
    private final Consumer<String> onNodeLeft;
    private final Runnable onViewChanged;

    public NodeWatcher(Vertx vertx, MembershipStore store, Consumer<String> onNodeLeft, Runnable onViewChanged) {
        this.vertx = vertx;
        this.store = store;
        this.onNodeLeft = onNodeLeft;
        this.onViewChanged = onViewChanged;
    }

    public void attach(HazelcastInstance hazelcast) {
        hazelcast.getCluster().addMembershipListener(this);
        hazelcast.getLifecycleService().addLifecycleListener(this::lifecycle);
    }

    private void lifecycle(LifecycleEvent event) {
        if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
            LOG.warning("cluster partition healed: this side merged into the other; reconciling rooms");
            onViewChanged.run();
        } else if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
            LOG.warning("cluster partition healing: this side is merging into the other");
        }
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        LOG.info(() -> "cluster member joined: " + ClusterBootstrap.busNodeId(event.getMember()) + " "
                + event.getMember().getAddress() + "; reconciling rooms");
        onViewChanged.run();
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String busNodeId = ClusterBootstrap.busNodeId(event.getMember());
        LOG.warning(() -> "cluster member gone: " + busNodeId + " " + event.getMember().getAddress()
                + "; removing its peers");
        vertx.runOnContext(v -> {
            onNodeLeft.accept(busNodeId);
            store.removeNode(busNodeId).onComplete(ar -> {
                if (ar.succeeded()) {
                    LOG.info(() -> "removed " + ar.result().size() + " peer record(s) of dead node " + busNodeId);
                } else {
                    LOG.warning("could not remove records of dead node " + busNodeId + ": " + ar.cause());
                }
            });
            onViewChanged.run();
        });
    }
}
