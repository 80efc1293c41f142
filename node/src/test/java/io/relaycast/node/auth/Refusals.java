package io.relaycast.node.auth;

import io.micrometer.core.instrument.Counter;
import io.relaycast.node.RelaycastNode;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.ServerMessage;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one check every refused token must pass, against a real node over a real WebSocket. */
final class Refusals {
    private Refusals() {
    }

    /**
     * Joins {@code room} with {@code token} and asserts PROTOCOL.md's refusal: {@code unauthorized},
     * close code 4401, the rejection counted under {@code reason}, and no room state left behind.
     * Returns the error message.
     */
    static String assertRefused(RelaycastNode node, String room, String token, AuthRejection.Reason reason)
            throws Exception {
        try (WsTestClient c = WsTestClient.connect(node.httpPort())) {
            return assertRefused(node, c, new ClientMessage.Join(room, null, token), room, reason);
        }
    }

    /** As above, for a client already connected (e.g. with a token in its URL). */
    static String assertRefused(RelaycastNode node, WsTestClient c, ClientMessage.Join join, String room,
                                AuthRejection.Reason reason) throws Exception {
        // Rooms of earlier tests may still be closing while this runs, so the node-wide counts
        // may only fall; the refused room's own entry must not change at all.
        int roomsBefore = node.metrics().rooms().get();
        int peersBefore = node.metrics().peers().get();
        double rejectedBefore = rejections(node, reason);
        JsonObject roomListed = listedRoom(node, room);
        c.send(join);
        ServerMessage.Error e = c.next(ServerMessage.Error.class);
        assertEquals(ErrorCode.UNAUTHORIZED, e.code(), e.toString());
        assertTrue(e.message() != null && !e.message().isBlank());
        assertEquals(4401, c.awaitClose());
        assertEquals(rejectedBefore + 1, rejections(node, reason), "relaycast_auth_rejections_total{reason=\""
                + reason.label() + "\"} for: " + e.message());
        assertTrue(node.metrics().rooms().get() <= roomsBefore, "a room was created for a refused join");
        assertTrue(node.metrics().peers().get() <= peersBefore, "a peer was added for a refused join");
        assertEquals(roomListed, listedRoom(node, room), "/api/rooms changed by a refused join");
        return e.message();
    }

    static double rejections(RelaycastNode node, AuthRejection.Reason reason) {
        Counter c = node.metrics().registry().find("relaycast_auth_rejections_total")
                .tag("reason", reason.label()).counter();
        return c == null ? 0 : c.count();
    }

    /** The room's entry in /api/rooms, or null when it is not listed. */
    static JsonObject listedRoom(RelaycastNode node, String room) throws Exception {
        for (Object r : new JsonObject(apiRooms(node)).getJsonArray("rooms")) {
            if (room.equals(((JsonObject) r).getString("roomId"))) {
                return (JsonObject) r;
            }
        }
        return null;
    }

    static String apiRooms(RelaycastNode node) throws Exception {
        return get(node, "/api/rooms");
    }

    static String get(RelaycastNode node, String path) throws Exception {
        return io.relaycast.node.TestNodes.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
