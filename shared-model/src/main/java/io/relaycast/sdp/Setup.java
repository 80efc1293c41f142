package io.relaycast.sdp;

/**
 * The {@code a=setup} role (RFC 4145 §4, used for DTLS by RFC 8842 §5): who opens the
 * connection, which for DTLS-SRTP means who is the DTLS client. {@code active} is the client.
 */
public enum Setup {
    ACTIVE("active"),
    PASSIVE("passive"),
    ACTPASS("actpass"),
    HOLDCONN("holdconn");

    private final String value;

    Setup(String value) {
        this.value = value;
    }

    /** The value as written after {@code a=setup:}. */
    public String value() {
        return value;
    }

    /** Parses the attribute value; anything but the four RFC 4145 roles is rejected. */
    public static Setup parse(String value) throws SdpException {
        for (Setup s : values()) {
            if (s.value.equals(value)) {
                return s;
            }
        }
        throw new SdpException("unknown a=setup value '" + value
                + "' (RFC 4145 §4 allows active, passive, actpass, holdconn)");
    }

    @Override
    public String toString() {
        return value;
    }
}
