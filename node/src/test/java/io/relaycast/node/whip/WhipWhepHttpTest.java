package io.relaycast.node.whip;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.auth.TestTokens;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP contract of WHIP and WHEP (OPERATIONS.md "WHIP and WHEP", RFC 9725) against a real
 * node: status codes, headers, refusals that leave no room state, hostile bodies, and the room
 * side (a WHIP publisher is a member, a WHEP viewer is not). Media over these sessions is the
 * browser e2e's job (node/e2e/whip.test.mjs).
 */
class WhipWhepHttpTest {
    private static final String SECRET = "whip-test-secret-0123456789abcdef";
    private static RelaycastNode dev;
    private static RelaycastNode secured;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        dev = TestNodes.start();
        secured = TestNodes.start(Map.of("RELAYCAST_JWT_SECRET", SECRET));
    }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.stop(dev);
        TestNodes.stop(secured);
    }

    /** A real Chromium offer (sendrecv audio and video), as a WHIP client would send it. */
    static String sendOffer() throws Exception {
        return TestVectors.text("sdp/chrome-120-offer-audio-video.sdp");
    }

    /** The same offer turned receive-only, as a WHEP player sends it. */
    static String recvOffer() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : sendOffer().split("\r\n")) {
            if (line.startsWith("a=ssrc") || line.startsWith("a=msid:")) {
                continue;
            }
            out.append(line.equals("a=sendrecv") ? "a=recvonly" : line).append("\r\n");
        }
        return out.toString();
    }

    static HttpResponse<String> send(RelaycastNode node, String method, String path, String contentType, String body,
                                     String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(RelaycastNode node, String path, String sdp, String... headers) throws Exception {
        return send(node, "POST", path, "application/sdp", sdp, headers);
    }

    static String rooms(RelaycastNode node) throws Exception {
        return send(node, "GET", "/api/rooms", null, null).body();
    }

    static void assertOneLineError(HttpResponse<String> r, int status, String contains) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.body().contains(contains), r.body());
        assertEquals(1, r.body().strip().lines().count(), "one-line reason: " + r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    }

    @Test
    void whipPublisherIsAMemberUntilDeleted() throws Exception {
        try (WsTestClient member = WsTestClient.connect(dev.httpPort())) {
            member.send(new ClientMessage.Join("whip-room", "watcher", null));
            member.next(ServerMessage.Welcome.class);

            HttpResponse<String> created = post(dev, "/whip/whip-room", sendOffer());
            assertEquals(201, created.statusCode(), created.body());
            assertEquals("application/sdp", created.headers().firstValue("content-type").orElseThrow());
            String location = created.headers().firstValue("location").orElseThrow();
            assertTrue(location.matches("/whip/whip-room/[0-9a-f]{16}"), location);
            String peerId = location.substring(location.lastIndexOf('/') + 1);
            String etag = created.headers().firstValue("etag").orElseThrow();
            assertTrue(etag.matches("\"[0-9a-f]{16}\""), etag);
            String answer = created.body();
            assertTrue(answer.contains("a=ice-lite") && answer.contains("a=setup:passive"), answer);
            assertTrue(answer.contains("a=recvonly"), "the node receives what WHIP sends: " + answer);
            assertFalse(answer.contains("a=sendonly"), "a WHIP publisher is sent nothing: " + answer);

            ServerMessage.PeerJoined joined = member.next(ServerMessage.PeerJoined.class);
            assertEquals(peerId, joined.peer().peerId());
            assertEquals("whip", joined.peer().name());
            assertTrue(rooms(dev).contains(peerId));

            // Trickle (RFC 8840 fragment), with and without the ETag.
            String frag = "a=ice-ufrag:nWnq\r\na=ice-pwd:DTdCVj00s9nGkNgWra0P30A2\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"
                    + "a=mid:0\r\na=candidate:1 1 udp 2122260223 10.77.0.1 50000 typ host\r\na=end-of-candidates\r\n";
            String sdpfrag = "application/trickle-ice-sdpfrag";
            assertEquals(204, send(dev, "PATCH", location, sdpfrag, frag, "If-Match", etag).statusCode());
            assertEquals(204, send(dev, "PATCH", location, sdpfrag, frag).statusCode());
            assertOneLineError(send(dev, "PATCH", location, sdpfrag, frag, "If-Match", "\"stale\""), 412, "If-Match");
            assertOneLineError(send(dev, "PATCH", location, sdpfrag, frag.replace("nWnq", "zzzz"), "If-Match", etag),
                    422, "ICE restart");
            assertOneLineError(send(dev, "PATCH", location, sdpfrag, frag, "If-Match", "*"), 422, "ICE restart");
            assertOneLineError(send(dev, "PATCH", location, sdpfrag, "a=candidate:garbage\r\n"), 400, "trickle");
            assertOneLineError(send(dev, "PATCH", location, "application/sdp", frag), 415, "trickle-ice-sdpfrag");
            assertOneLineError(send(dev, "PATCH", location, sdpfrag, "a=candidate:1 1 udp 1 1.2.3.4 5 typ host\r\n"
                    .repeat(300)), 400, "lines");

            assertEquals(200, send(dev, "DELETE", location, null, null).statusCode());
            assertEquals(peerId, member.next(ServerMessage.PeerLeft.class).peerId());
            assertFalse(rooms(dev).contains(peerId));
            assertOneLineError(send(dev, "DELETE", location, null, null), 404, "no such");
            assertOneLineError(send(dev, "PATCH", location, sdpfrag, frag), 404, "no such");
        }
    }

    @Test
    void whepViewerPlaysAMembersTracksWithoutJoining() throws Exception {
        try (WsTestClient member = WsTestClient.connect(dev.httpPort())) {
            member.send(new ClientMessage.Join("whep-room", "watcher", null));
            member.next(ServerMessage.Welcome.class);
            HttpResponse<String> whip = post(dev, "/whip/whep-room", sendOffer());
            assertEquals(201, whip.statusCode(), whip.body());
            String whipLocation = whip.headers().firstValue("location").orElseThrow();
            String publisher = whipLocation.substring(whipLocation.lastIndexOf('/') + 1);
            member.next(ServerMessage.PeerJoined.class);

            assertOneLineError(post(dev, "/whep/no-such-room/" + publisher, recvOffer()), 404, "no member");
            assertOneLineError(post(dev, "/whep/whep-room/0123456789abcdef", recvOffer()), 404, "no member");
            assertFalse(rooms(dev).contains("no-such-room"), "a 404 leaves no room state");
            assertOneLineError(post(dev, "/whep/whep-room/" + publisher, sendOffer().replace("a=sendrecv", "a=sendonly")),
                    400, "receives");

            HttpResponse<String> viewer = post(dev, "/whep/whep-room/" + publisher, recvOffer());
            assertEquals(201, viewer.statusCode(), viewer.body());
            String location = viewer.headers().firstValue("location").orElseThrow();
            assertTrue(location.matches("/whep/whep-room/" + publisher + "/[0-9a-f]{16}"), location);
            assertNotNull(viewer.headers().firstValue("etag").orElse(null));
            String answer = viewer.body();
            // Both of the publisher's tracks are in the answer, on the viewer's own m-lines.
            assertEquals(2, answer.split("a=sendonly", -1).length - 1, answer);
            assertTrue(answer.contains("a=msid:" + publisher + " "), answer);
            assertTrue(answer.contains("a=mid:0") && answer.contains("a=mid:1"), answer);
            assertTrue(answer.contains("a=ssrc:"), answer);
            assertFalse(rooms(dev).contains(location.substring(location.lastIndexOf('/') + 1)), "a viewer is no member");

            assertEquals(200, send(dev, "DELETE", location, null, null).statusCode());
            member.expectSilence(300); // no peerJoined or peerLeft for a viewer
            assertEquals(200, send(dev, "DELETE", whipLocation, null, null).statusCode());
            assertEquals(publisher, member.next(ServerMessage.PeerLeft.class).peerId());
        }
    }

    @Test
    void badPostsGetClearErrorsAndLeaveNoRoomState() throws Exception {
        assertOneLineError(send(dev, "POST", "/whip/bad-1", null, sendOffer()), 415, "application/sdp");
        assertOneLineError(send(dev, "POST", "/whip/bad-1", "text/plain", sendOffer()), 415, "application/sdp");
        assertOneLineError(post(dev, "/whip/bad-1", ""), 400, "bad SDP offer");
        assertOneLineError(post(dev, "/whip/bad-1", "this is not sdp\r\nX-Injected: yes\r\n"), 400, "bad SDP offer");
        assertOneLineError(post(dev, "/whip/bad-1", "v=0\r\n\u0000\u00ff\u00fe garbage"), 400, "bad SDP offer");
        assertOneLineError(post(dev, "/whip/bad-1", recvOffer()), 400, "sends");
        assertOneLineError(post(dev, "/whip/bad-1", sendOffer().replaceAll("a=fingerprint:[^\r]*\r\n", "")), 400,
                "bad SDP offer");
        assertOneLineError(post(dev, "/whip/bad-1", sendOffer().replaceAll("opus/48000/2", "speex/16000")
                .replaceAll("VP8/90000", "XYZ/90000").replaceAll("H264/90000", "XYZ/90000")
                .replaceAll("VP9/90000", "XYZ/90000").replaceAll("AV1/90000", "XYZ/90000")), 400, "codec");
        assertOneLineError(post(dev, "/whip/bad%20room", sendOffer()), 400, "roomId");
        assertOneLineError(post(dev, "/whip/" + "r".repeat(129), sendOffer()), 400, "roomId");
        assertOneLineError(post(dev, "/whip/bad-1", "v=0\r\n" + "a=x\r\n".repeat(20_000)), 413, "larger");
        assertFalse(rooms(dev).contains("bad-1"), rooms(dev));
        assertFalse(rooms(dev).contains("bad room"), rooms(dev));
        assertEquals(0, dev.metrics().peers().get(), "no peer left behind by a refused POST");
        // A resource that never existed, and a method the endpoint does not serve.
        assertOneLineError(send(dev, "DELETE", "/whip/bad-1/0123456789abcdef", null, null), 404, "no such");
        HttpResponse<String> options = send(dev, "OPTIONS", "/whip/bad-1", null, null);
        assertEquals(204, options.statusCode());
        assertEquals("application/sdp", options.headers().firstValue("accept-post").orElseThrow());
        assertEquals("*", options.headers().firstValue("access-control-allow-origin").orElseThrow());
    }

    @Test
    void tokensAreCheckedLikeJoin() throws Exception {
        String room = "secure-room";
        HttpResponse<String> none = post(secured, "/whip/" + room, sendOffer());
        assertOneLineError(none, 401, "token");
        assertEquals("Bearer", none.headers().firstValue("www-authenticate").orElseThrow());
        assertOneLineError(post(secured, "/whip/" + room, sendOffer(), "Authorization", "Bearer not.a.jwt"), 401, "");
        String otherRoom = TestTokens.hs256(SECRET, TestTokens.claims("alice", "elsewhere", 60));
        assertOneLineError(post(secured, "/whip/" + room, sendOffer(), "Authorization", "Bearer " + otherRoom), 401, "");
        String noPublish = TestTokens.hs256(SECRET, TestTokens.claims("alice", room, 60).put("canPublish", false));
        assertOneLineError(post(secured, "/whip/" + room, sendOffer(), "Authorization", "Bearer " + noPublish), 403,
                "canPublish");
        assertFalse(rooms(secured).contains(room), "refused tokens leave no room state");

        String alice = TestTokens.hs256(SECRET, TestTokens.claims("alice", room, 60));
        HttpResponse<String> created = post(secured, "/whip/" + room, sendOffer(), "Authorization", "Bearer " + alice);
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(rooms(secured).contains("\"name\":\"alice\""), "the member is named by the token's sub");
        String location = created.headers().firstValue("location").orElseThrow();
        String publisher = location.substring(location.lastIndexOf('/') + 1);

        String noSubscribe = TestTokens.hs256(SECRET, TestTokens.claims("bob", room, 60).put("canSubscribe", false));
        assertOneLineError(post(secured, "/whep/" + room + "/" + publisher, recvOffer(),
                "Authorization", "Bearer " + noSubscribe), 403, "canSubscribe");
        assertOneLineError(post(secured, "/whep/" + room + "/" + publisher, recvOffer()), 401, "token");

        String bob = TestTokens.hs256(SECRET, TestTokens.claims("bob", room, 60));
        assertOneLineError(send(secured, "DELETE", location, null, null), 401, "token");
        assertOneLineError(send(secured, "DELETE", location, null, null, "Authorization", "Bearer " + bob), 403,
                "another");
        assertEquals(200, send(secured, "DELETE", location, null, null, "Authorization", "Bearer " + alice).statusCode());
    }
}
