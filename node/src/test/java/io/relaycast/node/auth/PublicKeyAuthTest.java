package io.relaycast.node.auth;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Map;

import static io.relaycast.node.auth.AuthRejection.Reason;
import static io.relaycast.node.auth.TestTokens.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RS256 and ES256 nodes (RELAYCAST_JWT_PUBLIC_KEY) with key pairs made by the JDK, tokens signed by
 * the JDK or by vertx-auth-jwt, and the algorithm-confusion attacks a public key invites.
 */
class PublicKeyAuthTest {
    @TempDir
    static Path keys;
    private static KeyPair rsa;
    private static KeyPair ec;
    private static Path rsaPem;
    private static Path ecPem;
    private static RelaycastNode rsNode;
    private static RelaycastNode esNode;

    @BeforeAll
    static void start() throws Exception {
        rsa = TestTokens.rsaKeyPair(2048);
        ec = TestTokens.ecKeyPair("secp256r1");
        rsaPem = TestTokens.writePem(keys, "rsa.pem", rsa.getPublic());
        ecPem = TestTokens.writePem(keys, "ec.pem", ec.getPublic());
        rsNode = TestNodes.start(Map.of("RELAYCAST_JWT_PUBLIC_KEY", rsaPem.toString()));
        esNode = TestNodes.start(Map.of("RELAYCAST_JWT_PUBLIC_KEY", ecPem.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.stop(rsNode);
        TestNodes.stop(esNode);
    }

    private static ServerMessage.Welcome join(WsTestClient c, String room, String token) throws Exception {
        c.send(new ClientMessage.Join(room, null, token));
        return c.next(ServerMessage.Welcome.class);
    }

    @Test
    void rs256TokensJoin() throws Exception {
        try (WsTestClient a = WsTestClient.connect(rsNode.httpPort()); WsTestClient b = WsTestClient.connect(rsNode.httpPort())) {
            join(a, "rsa-room", TestTokens.rs256(rsa.getPrivate(), claims("rosa", "rsa-room", 600)));
            ServerMessage.Welcome wb = join(b, "rsa-room", TestTokens.rs256(rsa.getPrivate(), claims("rob", "*", 600)));
            assertEquals("rosa", wb.peers().get(0).name());
            assertEquals("rob", a.next(ServerMessage.PeerJoined.class).peer().name());
        }
    }

    @Test
    void es256TokensJoin() throws Exception {
        try (WsTestClient a = WsTestClient.connect(esNode.httpPort()); WsTestClient b = WsTestClient.connect(esNode.httpPort())) {
            join(a, "ec-room", TestTokens.es256(ec.getPrivate(), claims("eve", "ec-room", 600)));
            // Also a token from vertx-auth-jwt's own signer, as an issuer built on it would make.
            ServerMessage.Welcome wb = join(b, "ec-room", vertxSignedEs256(claims("ed", "ec-room", 600)));
            assertEquals("eve", wb.peers().get(0).name());
        }
    }

    private static String vertxSignedEs256(JsonObject claims) {
        String privatePem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(ec.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
        Vertx vertx = Vertx.vertx();
        try {
            JWTAuth issuer = JWTAuth.create(vertx, new JWTAuthOptions()
                    .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(privatePem)));
            return issuer.generateToken(claims, new JWTOptions().setAlgorithm("ES256"));
        } finally {
            vertx.close();
        }
    }

    @Test
    void hmacKeyedWithThePublicKeyIsRefused() throws Exception {
        // The classic confusion: the attacker knows the public key and uses its PEM as an HS256 secret.
        for (Path pem : new Path[] {rsaPem, ecPem}) {
            RelaycastNode node = pem == rsaPem ? rsNode : esNode;
            byte[] publicPem = Files.readAllBytes(pem);
            String forged = TestTokens.sign(TestTokens.header("HS256"), claims("mallory", "confused", 600), publicPem);
            String message = Refusals.assertRefused(node, "confused", forged, Reason.ALGORITHM);
            assertTrue(message.contains("HS256"), message);
        }
    }

    @Test
    void theOtherPublicKeyAlgorithmIsRefused() throws Exception {
        Refusals.assertRefused(rsNode, "crossed", TestTokens.es256(ec.getPrivate(), claims("m", "crossed", 600)), Reason.ALGORITHM);
        Refusals.assertRefused(esNode, "crossed", TestTokens.rs256(rsa.getPrivate(), claims("m", "crossed", 600)), Reason.ALGORITHM);
        // Same key type, another algorithm of its family: still only the one bound to the key.
        Refusals.assertRefused(rsNode, "crossed", TestTokens.sign(TestTokens.header("RS512"), claims("m", "crossed", 600),
                rsa.getPrivate(), "SHA512withRSA"), Reason.ALGORITHM);
    }

    @Test
    void algNoneIsRefused() throws Exception {
        for (RelaycastNode node : new RelaycastNode[] {rsNode, esNode}) {
            Refusals.assertRefused(node, "unsigned",
                    TestTokens.unsigned(new JsonObject().put("alg", "none"), claims("m", "unsigned", 600), new byte[0]),
                    Reason.ALGORITHM);
        }
    }

    @Test
    void signaturesByAnotherKeyAreRefused() throws Exception {
        KeyPair otherRsa = TestTokens.rsaKeyPair(2048);
        KeyPair otherEc = TestTokens.ecKeyPair("secp256r1");
        Refusals.assertRefused(rsNode, "stranger", TestTokens.rs256(otherRsa.getPrivate(), claims("m", "stranger", 600)),
                Reason.SIGNATURE);
        Refusals.assertRefused(esNode, "stranger", TestTokens.es256(otherEc.getPrivate(), claims("m", "stranger", 600)),
                Reason.SIGNATURE);
    }

    @Test
    void anAllZeroEcdsaSignatureIsRefused() throws Exception {
        // CVE-2022-21449 ("psychic signatures"): r = s = 0 verified anything on some JDK 15-18 builds.
        String zero = TestTokens.unsigned(TestTokens.header("ES256"), claims("m", "psychic", 600), new byte[64]);
        Refusals.assertRefused(esNode, "psychic", zero, Reason.SIGNATURE);
    }

    @Test
    void claimsAreCheckedOnPublicKeyTokensToo() throws Exception {
        Refusals.assertRefused(esNode, "late", TestTokens.es256(ec.getPrivate(), claims("m", "late", -60)), Reason.EXPIRED);
        Refusals.assertRefused(rsNode, "wrong", TestTokens.rs256(rsa.getPrivate(), claims("m", "right", 600)), Reason.ROOM);
        Refusals.assertRefused(rsNode, "nosub", TestTokens.rs256(rsa.getPrivate(),
                new JsonObject().put("room", "nosub").put("exp", TestTokens.nowSeconds() + 600)), Reason.CLAIMS);
    }
}
