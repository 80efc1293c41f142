package io.relaycast.node.auth;

/**
 * What a verified token (or dev mode) lets a client do (PROTOCOL.md "Authentication").
 *
 * @param subject      the token's {@code sub}: the peer's name unless {@code join} gives one; null in dev mode
 * @param canPublish   may publish media; a peer that may not has its send m-lines answered {@code recvonly}
 * @param canSubscribe may receive the others' media
 */
public record AuthGrant(String subject, boolean canPublish, boolean canSubscribe) {
    /** Dev mode: anyone may do anything. */
    public static final AuthGrant DEV_MODE = new AuthGrant(null, true, true);
}
