package io.relaycast.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store on a real one-member Hazelcast cluster on loopback. Once the instance has shut down
 * (a node terminated, or one that left the cluster for good), writes fail their future instead of
 * throwing: a throw out of {@code remove} used to end a leave half-way (seen in a full test run:
 * the room's local members never got peerLeft and the room stayed open).
 */
class HazelcastMembershipStoreTest {
    private Vertx vertx;
    private HazelcastInstance hazelcast;

    @AfterEach
    void tearDown() throws Exception {
        OneMemberHazelcast.stop(hazelcast, vertx);
    }

    @Test
    void writesFailTheirFutureOnceHazelcastHasShutDown() throws Exception {
        hazelcast = OneMemberHazelcast.start("store-test");
        vertx = Vertx.vertx();
        HazelcastMembershipStore store = new HazelcastMembershipStore(vertx, hazelcast);
        MemberRecord record = new MemberRecord("p1", "alice", "room-1", "node-1", "bus-1", 0, List.of());
        store.put(record).await(10, TimeUnit.SECONDS);
        store.remove("p1").await(10, TimeUnit.SECONDS);

        hazelcast.getLifecycleService().terminate();
        Future<Void> removed = assertDoesNotThrow(() -> store.remove("p1"));
        Future<Void> written = assertDoesNotThrow(() -> store.put(record));
        assertTrue(removed.failed() && written.failed(), "both writes fail at once");
        assertEquals("HazelcastInstanceNotActiveException", removed.cause().getClass().getSimpleName());
    }
}
