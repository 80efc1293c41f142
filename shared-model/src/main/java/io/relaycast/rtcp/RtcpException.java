package io.relaycast.rtcp;

/**
 * A received RTCP datagram is malformed: wrong version, length fields that do not tile the
 * buffer, truncated bodies, counts that overrun the packet, or values a standard forbids.
 *
 * <p>Every malformed input ends in this exception; the parser never lets an
 * index, null-pointer or argument exception escape.
 */
public final class RtcpException extends Exception {
    private static final long serialVersionUID = 1L;

    public RtcpException(String message) {
        super(message);
    }
}
