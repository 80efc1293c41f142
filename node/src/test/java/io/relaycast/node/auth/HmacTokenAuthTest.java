package io.relaycast.node.auth;

import io.relaycast.node.MintToken;
import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;
import io.relaycast.testing.TestVectors;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.relaycast.node.auth.AuthRejection.Reason;
import static io.relaycast.node.auth.TestTokens.claims;
import static io.relaycast.node.auth.TestTokens.hs256;
import static io.relaycast.node.auth.TestTokens.nowSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PROTOCOL.md "Authentication" on a node with an HS256 secret, over real WebSockets. */
class HmacTokenAuthTest {
    private static final String SECRET = "hmac-test-secret-0123456789abcdef";
    private static RelaycastNode node;
    private static KeyPair rsa;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.start(Map.of("RELAYCAST_JWT_SECRET", SECRET, "RELAYCAST_NODE_ID", "auth-node"));
        rsa = TestTokens.rsaKeyPair(2048);
    }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.stop(node);
    }

    private static WsTestClient client() throws Exception {
        return WsTestClient.connect(node.httpPort());
    }

    private static ServerMessage.Welcome join(WsTestClient c, String room, String name, String token) throws Exception {
        c.send(new ClientMessage.Join(room, name, token));
        return c.next(ServerMessage.Welcome.class);
    }

    private static String valid(String sub, String room) {
        return hs256(SECRET, claims(sub, room, 600));
    }

    @Test
    void aValidTokenJoinsAndItsSubjectIsTheName() throws Exception {
        try (WsTestClient a = client(); WsTestClient b = client()) {
            ServerMessage.Welcome wa = join(a, "valid", null, valid("alice", "valid"));
            assertEquals("valid", wa.roomId());
            // join's own name wins over sub.
            ServerMessage.Welcome wb = join(b, "valid", "Bobby", valid("bob", "valid"));
            assertEquals(List.of(new PeerInfo(wa.peerId(), "alice")), wb.peers());
            assertEquals(new PeerInfo(wb.peerId(), "Bobby"), a.next(ServerMessage.PeerJoined.class).peer());
            assertTrue(Refusals.apiRooms(node).contains("\"name\":\"alice\""));
        }
    }

    /** Each refused token, as a function of the room it is presented for. */
    static Stream<Arguments> refusedTokens() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("missing", Reason.MISSING, (Function<String, String>) room -> null));
        cases.add(Arguments.of("not a JWT", Reason.MALFORMED, (Function<String, String>) room -> "not-a-jwt"));
        cases.add(Arguments.of("four parts", Reason.MALFORMED,
                (Function<String, String>) room -> valid("mallory", room) + ".x"));
        cases.add(Arguments.of("payload not JSON", Reason.MALFORMED, (Function<String, String>) room ->
                TestTokens.signingInput(TestTokens.header("HS256"), new JsonObject()).split("\\.")[0] + "."
                        + Base64.getUrlEncoder().withoutPadding().encodeToString("not json".getBytes(StandardCharsets.UTF_8))
                        + ".c2ln"));
        cases.add(Arguments.of("expired 60 s ago", Reason.EXPIRED,
                (Function<String, String>) room -> hs256(SECRET, claims("mallory", room, -60))));
        cases.add(Arguments.of("not valid for 60 s", Reason.NOT_YET_VALID, (Function<String, String>) room ->
                hs256(SECRET, claims("mallory", room, 600).put("nbf", nowSeconds() + 60))));
        cases.add(Arguments.of("wrong room", Reason.ROOM,
                (Function<String, String>) room -> valid("mallory", "some-other-room")));
        cases.add(Arguments.of("wrong secret", Reason.SIGNATURE, (Function<String, String>) room ->
                hs256("another-secret-0123456789abcdef-xyz", claims("mallory", room, 600))));
        cases.add(Arguments.of("payload swapped under a valid signature", Reason.SIGNATURE, (Function<String, String>) room -> {
            String[] genuine = valid("mallory", "some-other-room").split("\\.");
            String forged = TestTokens.signingInput(TestTokens.header("HS256"), claims("mallory", room, 600));
            return forged + "." + genuine[2];
        }));
        cases.add(Arguments.of("alg none", Reason.ALGORITHM, (Function<String, String>) room ->
                TestTokens.unsigned(new JsonObject().put("alg", "none"), claims("mallory", room, 600), new byte[0])));
        cases.add(Arguments.of("alg none with an HMAC signature", Reason.ALGORITHM, (Function<String, String>) room ->
                TestTokens.sign(new JsonObject().put("alg", "none"), claims("mallory", room, 600),
                        SECRET.getBytes(StandardCharsets.UTF_8))));
        cases.add(Arguments.of("RS256 on an HS256 node", Reason.ALGORITHM,
                (Function<String, String>) room -> TestTokens.rs256(rsa.getPrivate(), claims("mallory", room, 600))));
        cases.add(Arguments.of("HS512", Reason.ALGORITHM, (Function<String, String>) room ->
                TestTokens.sign(TestTokens.header("HS512"), claims("mallory", room, 600), SECRET.getBytes(StandardCharsets.UTF_8))));
        cases.add(Arguments.of("no sub", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, new JsonObject().put("room", room).put("exp", nowSeconds() + 600))));
        cases.add(Arguments.of("no room", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, new JsonObject().put("sub", "mallory").put("exp", nowSeconds() + 600))));
        cases.add(Arguments.of("no exp", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, new JsonObject().put("sub", "mallory").put("room", room))));
        cases.add(Arguments.of("exp as a string", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, claims("mallory", room, 0).put("exp", "tomorrow"))));
        cases.add(Arguments.of("exp null", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, claims("mallory", room, 0).putNull("exp"))));
        cases.add(Arguments.of("iat as a string", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, claims("mallory", room, 600).put("iat", "now"))));
        cases.add(Arguments.of("canPublish not a boolean", Reason.CLAIMS, (Function<String, String>) room ->
                hs256(SECRET, claims("mallory", room, 600).put("canPublish", "yes"))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void refusedTokensGetUnauthorized4401AndLeaveNoTrace(String label, Reason reason, Function<String, String> tokenFor)
            throws Exception {
        double unauthorizedBefore = errors("unauthorized");
        try (WsTestClient member = client()) {
            String room = "guarded-" + label.replaceAll("[^A-Za-z0-9]", "-");
            join(member, room, "member", valid("member", room));
            // Into a room with a member: the member hears nothing.
            Refusals.assertRefused(node, room, tokenFor.apply(room), reason);
            member.expectSilence(200);
            assertTrue(Refusals.apiRooms(node).contains("\"roomId\":\"" + room + "\",\"peers\":[{"), "member still listed");
            // Into a room nobody is in: the room is not created.
            Refusals.assertRefused(node, "fresh-" + room, tokenFor.apply("fresh-" + room), reason);
        }
        assertEquals(unauthorizedBefore + 2, errors("unauthorized"));
    }

    private static double errors(String code) {
        var c = node.metrics().registry().find("relaycast_signaling_errors_total").tag("code", code).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void refusalMessagesSayWhy() throws Exception {
        assertTrue(Refusals.assertRefused(node, "why", null, Reason.MISSING).contains("token is required"));
        assertTrue(Refusals.assertRefused(node, "why", hs256(SECRET, claims("m", "why", -60)), Reason.EXPIRED)
                .contains("expired"));
        String wrongRoom = Refusals.assertRefused(node, "why", valid("m", "elsewhere"), Reason.ROOM);
        assertTrue(wrongRoom.contains("'elsewhere'") && wrongRoom.contains("'why'"), wrongRoom);
        String none = Refusals.assertRefused(node, "why",
                TestTokens.unsigned(new JsonObject().put("alg", "none"), claims("m", "why", 60), new byte[0]), Reason.ALGORITHM);
        assertTrue(none.contains("'none'") && none.contains("HS256"), none);
    }

    @Test
    void leewayIsThirtySeconds() throws Exception {
        try (WsTestClient a = client(); WsTestClient b = client()) {
            join(a, "leeway", null, hs256(SECRET, claims("late", "leeway", -10)));
            ServerMessage.Welcome wb = join(b, "leeway", null,
                    hs256(SECRET, claims("early", "leeway", 600).put("nbf", nowSeconds() + 10)));
            assertEquals("early", a.next(ServerMessage.PeerJoined.class).peer().name());
            assertEquals("late", wb.peers().get(0).name());
        }
        Refusals.assertRefused(node, "leeway", hs256(SECRET, claims("late", "leeway", -60)), Reason.EXPIRED);
        Refusals.assertRefused(node, "leeway",
                hs256(SECRET, claims("early", "leeway", 600).put("nbf", nowSeconds() + 60)), Reason.NOT_YET_VALID);
    }

    @Test
    void wildcardRoomAdmitsAnyRoom() throws Exception {
        String any = valid("roamer", "*");
        try (WsTestClient a = client(); WsTestClient b = client()) {
            assertEquals("wild-one", join(a, "wild-one", null, any).roomId());
            assertEquals("wild.two_2", join(b, "wild.two_2", null, any).roomId());
        }
    }

    @Test
    void tokenInTheQueryString() throws Exception {
        String token = URLEncoder.encode(valid("querier", "by-query"), StandardCharsets.UTF_8);
        try (WsTestClient a = WsTestClient.connect(node.httpPort(), "foo=bar&token=" + token)) {
            ServerMessage.Welcome w = join(a, "by-query", null, null);
            assertEquals("by-query", w.roomId());
            assertTrue(Refusals.apiRooms(node).contains("\"name\":\"querier\""));
        }
        String expired = URLEncoder.encode(hs256(SECRET, claims("querier", "by-query", -120)), StandardCharsets.UTF_8);
        try (WsTestClient b = WsTestClient.connect(node.httpPort(), "token=" + expired)) {
            Refusals.assertRefused(node, b, new ClientMessage.Join("by-query-2", null, null), "by-query-2", Reason.EXPIRED);
        }
    }

    @Test
    void joinsTokenWinsOverTheQueryString() throws Exception {
        String good = URLEncoder.encode(valid("q", "both"), StandardCharsets.UTF_8);
        try (WsTestClient a = WsTestClient.connect(node.httpPort(), "token=" + good)) {
            Refusals.assertRefused(node, a, new ClientMessage.Join("both", null, valid("j", "not-both")), "both", Reason.ROOM);
        }
        try (WsTestClient b = WsTestClient.connect(node.httpPort(), "token=garbage")) {
            ServerMessage.Welcome w = join(b, "both", null, valid("from-join", "both"));
            assertEquals("both", w.roomId());
            assertTrue(Refusals.apiRooms(node).contains("\"name\":\"from-join\""));
        }
    }

    @Test
    void aMintedTokenJoins() throws Exception {
        String token = MintToken.mint(List.of("--room", "minted", "--sub", "carol", "--secret", SECRET), null, nowSeconds());
        try (WsTestClient a = client(); WsTestClient b = client()) {
            join(a, "minted", null, token);
            ServerMessage.Welcome wb = join(b, "minted", null, valid("dave", "minted"));
            assertEquals("carol", wb.peers().get(0).name());
        }
    }

    @Test
    void rejectionsAreExportedByReason() throws Exception {
        Refusals.assertRefused(node, "scraped", valid("m", "elsewhere"), Reason.ROOM);
        String metrics = Refusals.get(node, "/metrics");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("relaycast_auth_rejections_total{")
                && l.contains("reason=\"room\"") && !l.endsWith(" 0.0")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("relaycast_signaling_errors_total{")
                && l.contains("code=\"unauthorized\"")), metrics);
    }

    @Test
    void canPublishFalseGetsForbiddenAndNothingIsReceivedFromIt() throws Exception {
        String offer = chromeOffer();
        try (WsTestClient muted = client(); WsTestClient other = client()) {
            join(other, "no-publish", null, valid("other", "no-publish"));
            other.send(new ClientMessage.Offer(offer));
            answerAfterErrors(other, new ArrayList<>());
            join(muted, "no-publish", null, hs256(SECRET, claims("muted", "no-publish", 600).put("canPublish", false)));
            other.next(ServerMessage.PeerJoined.class);
            muted.send(new ClientMessage.Offer(offer));
            List<ServerMessage.Error> errors = new ArrayList<>();
            ServerMessage.Answer answer = answerAfterErrors(muted, errors);
            assertFalse(errors.isEmpty(), "no forbidden error");
            errors.forEach(e -> assertEquals(ErrorCode.FORBIDDEN, e.code(), e.toString()));
            assertFalse(answer.sdp().contains("a=recvonly"), "the node accepted media from a peer that may not publish");
            assertTrue(answer.sdp().contains("a=inactive"), answer.sdp());
            // Nothing was published, so the other member (negotiated, so it would be) is offered no track.
            other.expectSilence(300);
        }
        // Control: the same offer under a token that may publish is accepted without complaint.
        try (WsTestClient speaker = client()) {
            join(speaker, "may-publish", null, valid("speaker", "may-publish"));
            speaker.send(new ClientMessage.Offer(offer));
            List<ServerMessage.Error> errors = new ArrayList<>();
            ServerMessage.Answer answer = answerAfterErrors(speaker, errors);
            assertEquals(List.of(), errors);
            assertTrue(answer.sdp().contains("a=recvonly"), answer.sdp());
        }
    }

    @Test
    void canSubscribeFalseIsOfferedNoRemoteTracks() throws Exception {
        String offer = chromeOffer();
        try (WsTestClient publisher = client(); WsTestClient deaf = client(); WsTestClient listener = client()) {
            ServerMessage.Welcome wp = join(publisher, "no-subscribe", null, valid("pub", "no-subscribe"));
            publisher.send(new ClientMessage.Offer(offer));
            answerAfterErrors(publisher, new ArrayList<>());

            join(deaf, "no-subscribe", null, hs256(SECRET, claims("deaf", "no-subscribe", 600).put("canSubscribe", false)));
            deaf.send(new ClientMessage.Offer(offer));
            answerAfterErrors(deaf, new ArrayList<>());
            deaf.expectSilence(300);

            // Control: a member that may subscribe is offered the publisher's tracks.
            join(listener, "no-subscribe", null, valid("listener", "no-subscribe"));
            listener.send(new ClientMessage.Offer(offer));
            answerAfterErrors(listener, new ArrayList<>());
            ServerMessage.Offer served = listener.next(ServerMessage.Offer.class);
            assertTrue(served.sdp().contains("a=msid:" + wp.peerId() + " "), served.sdp());
        }
    }

    /** Reads up to the answer, collecting the errors sent before it. */
    private static ServerMessage.Answer answerAfterErrors(WsTestClient c, List<ServerMessage.Error> errors) throws Exception {
        while (true) {
            ServerMessage m = c.next();
            if (m instanceof ServerMessage.Answer a) {
                return a;
            }
            if (m instanceof ServerMessage.Error e) {
                errors.add(e);
            } else if (!(m instanceof ServerMessage.PeerJoined)) {
                throw new AssertionError("expected an answer but got " + m);
            }
        }
    }

    /** A real Chrome 120 offer (audio + video, sendrecv) from the test vectors. */
    private static String chromeOffer() {
        return TestVectors.text("sdp/chrome-120-offer-audio-video.sdp");
    }
}
