package io.relaycast.node.auth;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * JWTs for tests, signed with the JDK's own Mac and Signature so the node's verifier is checked
 * against an independent signer rather than against itself.
 */
public final class TestTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {
    }

    /** Claims the protocol requires: {@code sub}, {@code room}, and {@code exp} a given number of seconds from now. */
    public static JsonObject claims(String sub, String room, long expiresInSeconds) {
        return new JsonObject().put("sub", sub).put("room", room).put("exp", nowSeconds() + expiresInSeconds);
    }

    public static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    public static String hs256(String secret, JsonObject claims) {
        return sign(header("HS256"), claims, secret.getBytes(StandardCharsets.UTF_8));
    }

    public static String rs256(PrivateKey key, JsonObject claims) {
        return sign(header("RS256"), claims, key, "SHA256withRSA");
    }

    /** ES256 signatures are the raw 64-byte r||s (RFC 7518 §3.4), which is the JDK's P1363 format. */
    public static String es256(PrivateKey key, JsonObject claims) {
        return sign(header("ES256"), claims, key, "SHA256withECDSAinP1363Format");
    }

    public static JsonObject header(String alg) {
        return new JsonObject().put("alg", alg).put("typ", "JWT");
    }

    /** An HMAC-SHA256 signature over any header (e.g. one that lies about {@code alg}). */
    public static String sign(JsonObject header, JsonObject claims, byte[] hmacKey) {
        String input = signingInput(header, claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(hmacKey, "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(JsonObject header, JsonObject claims, PrivateKey key, String jcaAlgorithm) {
        String input = signingInput(header, claims);
        try {
            Signature s = Signature.getInstance(jcaAlgorithm);
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** header.payload with an empty or arbitrary signature part. */
    public static String unsigned(JsonObject header, JsonObject claims, byte[] signature) {
        return signingInput(header, claims) + "." + B64.encodeToString(signature);
    }

    public static String signingInput(JsonObject header, JsonObject claims) {
        return B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    }

    public static KeyPair rsaKeyPair(int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(bits);
        return g.generateKeyPair();
    }

    public static KeyPair ecKeyPair(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** The PEM SubjectPublicKeyInfo text {@code openssl pkey -pubout} writes. */
    public static String pem(PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    public static Path writePem(Path dir, String fileName, PublicKey key) throws Exception {
        return Files.writeString(dir.resolve(fileName), pem(key), StandardCharsets.US_ASCII);
    }
}
