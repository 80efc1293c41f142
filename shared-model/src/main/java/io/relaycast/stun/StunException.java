package io.relaycast.stun;

/**
 * A datagram that is not a well-formed STUN message (RFC 8489 §5, §14): wrong header bits,
 * bad magic cookie, lengths that do not add up, attributes out of order or with malformed
 * values. The only exception {@link StunMessage#parse} throws for hostile input.
 */
public final class StunException extends Exception {
    private static final long serialVersionUID = 1L;

    public StunException(String message) {
        super(message);
    }
}
