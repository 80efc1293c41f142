package io.relaycast.node;

/** A configuration the node refuses to start with; the message is the one-line reason printed on exit. */
public final class SettingsException extends Exception {
    private static final long serialVersionUID = 1L;

    public SettingsException(String message) {
        super(message);
    }
}
