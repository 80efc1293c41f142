package io.relaycast.dtls;

/** Life cycle of a {@link DtlsEndpoint}. */
public enum DtlsState {
    /** Created, {@code start} not called yet. */
    NEW,
    /** Handshake in progress (or, for a server, waiting for the ClientHello). */
    HANDSHAKING,
    /** Handshake complete, SRTP keys exported. */
    CONNECTED,
    /** Closed by either side (close_notify) or by {@code close()}. Terminal. */
    CLOSED,
    /** Handshake or connection failed. Terminal. */
    FAILED
}
