package io.relaycast.node.signaling;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PROTOCOL.md's transport, join and ordering rules against a real node. */
class SignalingProtocolTest {
    private static RelaycastNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.start(Map.of("RELAYCAST_MAX_PEERS_PER_ROOM", "3", "RELAYCAST_NODE_ID", "test-node"));
    }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.stop(node);
    }

    private static WsTestClient client() throws Exception {
        return WsTestClient.connect(node.httpPort());
    }

    private static ServerMessage.Welcome join(WsTestClient c, String room, String name) throws Exception {
        c.send(new ClientMessage.Join(room, name, null));
        return c.next(ServerMessage.Welcome.class);
    }

    @Test
    void joinWelcomesWithTheOthersAndAnnouncesToThem() throws Exception {
        try (WsTestClient a = client(); WsTestClient b = client()) {
            ServerMessage.Welcome wa = join(a, "ordering", "Ann");
            assertEquals("ordering", wa.roomId());
            assertEquals("test-node", wa.nodeId());
            assertEquals(List.of(), wa.peers());
            ServerMessage.Welcome wb = join(b, "ordering", "Bob");
            assertEquals(List.of(new PeerInfo(wa.peerId(), "Ann")), wb.peers());
            assertEquals(new PeerInfo(wb.peerId(), "Bob"), a.next(ServerMessage.PeerJoined.class).peer());
            b.send(new ClientMessage.Leave());
            assertEquals(wb.peerId(), a.next(ServerMessage.PeerLeft.class).peerId());
            assertEquals(1000, b.awaitClose());
            a.expectSilence(200);
        }
    }

    @Test
    void closedSocketSendsExactlyOnePeerLeft() throws Exception {
        try (WsTestClient a = client()) {
            ServerMessage.Welcome wa = join(a, "closing", "Ann");
            WsTestClient b = client();
            ServerMessage.Welcome wb = join(b, "closing", "Bob");
            a.next(ServerMessage.PeerJoined.class);
            b.close();
            assertEquals(wb.peerId(), a.next(ServerMessage.PeerLeft.class).peerId());
            a.expectSilence(300);
            assertTrue(!wa.peerId().equals(wb.peerId()));
        }
    }

    @Test
    void anythingBeforeJoinIsNotJoined() throws Exception {
        try (WsTestClient c = client()) {
            c.send(new ClientMessage.Offer("v=0"));
            assertEquals(ErrorCode.NOT_JOINED, c.next(ServerMessage.Error.class).code());
            c.send(new ClientMessage.Ping());
            assertEquals(ErrorCode.NOT_JOINED, c.next(ServerMessage.Error.class).code());
            // The socket stays usable: a join still works afterwards.
            join(c, "late-joiner", null);
        }
    }

    @Test
    void malformedFramesAreBadRequestsAndTheSocketStaysOpen() throws Exception {
        try (WsTestClient c = client(); WsTestClient other = client()) {
            join(other, "bystanders", "Other");
            c.sendRaw("this is not json");
            assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            c.sendRaw("[1,2,3]");
            assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            c.sendRaw("{\"type\":\"offer\",\"sdp\":\"" + "x".repeat(70 * 1024) + "\"}");
            ServerMessage.Error big = c.next(ServerMessage.Error.class);
            assertEquals(ErrorCode.BAD_REQUEST, big.code());
            assertTrue(big.message().contains("64 KiB"), big.message());
            c.sendRaw("{\"type\":\"teleport\"}");
            ServerMessage.Error unknown = c.next(ServerMessage.Error.class);
            assertEquals(ErrorCode.BAD_REQUEST, unknown.code());
            assertTrue(unknown.message().contains("teleport"));
            join(c, "bystanders", "C");
            other.next(ServerMessage.PeerJoined.class);
            c.send(new ClientMessage.Ping());
            c.next(ServerMessage.Pong.class);
            other.send(new ClientMessage.Ping());
            other.next(ServerMessage.Pong.class);
        }
    }

    @Test
    void unparsableSdpIsABadRequestAndTheRoomCarriesOn() throws Exception {
        try (WsTestClient c = client(); WsTestClient other = client()) {
            join(other, "sdp-errors", "Other");
            join(c, "sdp-errors", "C");
            other.next(ServerMessage.PeerJoined.class);
            c.send(new ClientMessage.Offer("this is not sdp"));
            ServerMessage.Error e = c.next(ServerMessage.Error.class);
            assertEquals(ErrorCode.BAD_REQUEST, e.code());
            assertTrue(e.message().contains("unparsable SDP"), e.message());
            c.send(new ClientMessage.Offer("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"));
            assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            c.send(new ClientMessage.Answer("v=0"));
            assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            c.send(new ClientMessage.IceCandidate(new io.relaycast.signal.CandidateInit("candidate:garbage", "0", 0)));
            assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            c.send(new ClientMessage.Ping());
            c.next(ServerMessage.Pong.class);
            other.send(new ClientMessage.Ping());
            other.next(ServerMessage.Pong.class);
        }
    }

    @Test
    void moreThanFiftyMalformedFramesClose4400() throws Exception {
        try (WsTestClient c = client()) {
            for (int i = 0; i < 51; i++) {
                c.sendRaw("{");
            }
            for (int i = 0; i < 51; i++) {
                assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            }
            assertEquals(4400, c.awaitClose());
        }
    }

    @Test
    void secondJoinIsRefusedWithoutLeavingTheRoom() throws Exception {
        try (WsTestClient c = client()) {
            join(c, "twice", "C");
            c.send(new ClientMessage.Join("other-room", null, null));
            assertEquals(ErrorCode.BAD_REQUEST, c.next(ServerMessage.Error.class).code());
            c.send(new ClientMessage.Ping());
            c.next(ServerMessage.Pong.class);
        }
    }

    @Test
    void roomFullPastTheCap() throws Exception {
        try (WsTestClient a = client(); WsTestClient b = client(); WsTestClient c = client(); WsTestClient d = client()) {
            join(a, "small", "a");
            join(b, "small", "b");
            join(c, "small", "c");
            d.send(new ClientMessage.Join("small", "d", null));
            assertEquals(ErrorCode.ROOM_FULL, d.next(ServerMessage.Error.class).code());
            // Refused peers are back to not-joined and may join another room.
            d.send(new ClientMessage.Ping());
            assertEquals(ErrorCode.NOT_JOINED, d.next(ServerMessage.Error.class).code());
            join(d, "roomier", "d");
            a.next(ServerMessage.PeerJoined.class);
            a.next(ServerMessage.PeerJoined.class);
            a.expectSilence(200);
        }
    }

    @Test
    void apiRoomsListsMembersWithTheirNode() throws Exception {
        try (WsTestClient a = client()) {
            ServerMessage.Welcome w = join(a, "listed", "Lister");
            String body = io.relaycast.node.TestNodes.HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/api/rooms")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(body.contains("{\"roomId\":\"listed\",\"peers\":[{\"peerId\":\"" + w.peerId()
                    + "\",\"name\":\"Lister\",\"nodeId\":\"test-node\"}]}"), body);
        }
    }
}
