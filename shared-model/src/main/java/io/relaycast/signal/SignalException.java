package io.relaycast.signal;

/** A signaling frame or request that cannot be served, with the protocol error code to reply with. */
public class SignalException extends Exception {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public SignalException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
