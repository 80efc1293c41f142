package io.relaycast.ice;

/**
 * Malformed ICE input that does not come from a STUN datagram, such as remote credentials
 * from signaling that break the RFC 8839 §5.4 grammar.
 */
public final class IceException extends Exception {
    private static final long serialVersionUID = 1L;

    public IceException(String message) {
        super(message);
    }
}
