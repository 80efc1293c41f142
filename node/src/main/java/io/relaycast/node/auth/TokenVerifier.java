package io.relaycast.node.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.time.Instant;
import java.util.Base64;

/**
 * Checks a {@code join}'s token against PROTOCOL.md "Authentication": a JWS signed with the
 * node's key (HS256 secret, or RS256/ES256 public key), with {@code sub}, {@code room} and
 * {@code exp} required, {@code nbf} optional, both times checked with 30 s leeway, and the
 * optional boolean permissions {@code canPublish}/{@code canSubscribe}.
 *
 * <p>The signature is checked by vertx-auth-jwt; this class adds what the protocol needs on top:
 * it refuses any {@code alg} that no configured key is bound to before the library sees the
 * token (so {@code none}, and HS256 on a node with a public key or the other way round, never
 * reach a verifier), requires {@code exp}, and sorts every refusal into one of the fixed
 * {@link AuthRejection.Reason}s.
 *
 * <p>Verification runs inline on the signaling event loop. HS256, RS256 and ES256 verification is
 * pure CPU work with no I/O: tens of microseconds for HMAC and RSA-2048 (public exponent), a few
 * hundred at most for P-256 ECDSA, once per connection since a refused socket is closed. That is
 * shorter than handing the token to a worker thread and back would take, so the event loop is
 * never blocked for long. vertx-auth-jwt 5 completes {@code authenticate} before returning for
 * these algorithms; {@link #verify} insists on it rather than silently going asynchronous.
 */
public final class TokenVerifier {
    /** PROTOCOL.md: {@code exp} and {@code nbf} are checked with 30 s leeway. */
    public static final long LEEWAY_MILLIS = 30_000;
    /** {@code sub} becomes the peer's name, which PROTOCOL.md limits to 64 characters. */
    static final int MAX_SUBJECT_CHARS = 64;
    /** Claim values echoed in an error message are cut to this length. */
    private static final int MAX_ECHO_CHARS = 64;

    private final JwtKeys keys;
    private final JWTAuth jwt;

    private TokenVerifier(JwtKeys keys, JWTAuth jwt) {
        this.keys = keys;
        this.jwt = jwt;
    }

