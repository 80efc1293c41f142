package io.relaycast.node;

import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Mints an HS256 join token for development and tests (README.md "Authentication"):
 *
 * <pre>
 * java -cp node/target/relaycast-node.jar io.relaycast.node.MintToken --secret S --room R --sub alice \
 *     [--ttl 3600] [--no-publish] [--no-subscribe]
 * </pre>
 *
 * <p>Prints the token on standard output. Without {@code --secret} it uses
 * {@code RELAYCAST_JWT_SECRET} from the environment, which keeps the secret off the command line.
 * Bad arguments exit 2 with a one-line reason and the usage.
 */
public final class MintToken {
    static final String USAGE = "usage: MintToken [--secret S] --room R|'*' --sub NAME [--ttl SECONDS]"
            + " [--no-publish] [--no-subscribe]";
    private static final String ROOM_ID = "[A-Za-z0-9_.-]{1,128}";
    private static final long MAX_TTL_SECONDS = 366L * 24 * 3600;

    private MintToken() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(mint(List.of(args), System.getenv("RELAYCAST_JWT_SECRET"), Instant.now().getEpochSecond()));
        } catch (IllegalArgumentException e) {
            System.err.println("MintToken: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    /** The token the command line asks for, issued at {@code nowSeconds}; bad arguments throw with the reason. */
    public static String mint(List<String> args, String envSecret, long nowSeconds) {
        String secret = envSecret;
        String room = null;
        String sub = null;
        long ttl = 3600;
        boolean canPublish = true;
        boolean canSubscribe = true;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--secret" -> secret = value(args, ++i, a);
                case "--room" -> room = value(args, ++i, a);
                case "--sub" -> sub = value(args, ++i, a);
                case "--ttl" -> ttl = ttl(value(args, ++i, a));
                case "--no-publish" -> canPublish = false;
                case "--no-subscribe" -> canSubscribe = false;
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("--secret is required (or set RELAYCAST_JWT_SECRET)");
        }
        if (room == null || !(room.equals("*") || room.matches(ROOM_ID))) {
            throw new IllegalArgumentException("--room must be a room id (1-128 characters of [A-Za-z0-9_.-]) or '*'");
        }
        if (sub == null || sub.isBlank() || sub.codePointCount(0, sub.length()) > 64) {
            throw new IllegalArgumentException("--sub must be 1-64 characters");
        }
        JsonObject claims = new JsonObject()
                .put("sub", sub)
                .put("room", room)
                .put("iat", nowSeconds)
                .put("exp", nowSeconds + ttl)
                .put("canPublish", canPublish)
                .put("canSubscribe", canSubscribe);
        return hs256(secret, claims);
    }

    /** An HS256 JWS compact serialization (RFC 7515 §7.1) of {@code claims}. */
    public static String hs256(String secret, JsonObject claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static long ttl(String s) {
        long v;
        try {
            v = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ttl must be a whole number of seconds, got '" + s + "'");
        }
        if (v < 1 || v > MAX_TTL_SECONDS) {
            throw new IllegalArgumentException("--ttl must be from 1 to " + MAX_TTL_SECONDS + " seconds");
        }
        return v;
    }
}
