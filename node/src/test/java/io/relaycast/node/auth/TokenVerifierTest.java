package io.relaycast.node.auth;

import io.relaycast.node.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.relaycast.node.auth.TestTokens.hs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The verifier's exact boundaries, with the clock given explicitly (the node tests use the real one). */
class TokenVerifierTest {
    private static final String SECRET = "unit-test-secret-0123456789abcdef";
    /** 2025-01-01T00:00:00Z, in seconds. */
    private static final long T = 1_735_689_600L;
    private static Vertx vertx;
    private static TokenVerifier verifier;

    @BeforeAll
    static void create() throws Exception {
        vertx = Vertx.vertx();
        verifier = TokenVerifier.create(vertx, JwtKeys.load(Settings.from(Map.of("RELAYCAST_JWT_SECRET", SECRET)::get)));
    }

    @AfterAll
    static void close() {
        vertx.close();
    }

    private static JsonObject claims() {
        return new JsonObject().put("sub", "ann").put("room", "r1").put("exp", T);
    }

    private static AuthRejection.Reason refused(JsonObject claims, long nowMillis) {
        return assertThrows(AuthRejection.class, () -> verifier.verify(hs256(SECRET, claims), "r1", nowMillis)).reason();
    }

    @Test
    void expIsCheckedWithThirtySecondsOfLeeway() throws Exception {
        String token = hs256(SECRET, claims());
        assertEquals("ann", verifier.verify(token, "r1", T * 1000 + 29_999).subject());
        assertEquals(AuthRejection.Reason.EXPIRED, refused(claims(), T * 1000 + 30_000));
        // RFC 7519 §2: NumericDate may be fractional.
        assertEquals("ann", verifier.verify(hs256(SECRET, claims().put("exp", T + 0.5)), "r1", T * 1000 + 30_499).subject());
        assertEquals(AuthRejection.Reason.EXPIRED, refused(claims().put("exp", T + 0.5), T * 1000 + 30_500));
    }

    @Test
    void nbfIsCheckedWithThirtySecondsOfLeeway() throws Exception {
        JsonObject c = claims().put("exp", T + 3600).put("nbf", T);
        assertEquals("ann", verifier.verify(hs256(SECRET, c), "r1", T * 1000 - 30_000).subject());
        assertEquals(AuthRejection.Reason.NOT_YET_VALID, refused(c, T * 1000 - 30_001));
    }

    @Test
    void permissionsDefaultToTrueAndAreCarried() throws Exception {
        AuthGrant all = verifier.verify(hs256(SECRET, claims()), "r1", T * 1000);
        assertEquals(new AuthGrant("ann", true, true), all);
        AuthGrant none = verifier.verify(hs256(SECRET, claims().put("canPublish", false).put("canSubscribe", false)),
                "r1", T * 1000);
        assertEquals(new AuthGrant("ann", false, false), none);
        assertEquals(AuthRejection.Reason.CLAIMS, refused(claims().put("canSubscribe", 0), T * 1000));
    }

    @Test
    void subjectMustFitAName() {
        assertEquals(AuthRejection.Reason.CLAIMS, refused(claims().put("sub", ""), T * 1000));
        assertEquals(AuthRejection.Reason.CLAIMS, refused(claims().put("sub", 42), T * 1000));
        assertEquals(AuthRejection.Reason.CLAIMS, refused(claims().put("sub", "x".repeat(65)), T * 1000));
    }

    @Test
    void theRoomMustMatchExactly() throws Exception {
        assertEquals(AuthRejection.Reason.ROOM, refused(claims().put("room", "R1"), T * 1000));
        assertEquals(AuthRejection.Reason.ROOM, refused(claims().put("room", "r"), T * 1000));
        assertEquals(AuthRejection.Reason.CLAIMS, refused(claims().put("room", ""), T * 1000));
        assertEquals("ann", verifier.verify(hs256(SECRET, claims().put("room", "*")), "anything", T * 1000).subject());
    }

    @Test
    void hostileHeadersAreRefusedBeforeAnyVerification() {
        String payload = TestTokens.signingInput(TestTokens.header("HS256"), claims()).split("\\.")[1];
        java.util.function.Function<String, AuthRejection.Reason> headerReason = json -> assertThrows(AuthRejection.class,
                () -> verifier.verify(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes())
                        + "." + payload + ".c2ln", "r1", T * 1000)).reason();
        assertEquals(AuthRejection.Reason.MALFORMED, headerReason.apply("{}"));
        assertEquals(AuthRejection.Reason.MALFORMED, headerReason.apply("{\"alg\":256}"));
        assertEquals(AuthRejection.Reason.MALFORMED, headerReason.apply("[\"HS256\"]"));
        assertEquals(AuthRejection.Reason.ALGORITHM, headerReason.apply("{\"alg\":\"none\"}"));
        assertEquals(AuthRejection.Reason.ALGORITHM, headerReason.apply("{\"alg\":\"hs256\"}"));
        assertEquals(AuthRejection.Reason.MALFORMED, headerReason.apply("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}"));
        assertEquals(AuthRejection.Reason.MALFORMED, assertThrows(AuthRejection.class,
                () -> verifier.verify("a.b", "r1", T * 1000)).reason());
        assertEquals(AuthRejection.Reason.MALFORMED, assertThrows(AuthRejection.class,
                () -> verifier.verify("!!!.###.$$$", "r1", T * 1000)).reason());
        // header.payload. with no signature at all
        String unsigned = TestTokens.signingInput(TestTokens.header("HS256"), claims()) + ".";
        assertEquals(AuthRejection.Reason.SIGNATURE, assertThrows(AuthRejection.class,
                () -> verifier.verify(unsigned, "r1", T * 1000)).reason());
    }

    @Test
    void devModeAdmitsEveryone() throws Exception {
        TokenVerifier dev = TokenVerifier.create(vertx, JwtKeys.none());
        assertFalse(dev.required());
        assertTrue(verifier.required());
        assertEquals(AuthGrant.DEV_MODE, dev.verify(null, "r1", T * 1000));
        assertEquals(AuthGrant.DEV_MODE, dev.verify("garbage", "r1", T * 1000));
    }
}
