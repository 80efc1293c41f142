package io.relaycast.node.cluster;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reconciliation passes (what a partition's heal runs) against the real Hazelcast store of a
 * two-node cluster in one JVM: the store is edited the way a split-brain merge leaves it, and each
 * room must tell its members the difference exactly once, without fighting fresh events. The
 * partition itself, with real processes in network namespaces, is node/e2e/partition.test.mjs.
 */
class ReconcileTest {
    private static List<RelaycastNode> nodes;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.startCluster(2);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RelaycastNode n : nodes) {
            TestNodes.stop(n);
        }
    }

    private static void pass(int node) throws Exception {
        nodes.get(node).reconciler().pass().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static MembershipStore store() {
        return nodes.get(0).membershipStore();
    }

    private static <T> T await(io.vertx.core.Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static ServerMessage.Welcome join(WsTestClient c, String room, String name) throws Exception {
        c.send(new ClientMessage.Join(room, name, null));
        return c.next(ServerMessage.Welcome.class);
    }

    @Test
    void aLiveRecordNobodyWasToldOfIsAnnouncedOnceAndItsRemovalOnceSettled() throws Exception {
        try (WsTestClient a = WsTestClient.connect(nodes.get(0).httpPort())) {
            join(a, "heal", "Ann");
            // A peer of node 1 that node 0 never heard of, as a merge leaves the store.
            MemberRecord ghost = new MemberRecord("ghost-1", "Gus", "heal", "node-b", nodes.get(1).busNodeId(), 0, List.of());
            await(store().put(ghost));
            pass(0);
            assertEquals("ghost-1", a.nextWithin(ServerMessage.PeerJoined.class, 5).peer().peerId());
            pass(0);
            a.expectSilence(300); // never twice

            // Its record vanishes: right after its last news the snapshot may be stale, so no change...
            await(store().remove("ghost-1"));
            pass(0);
            a.expectSilence(300);
            // ...but once that news has settled, the record's absence means the peer is gone: once.
            Thread.sleep(2100);
            pass(0);
            assertEquals("ghost-1", a.nextWithin(ServerMessage.PeerLeft.class, 5).peerId());
            pass(0);
            a.expectSilence(300);
        }
    }

    @Test
    void recordsOfNodesOutsideTheClusterNeverBringPeersBack() throws Exception {
        try (WsTestClient a = WsTestClient.connect(nodes.get(0).httpPort())) {
            join(a, "dead", "Ann");
            await(store().put(new MemberRecord("zombie", "Zed", "dead", "node-x", "no-such-node", 0, List.of())));
            pass(0);
            a.expectSilence(500);
            await(store().remove("zombie"));
        }
    }

    @Test
    void aLivePeersRecordLostInAMergeIsWrittenAgainAndNoOneHearsItLeft() throws Exception {
        try (WsTestClient a = WsTestClient.connect(nodes.get(0).httpPort());
             WsTestClient b = WsTestClient.connect(nodes.get(1).httpPort())) {
            join(a, "lost", "Ann");
            ServerMessage.Welcome wb = join(b, "lost", "Bob");
            assertEquals(wb.peerId(), a.next(ServerMessage.PeerJoined.class).peer().peerId());
            Thread.sleep(2100); // Bob's join is settled news: only the store speaks for him now
            await(store().remove(wb.peerId()));
            // Every node's pass first rewrites its own peers' records, then compares.
            pass(1);
            pass(0);
            a.expectSilence(500);
            assertTrue(await(store().room("lost")).stream().anyMatch(r -> r.peerId().equals(wb.peerId())),
                    "node 1 wrote Bob's record again");
        }
    }

    @Test
    void aJoinWhoseRecordIsNotReadableYetIsNotRemoved() throws Exception {
        try (WsTestClient a = WsTestClient.connect(nodes.get(0).httpPort());
             WsTestClient b = WsTestClient.connect(nodes.get(1).httpPort())) {
            join(a, "fresh", "Ann");
            ServerMessage.Welcome wb = join(b, "fresh", "Bob");
            assertEquals(wb.peerId(), a.next(ServerMessage.PeerJoined.class).peer().peerId());
            // The event has arrived; pretend the store write behind it has not landed yet.
            await(store().remove(wb.peerId()));
            pass(0);
            a.expectSilence(500);
        }
    }
}
