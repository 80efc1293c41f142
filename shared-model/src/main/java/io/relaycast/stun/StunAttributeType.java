package io.relaycast.stun;

/**
 * STUN attribute type codes used by Relaycast, from the IANA "STUN Attributes" registry
 * (RFC 8489 §18.3, RFC 8445 §16.1 for the ICE ones).
 *
 * <p>Types 0x0000–0x7FFF are comprehension-required: a server that does not understand one
 * must reject the request with 420 (RFC 8489 §14, §6.3.1). Types 0x8000–0xFFFF are
 * comprehension-optional and may be ignored.
 */
public final class StunAttributeType {
    public static final int MAPPED_ADDRESS = 0x0001;
    public static final int USERNAME = 0x0006;
    public static final int MESSAGE_INTEGRITY = 0x0008;
    public static final int ERROR_CODE = 0x0009;
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    public static final int REALM = 0x0014;
    public static final int NONCE = 0x0015;
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RFC 8445 §16.1. */
    public static final int PRIORITY = 0x0024;
    /** RFC 8445 §16.1. */
    public static final int USE_CANDIDATE = 0x0025;
    public static final int SOFTWARE = 0x8022;
    public static final int FINGERPRINT = 0x8028;
    /** RFC 8445 §16.1. */
    public static final int ICE_CONTROLLED = 0x8029;
    /** RFC 8445 §16.1. */
    public static final int ICE_CONTROLLING = 0x802A;

    private StunAttributeType() {
    }

    /** RFC 8489 §14: the comprehension-required range is 0x0000–0x7FFF. */
    public static boolean isComprehensionRequired(int type) {
        return (type & 0x8000) == 0;
    }

    /**
     * Whether this implementation understands {@code type}. MESSAGE-INTEGRITY-SHA256 is not
     * understood (ICE uses MESSAGE-INTEGRITY, RFC 8445 §7.1.2), so a request relying on it
     * is answered with 420 like any other unknown comprehension-required attribute.
     */
    public static boolean isUnderstood(int type) {
        switch (type) {
            case MAPPED_ADDRESS:
            case USERNAME:
            case MESSAGE_INTEGRITY:
            case ERROR_CODE:
            case UNKNOWN_ATTRIBUTES:
            case REALM:
            case NONCE:
            case XOR_MAPPED_ADDRESS:
            case PRIORITY:
            case USE_CANDIDATE:
            case SOFTWARE:
            case FINGERPRINT:
            case ICE_CONTROLLED:
            case ICE_CONTROLLING:
                return true;
            default:
                return false;
        }
    }

    /** A readable name for logs, or the hex code for types not listed here. */
    public static String name(int type) {
        switch (type) {
            case MAPPED_ADDRESS: return "MAPPED-ADDRESS";
            case USERNAME: return "USERNAME";
            case MESSAGE_INTEGRITY: return "MESSAGE-INTEGRITY";
            case ERROR_CODE: return "ERROR-CODE";
            case UNKNOWN_ATTRIBUTES: return "UNKNOWN-ATTRIBUTES";
            case REALM: return "REALM";
            case NONCE: return "NONCE";
            case MESSAGE_INTEGRITY_SHA256: return "MESSAGE-INTEGRITY-SHA256";
            case XOR_MAPPED_ADDRESS: return "XOR-MAPPED-ADDRESS";
            case PRIORITY: return "PRIORITY";
            case USE_CANDIDATE: return "USE-CANDIDATE";
            case SOFTWARE: return "SOFTWARE";
            case FINGERPRINT: return "FINGERPRINT";
            case ICE_CONTROLLED: return "ICE-CONTROLLED";
            case ICE_CONTROLLING: return "ICE-CONTROLLING";
            default: return String.format("0x%04X", type);
        }
    }
}
