package io.relaycast.node.auth;

import java.util.Locale;

/**
 * A token the node refuses. The message is the clear reason sent to the client in
 * {@code error{code:"unauthorized"}}; {@link #reason()} is the metric label.
 */
public final class AuthRejection extends Exception {
    private static final long serialVersionUID = 1L;

    /** The fixed set of rejection reasons, the values of {@code relaycast_auth_rejections_total{reason}}. */
    public enum Reason {
        /** No token in {@code join.token} nor in the WebSocket URL. */
        MISSING,
        /** Not three base64url parts with a JSON object header and payload. */
        MALFORMED,
        /** {@code alg} is {@code none} or an algorithm no configured key is bound to. */
        ALGORITHM,
        /** The signature does not verify with the configured key. */
        SIGNATURE,
        /** {@code exp} is more than the leeway in the past. */
        EXPIRED,
        /** {@code nbf} is more than the leeway in the future. */
        NOT_YET_VALID,
        /** A required claim is missing, or a claim has the wrong type. */
        CLAIMS,
        /** The token admits another room. */
        ROOM;

        /** The metric label, e.g. {@code not_yet_valid}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;

    public AuthRejection(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
