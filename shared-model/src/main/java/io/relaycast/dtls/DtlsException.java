package io.relaycast.dtls;

/**
 * A malformed DTLS input: an SDP {@code a=fingerprint} value that does not parse, or a datagram
 * that is not a sequence of well-formed DTLS records (RFC 6347 §4.1).
 */
public class DtlsException extends Exception {
    private static final long serialVersionUID = 1L;

    public DtlsException(String message) {
        super(message);
    }
}
