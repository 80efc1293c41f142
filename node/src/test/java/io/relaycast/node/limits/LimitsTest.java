package io.relaycast.node.limits;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.ServerMessage;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each limit of issue 6 refuses with its documented reply and is counted in /metrics. */
class LimitsTest {
    private static RelaycastNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.start(Map.of("RELAYCAST_MAX_PEERS_PER_NODE", "3", "RELAYCAST_MAX_MESSAGES_PER_SECOND", "10",
                "RELAYCAST_MAX_TRACKS_PER_PEER", "1", "RELAYCAST_MAX_PEERS_PER_ROOM", "2"));
    }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.stop(node);
    }

    private static double counter(String limit) throws Exception {
        String text = io.relaycast.node.TestNodes.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith("relaycast_limit_rejections_total{") && line.contains("limit=\"" + limit + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no relaycast_limit_rejections_total for " + limit + " in\n" + text);
    }

    @Test
    void messageRateBeyondTheLimitIsRefusedAndCounted() throws Exception {
        double before = counter("message_rate");
        try (WsTestClient c = WsTestClient.connect(node.httpPort())) {
            c.send(new ClientMessage.Join("rate", null, null));
            c.next(ServerMessage.Welcome.class);
            for (int i = 0; i < 40; i++) {
                c.send(new ClientMessage.Ping());
            }
            int pongs = 0;
            int refused = 0;
            for (int i = 0; i < 40; i++) {
                ServerMessage m = c.next();
                if (m instanceof ServerMessage.Pong) {
                    pongs++;
                } else {
                    ServerMessage.Error e = (ServerMessage.Error) m;
                    assertEquals(ErrorCode.BAD_REQUEST, e.code());
                    assertTrue(e.message().contains("rate limit"), e.message());
                    refused++;
                }
            }
            // A burst of twice the rate passes (minus the join), the rest is refused.
            assertTrue(pongs >= 15 && pongs <= 22, "pongs " + pongs);
            assertTrue(refused >= 18, "refused " + refused);
            assertEquals(before + refused, counter("message_rate"));
        }
    }

    @Test
    void roomFullAndPeersPerNodeAreCounted() throws Exception {
        double full = counter("room_full");
        double perNode = counter("peers_per_node");
        try (WsTestClient a = WsTestClient.connect(node.httpPort()); WsTestClient b = WsTestClient.connect(node.httpPort());
             WsTestClient c = WsTestClient.connect(node.httpPort()); WsTestClient d = WsTestClient.connect(node.httpPort())) {
            a.send(new ClientMessage.Join("cap", null, null));
            a.next(ServerMessage.Welcome.class);
            b.send(new ClientMessage.Join("cap", null, null));
            b.next(ServerMessage.Welcome.class);
            c.send(new ClientMessage.Join("cap", null, null));
            assertEquals(ErrorCode.ROOM_FULL, c.next(ServerMessage.Error.class).code());
            assertEquals(full + 1, counter("room_full"));
            c.send(new ClientMessage.Join("elsewhere", null, null));
            c.next(ServerMessage.Welcome.class);
            // Three peers on a node capped at three: the fourth is sent elsewhere.
            d.send(new ClientMessage.Join("another", null, null));
            ServerMessage.Error e = d.next(ServerMessage.Error.class);
            assertEquals(ErrorCode.OVERLOADED, e.code());
            assertTrue(e.message().contains("capacity"), e.message());
            assertEquals(perNode + 1, counter("peers_per_node"));
        }
    }

    @Test
    void tracksBeyondThePerPeerCapAreAnsweredInactive() throws Exception {
        double before = counter("tracks_per_peer");
        String offer = TestVectors.text("sdp/chrome-120-offer-audio-video.sdp");
        try (WsTestClient c = WsTestClient.connect(node.httpPort())) {
            c.send(new ClientMessage.Join("tracks", null, null));
            c.next(ServerMessage.Welcome.class);
            c.send(new ClientMessage.Offer(offer));
            ServerMessage.Error e = c.next(ServerMessage.Error.class);
            assertEquals(ErrorCode.UNSUPPORTED, e.code());
            assertTrue(e.message().contains("track limit"), e.message());
            String answer = c.next(ServerMessage.Answer.class).sdp();
            assertTrue(answer.contains("a=recvonly"), answer);
            assertTrue(answer.contains("a=inactive"), answer);
            assertFalse(answer.indexOf("a=recvonly") != answer.lastIndexOf("a=recvonly"), "only one track accepted");
            assertEquals(before + 1, counter("tracks_per_peer"));
        }
    }

    @Test
    void tokenBucketRefillsAtItsRateUpToItsBurst() {
        TokenBucket b = new TokenBucket(10, 5);
        long t = 1_000_000_000L;
        for (int i = 0; i < 5; i++) {
            assertTrue(b.tryTake(t));
        }
        assertFalse(b.tryTake(t));
        assertFalse(b.tryTake(t + 50_000_000L), "half a token after 50 ms");
        assertTrue(b.tryTake(t + 100_000_000L), "one token after 100 ms");
        assertFalse(b.tryTake(t + 100_000_000L));
        for (int i = 0; i < 5; i++) {
            assertTrue(b.tryTake(t + 60_000_000_000L), "a long pause refills to the burst only");
        }
        assertFalse(b.tryTake(t + 60_000_000_000L));
    }
}
