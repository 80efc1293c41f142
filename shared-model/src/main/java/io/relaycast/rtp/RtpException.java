package io.relaycast.rtp;

/**
 * A malformed RTP packet or header-extension value.
 *
 * <p>Thrown for every input the RTP codec rejects. It carries no stack trace: rejected packets
 * come from the network at packet rate, and a stack walk per hostile packet would be a cheap
 * way to burn the forwarding thread's time. The message names the rule that was broken.
 */
public final class RtpException extends Exception {
    private static final long serialVersionUID = 1L;

    public RtpException(String message) {
        super(message, null, false, false);
    }
}
