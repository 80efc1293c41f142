package io.relaycast.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/**
 * The bus on a real clustered Vert.x over a one-member Hazelcast cluster on loopback. Once
 * Hazelcast has gone (a node terminated, or one that left the cluster for good), publishing and
 * sending drop the message instead of throwing: a RejectedExecutionException out of
 * {@code publish} used to end a room's removePeer half-way (seen in ClusterMembershipTest's log as
 * "signaling task failed" for the crashed node's leaving peers).
 */
class VertxClusterBusTest {
    private Vertx vertx;
    private HazelcastInstance hazelcast;

    @AfterEach
    void tearDown() throws Exception {
        OneMemberHazelcast.stop(hazelcast, vertx);
    }

    @Test
    void publishAndSendDropTheMessageOnceHazelcastHasGone() throws Exception {
        hazelcast = OneMemberHazelcast.start("bus-test");
        vertx = Vertx.builder().withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered()
                .await(30, TimeUnit.SECONDS);
        VertxClusterBus bus = new VertxClusterBus(vertx.eventBus());
        bus.publish("room.test", new JsonObject().put("type", "before"));

        hazelcast.getLifecycleService().terminate();
        assertDoesNotThrow(() -> bus.publish("room.test", new JsonObject().put("type", "leave")));
        assertDoesNotThrow(() -> bus.send("relay.test", new JsonObject().put("type", "frame")));
    }

    @Test
    void publishAndSendDropTheMessageOnceVertxIsClosed() throws Exception {
        vertx = Vertx.vertx();
        VertxClusterBus bus = new VertxClusterBus(vertx.eventBus());
        vertx.close().await(10, TimeUnit.SECONDS);
        assertDoesNotThrow(() -> bus.publish("room.test", new JsonObject().put("type", "leave")));
        assertDoesNotThrow(() -> bus.send("relay.test", new JsonObject().put("type", "frame")));
        vertx = null;
    }
}
