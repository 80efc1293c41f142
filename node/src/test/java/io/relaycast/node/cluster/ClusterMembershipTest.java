package io.relaycast.node.cluster;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three clustered nodes in one JVM: membership spans nodes, and a dead node's peers leave. */
class ClusterMembershipTest {
    private static List<RelaycastNode> nodes;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.startCluster(3);
    }

    @AfterAll
    static void stop() throws Exception {
        for (RelaycastNode n : nodes) {
            try {
                TestNodes.stop(n);
            } catch (Exception alreadyDown) {
                // the crashed node
            }
        }
    }

    private static WsTestClient on(int node) throws Exception {
        return WsTestClient.connect(nodes.get(node).httpPort());
    }

    private static ServerMessage.Welcome join(WsTestClient c, String room, String name) throws Exception {
        c.send(new ClientMessage.Join(room, name, null));
        return c.next(ServerMessage.Welcome.class);
    }

    private static String rooms(int node) throws Exception {
        return io.relaycast.node.TestNodes.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + nodes.get(node).httpPort() + "/api/rooms")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void membershipSpansNodesWithTheProtocolsOrdering() throws Exception {
        try (WsTestClient a = on(0); WsTestClient b = on(1); WsTestClient c = on(2)) {
            ServerMessage.Welcome wa = join(a, "spanning", "Ann");
            ServerMessage.Welcome wb = join(b, "spanning", "Bob");
            assertEquals("node-b", wb.nodeId());
            assertEquals(List.of(new PeerInfo(wa.peerId(), "Ann")), wb.peers(), "welcome lists peers on other nodes");
            assertEquals(new PeerInfo(wb.peerId(), "Bob"), a.next(ServerMessage.PeerJoined.class).peer());
            ServerMessage.Welcome wc = join(c, "spanning", "Cy");
            assertEquals(Set.of(new PeerInfo(wa.peerId(), "Ann"), new PeerInfo(wb.peerId(), "Bob")), Set.copyOf(wc.peers()));
            assertEquals(wc.peerId(), a.next(ServerMessage.PeerJoined.class).peer().peerId());
            assertEquals(wc.peerId(), b.next(ServerMessage.PeerJoined.class).peer().peerId());
            for (int n = 0; n < 3; n++) {
                String body = rooms(n);
                assertTrue(body.contains("\"peerId\":\"" + wa.peerId() + "\",\"name\":\"Ann\",\"nodeId\":\"node-a\""), body);
                assertTrue(body.contains("\"peerId\":\"" + wb.peerId() + "\",\"name\":\"Bob\",\"nodeId\":\"node-b\""), body);
                assertTrue(body.contains("\"nodeId\":\"node-c\""), body);
            }
            b.send(new ClientMessage.Leave());
            assertEquals(wb.peerId(), a.next(ServerMessage.PeerLeft.class).peerId());
            assertEquals(wb.peerId(), c.next(ServerMessage.PeerLeft.class).peerId());
            a.expectSilence(300);
            c.expectSilence(100);
        }
    }

    @Test
    void concurrentJoinsOnTwoNodesAnnounceEachPeerExactlyOnce() throws Exception {
        for (int round = 0; round < 5; round++) {
            String room = "race-" + round;
            try (WsTestClient x = on(0); WsTestClient y = on(1)) {
                x.send(new ClientMessage.Join(room, "x", null));
                y.send(new ClientMessage.Join(room, "y", null));
                ServerMessage.Welcome wx = x.next(ServerMessage.Welcome.class);
                ServerMessage.Welcome wy = y.next(ServerMessage.Welcome.class);
                // Each learns of the other exactly once: in its welcome or as one peerJoined.
                if (wx.peers().isEmpty()) {
                    assertEquals(wy.peerId(), x.next(ServerMessage.PeerJoined.class).peer().peerId());
                }
                if (wy.peers().isEmpty()) {
                    assertEquals(wx.peerId(), y.next(ServerMessage.PeerJoined.class).peer().peerId());
                }
                x.expectSilence(300);
                y.expectSilence(50);
            }
        }
    }

    @Test
    void aCrashedNodesPeersLeaveWithin15Seconds() throws Exception {
        try (WsTestClient a = on(0); WsTestClient b = on(1)) {
            ServerMessage.Welcome wa = join(a, "fault", "Ann");
            join(b, "fault", "Bob");
            a.next(ServerMessage.PeerJoined.class);
            WsTestClient doomed = on(2);
            ServerMessage.Welcome wd = join(doomed, "fault", "Doomed");
            a.next(ServerMessage.PeerJoined.class);
            b.next(ServerMessage.PeerJoined.class);
            long start = System.nanoTime();
            nodes.get(2).crash().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(wd.peerId(), a.nextWithin(ServerMessage.PeerLeft.class, 15).peerId());
            assertEquals(wd.peerId(), b.nextWithin(ServerMessage.PeerLeft.class, 15).peerId());
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            assertTrue(seconds <= 15, "peerLeft after " + seconds + " s");
            // Exactly once, and the survivors keep each other.
            a.expectSilence(1000);
            b.expectSilence(100);
            String body = rooms(0);
            assertTrue(!body.contains(wd.peerId()) && body.contains(wa.peerId()), body);
            a.send(new ClientMessage.Ping());
            a.next(ServerMessage.Pong.class);
        }
    }
}
