package io.relaycast.node;

import io.relaycast.node.auth.AuthGrant;
import io.relaycast.node.auth.JwtKeys;
import io.relaycast.node.auth.TokenVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dev token command: its claims, its arguments, and that the node's verifier accepts what it mints. */
class MintTokenTest {
    private static final long NOW = 1_735_689_600L;

    private static JsonObject payload(String token) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    @Test
    void mintsTheProtocolsClaims() {
        String token = MintToken.mint(List.of("--secret", "s3cret", "--room", "lobby", "--sub", "alice", "--ttl", "90",
                "--no-publish"), null, NOW);
        JsonObject claims = payload(token);
        assertEquals("alice", claims.getString("sub"));
        assertEquals("lobby", claims.getString("room"));
        assertEquals(NOW + 90, claims.getLong("exp"));
        assertEquals(false, claims.getBoolean("canPublish"));
        assertEquals(true, claims.getBoolean("canSubscribe"));
        assertEquals(new JsonObject().put("alg", "HS256").put("typ", "JWT"),
                new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8)));
        assertEquals(NOW + 3600, payload(MintToken.mint(List.of("--room", "*", "--sub", "bob"), "from-env", NOW)).getLong("exp"));
    }

    @Test
    void theNodeAcceptsWhatItMints() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            TokenVerifier verifier = TokenVerifier.create(vertx,
                    JwtKeys.load(Settings.from(Map.of("RELAYCAST_JWT_SECRET", "shared-secret-0123456789abcdef-xyz")::get)));
            String token = MintToken.mint(List.of("--room", "lobby", "--sub", "carol", "--no-subscribe"), "shared-secret-0123456789abcdef-xyz", NOW);
            assertEquals(new AuthGrant("carol", true, false), verifier.verify(token, "lobby", NOW * 1000));
        } finally {
            vertx.close();
        }
    }

    @Test
    void badArgumentsAreRefusedWithAReason() {
        assertMessage("--secret is required", List.of("--room", "r", "--sub", "a"), null);
        assertMessage("--room", List.of("--room", "bad room", "--sub", "a"), "s");
        assertMessage("--room", List.of("--sub", "a"), "s");
        assertMessage("--sub", List.of("--room", "r"), "s");
        assertMessage("--ttl", List.of("--room", "r", "--sub", "a", "--ttl", "soon"), "s");
        assertMessage("--ttl", List.of("--room", "r", "--sub", "a", "--ttl", "0"), "s");
        assertMessage("needs a value", List.of("--room"), "s");
        assertMessage("unknown argument", List.of("--room", "r", "--sub", "a", "--admin"), "s");
    }

    private static void assertMessage(String expected, List<String> args, String envSecret) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MintToken.mint(args, envSecret, NOW));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
