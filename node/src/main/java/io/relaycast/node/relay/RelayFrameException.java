package io.relaycast.node.relay;

/** A relay frame that does not follow {@link RelayFrame}'s layout; it is dropped and counted. */
public final class RelayFrameException extends Exception {
    public RelayFrameException(String message) {
        super(message);
    }
}
