package io.relaycast.node;

import io.relaycast.node.auth.JwtKeys;
import io.relaycast.node.auth.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OPERATIONS.md: a node refuses to start, with a one-line reason, on a JWT key it cannot use;
 * and the key's type decides the one algorithm it verifies.
 */
class JwtKeySettingsTest {
    private static final String LONG_SECRET = "settings-test-secret-0123456789abcdef";
    @TempDir
    Path dir;

    private static Settings settings(Map<String, String> env) throws SettingsException {
        return Settings.from(env::get);
    }

    /** The reason a node with this key file refuses to start, from RelaycastNode.start itself. */
    private String refusal(Path keyFile) {
        SettingsException e = assertThrows(SettingsException.class,
                () -> TestNodes.start(Map.of("RELAYCAST_JWT_PUBLIC_KEY", keyFile.toString())));
        assertFalse(e.getMessage().contains("\n"), "not one line: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("RELAYCAST_JWT_PUBLIC_KEY: " + keyFile), e.getMessage());
        return e.getMessage();
    }

    @Test
    void aMissingKeyFileIsRefused() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> settings(Map.of("RELAYCAST_JWT_PUBLIC_KEY", dir.resolve("absent.pem").toString())));
        assertTrue(e.getMessage().contains("RELAYCAST_JWT_PUBLIC_KEY") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void anUnparsableKeyFileRefusesToStart() throws Exception {
        assertTrue(refusal(Files.writeString(dir.resolve("junk.pem"), "hello\n")).contains("no PEM"));
        String notBase64 = "-----BEGIN PUBLIC KEY-----\n@@@@\n-----END PUBLIC KEY-----\n";
        refusal(Files.writeString(dir.resolve("b64.pem"), notBase64));
        String notAKey = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(new byte[100])
                + "\n-----END PUBLIC KEY-----\n";
        assertTrue(refusal(Files.writeString(dir.resolve("zeros.pem"), notAKey)).contains("not a valid RSA or EC public key"));
    }

    @Test
    void privateKeysAndCertificatesAreNotPublicKeys() throws Exception {
        var pair = TestTokens.ecKeyPair("secp256r1");
        String privatePem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertTrue(refusal(Files.writeString(dir.resolve("private.pem"), privatePem)).contains("no PEM"));
    }

    @Test
    void unusableKeyTypesAreRefused() throws Exception {
        assertTrue(refusal(TestTokens.writePem(dir, "p384.pem", TestTokens.ecKeyPair("secp384r1").getPublic()))
                .contains("P-256"));
        assertTrue(refusal(TestTokens.writePem(dir, "rsa1024.pem", TestTokens.rsaKeyPair(1024).getPublic()))
                .contains("2048"));
        var g = java.security.KeyPairGenerator.getInstance("Ed25519");
        refusal(TestTokens.writePem(dir, "ed25519.pem", g.generateKeyPair().getPublic()));
    }

    @Test
    void theKeyTypeChoosesTheAlgorithm() throws Exception {
        Path rsa = TestTokens.writePem(dir, "rsa.pem", TestTokens.rsaKeyPair(2048).getPublic());
        Path ec = TestTokens.writePem(dir, "ec.pem", TestTokens.ecKeyPair("secp256r1").getPublic());
        assertEquals(Set.of("RS256"), JwtKeys.load(settings(Map.of("RELAYCAST_JWT_PUBLIC_KEY", rsa.toString()))).algorithms());
        assertEquals(Set.of("ES256"), JwtKeys.load(settings(Map.of("RELAYCAST_JWT_PUBLIC_KEY", ec.toString()))).algorithms());
        assertEquals(Set.of("HS256"), JwtKeys.load(settings(Map.of("RELAYCAST_JWT_SECRET", LONG_SECRET))).algorithms());
        assertEquals(Set.of("HS256", "ES256"), JwtKeys.load(settings(Map.of("RELAYCAST_JWT_SECRET", LONG_SECRET,
                "RELAYCAST_JWT_PUBLIC_KEY", ec.toString()))).algorithms());
        assertFalse(JwtKeys.load(settings(Map.of())).any());
        // Text around the PEM block (as "openssl x509 -pubkey" or a comment leaves) is ignored.
        Path commented = Files.writeString(dir.resolve("commented.pem"), "# issuer key\n" + Files.readString(ec)
                + "trailing words\n", StandardCharsets.US_ASCII);
        assertEquals(Set.of("ES256"), JwtKeys.load(settings(Map.of("RELAYCAST_JWT_PUBLIC_KEY", commented.toString()))).algorithms());
    }

    @Test
    void mainExitsTwoWithAOneLineReason() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a key\n");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName());
        pb.environment().put("RELAYCAST_JWT_PUBLIC_KEY", junk.toString());
        pb.environment().put("RELAYCAST_HTTP_HOST", "127.0.0.1");
        pb.environment().put("RELAYCAST_HTTP_PORT", Integer.toString(TestNodes.freeTcpPort()));
        pb.environment().put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
        pb.environment().put("RELAYCAST_MEDIA_WORKERS", "1");
        pb.environment().put("RELAYCAST_MEDIA_PORT", Integer.toString(TestNodes.freeUdpPortPair()));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the node started instead of refusing");
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(2, p.exitValue(), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith("relaycast: RELAYCAST_JWT_PUBLIC_KEY: " + junk), err);
        } finally {
            p.destroyForcibly();
        }
    }
}