    /** A verifier for the given keys; with no keys it is dev mode and admits everyone. */
    public static TokenVerifier create(Vertx vertx, JwtKeys keys) {
        if (!keys.any()) {
            // Never build a JWTAuth without keys: vertx-auth-jwt then accepts unsigned tokens.
            return new TokenVerifier(keys, null);
        }
        // exp and nbf are checked here, not by the library, so that exp is required and an expired
        // token is told apart from a forged one.
        JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIgnoreExpiration(true));
        for (String alg : keys.algorithms()) {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(alg).setBuffer(keys.material(alg)));
        }
        return new TokenVerifier(keys, JWTAuth.create(vertx, options));
    }

    /** True when a token is required (a key is configured); false in dev mode. */
    public boolean required() {
        return jwt != null;
    }

    /**
     * What {@code token} allows its bearer in room {@code roomId} at {@code nowMillis} (epoch
     * milliseconds). In dev mode every client gets {@link AuthGrant#DEV_MODE}, token or not.
     */
    public AuthGrant verify(String token, String roomId, long nowMillis) throws AuthRejection {
        if (jwt == null) {
            return AuthGrant.DEV_MODE;
        }
        if (token == null || token.isBlank()) {
            throw new AuthRejection(AuthRejection.Reason.MISSING,
                    "a token is required: send it as join.token or as the token query parameter of the WebSocket URL");
        }
        // RFC 7515 §7.1: the compact serialization is header.payload.signature, each base64url.
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new AuthRejection(AuthRejection.Reason.MALFORMED,
                    "the token is not a JWT: expected three base64url parts separated by dots");
        }
        JsonObject header = jsonPart(parts[0], "header");
        JsonObject payload = jsonPart(parts[1], "payload");
        checkAlgorithm(header);
        // vertx-auth-jwt reads these as integers while building its User and throws on anything
        // else, so their type is checked first, even though the signature is not yet checked.
        for (String time : new String[] {"exp", "nbf", "iat"}) {
            if (payload.containsKey(time) && !(payload.getValue(time) instanceof Number)) {
                throw claims(time + " must be a number of seconds since the epoch");
            }
        }
        Future<User> checked;
        try {
            checked = jwt.authenticate(new TokenCredentials(token));
        } catch (RuntimeException e) {
            // A backstop: the library reports bad tokens as failed futures, but a token is client input.
            throw new AuthRejection(AuthRejection.Reason.MALFORMED, "the token could not be processed");
        }
        if (!checked.isComplete()) {
            throw new IllegalStateException("vertx-auth-jwt did not verify the token synchronously");
        }
        if (checked.failed()) {
            throw new AuthRejection(AuthRejection.Reason.SIGNATURE, "the token's signature does not verify");
        }
        // The payload parsed above is the one whose bytes the signature covers.
        return checkClaims(payload, roomId, nowMillis);
    }

    private static JsonObject jsonPart(String part, String what) throws AuthRejection {
        try {
            return new JsonObject(Buffer.buffer(Base64.getUrlDecoder().decode(part)));
        } catch (RuntimeException e) {
            throw new AuthRejection(AuthRejection.Reason.MALFORMED,
                    "the token is not a JWT: its " + what + " is not a base64url JSON object");
        }
    }

    private void checkAlgorithm(JsonObject header) throws AuthRejection {
        Object alg = header.getValue("alg");
        if (!(alg instanceof String name)) {
            throw new AuthRejection(AuthRejection.Reason.MALFORMED, "the token header has no alg");
        }
        if (!keys.algorithms().contains(name)) {
            // RFC 8725 §3.1: accept only the algorithm each key is meant for; "none" is never one.
            throw new AuthRejection(AuthRejection.Reason.ALGORITHM, "token algorithm " + echo(name)
                    + " is not accepted here; this node accepts " + String.join(", ", keys.algorithms()));
        }
        if (header.containsKey("crit")) {
            // RFC 7515 §4.1.11: a token with critical extensions we do not understand must be refused.
            throw new AuthRejection(AuthRejection.Reason.MALFORMED,
                    "the token header lists critical extensions (crit) this node does not understand");
        }
    }

    private static AuthGrant checkClaims(JsonObject claims, String roomId, long nowMillis) throws AuthRejection {
        Object sub = claims.getValue("sub");
        if (!(sub instanceof String subject) || subject.isBlank()
                || subject.codePointCount(0, subject.length()) > MAX_SUBJECT_CHARS) {
            throw claims("sub (the participant's identity) must be a string of 1-" + MAX_SUBJECT_CHARS + " characters");
        }
        Object room = claims.getValue("room");
        if (!(room instanceof String admitted) || admitted.isEmpty()) {
            throw claims("room (the room id the token admits to, or \"*\") is required");
        }
        if (!(claims.getValue("exp") instanceof Number exp)) {
            throw claims("exp (expiry, seconds since the epoch) is required");
        }
        Object nbf = claims.getValue("nbf");
        boolean canPublish = flag(claims, "canPublish");
        boolean canSubscribe = flag(claims, "canSubscribe");

        // RFC 7519 §4.1.4/§4.1.5 with the protocol's leeway for clock skew.
        double expMillis = exp.doubleValue() * 1000.0;
        if (nowMillis >= expMillis + LEEWAY_MILLIS) {
            throw new AuthRejection(AuthRejection.Reason.EXPIRED, "the token expired at " + instant(expMillis)
                    + ", " + Math.round((nowMillis - expMillis) / 1000.0) + " s ago (leeway "
                    + LEEWAY_MILLIS / 1000 + " s)");
        }
        if (nbf instanceof Number n && nowMillis + LEEWAY_MILLIS < n.doubleValue() * 1000.0) {
            double nbfMillis = n.doubleValue() * 1000.0;
            throw new AuthRejection(AuthRejection.Reason.NOT_YET_VALID, "the token is not valid before "
                    + instant(nbfMillis) + ", " + Math.round((nbfMillis - nowMillis) / 1000.0)
                    + " s from now (leeway " + LEEWAY_MILLIS / 1000 + " s)");
        }
        if (!admitted.equals("*") && !admitted.equals(roomId)) {
            throw new AuthRejection(AuthRejection.Reason.ROOM,
                    "the token admits room " + echo(admitted) + ", not " + echo(roomId));
        }
        return new AuthGrant(subject, canPublish, canSubscribe);
    }

    private static boolean flag(JsonObject claims, String name) throws AuthRejection {
        if (!claims.containsKey(name)) {
            return true;
        }
        if (claims.getValue(name) instanceof Boolean b) {
            return b;
        }
        throw claims(name + " must be true or false");
    }

    private static AuthRejection claims(String what) {
        return new AuthRejection(AuthRejection.Reason.CLAIMS, "token claim " + what);
    }

    private static String instant(double epochMillis) {
        return Instant.ofEpochMilli((long) epochMillis).toString();
    }

    /** A client-supplied value quoted for a message, cut short so a huge claim cannot bloat the reply. */
    private static String echo(String value) {
        return "'" + (value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "…" : value) + "'";
    }
}
