package io.relaycast.stun;

/**
 * A decoded ERROR-CODE attribute (RFC 8489 §14.8): a code from 300 to 699 and a reason phrase.
 */
public record StunError(int code, String reason) {
    /** RFC 8489 §14.8. */
    public static final int TRY_ALTERNATE = 300;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHENTICATED = 401;
    public static final int UNKNOWN_ATTRIBUTE = 420;
    public static final int STALE_NONCE = 438;
    /** RFC 8445 §16.2. */
    public static final int ROLE_CONFLICT = 487;
    public static final int SERVER_ERROR = 500;

    public StunError {
        if (code < 300 || code > 699) {
            throw new IllegalArgumentException("ERROR-CODE out of range: " + code);
        }
        if (reason == null) {
            throw new IllegalArgumentException("reason is null");
        }
    }

    /** The reason phrases RFC 8489 §14.8 and RFC 8445 §16.2 suggest. */
    public static String defaultReason(int code) {
        switch (code) {
            case TRY_ALTERNATE: return "Try Alternate";
            case BAD_REQUEST: return "Bad Request";
            case UNAUTHENTICATED: return "Unauthenticated";
            case UNKNOWN_ATTRIBUTE: return "Unknown Attribute";
            case STALE_NONCE: return "Stale Nonce";
            case ROLE_CONFLICT: return "Role Conflict";
            case SERVER_ERROR: return "Server Error";
            default: return "";
        }
    }
}
