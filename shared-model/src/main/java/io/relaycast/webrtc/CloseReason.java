package io.relaycast.webrtc;

/** Why a {@link MediaTransport} ended; carried by {@link MediaTransportEvent.Closed}. */
public enum CloseReason {
    /** RFC 7675 §5.1: no valid check (server) or check response (client) for 30 s. */
    ICE_CONSENT_EXPIRED,
    /** The client's connectivity checks all failed (RFC 8445 §8.1.2). */
    ICE_FAILED,
    /** The DTLS handshake failed or timed out (wrong fingerprint, fatal alert, 30 s without completion). */
    DTLS_FAILED,
    /** The peer sent a DTLS close_notify (RFC 5246 §7.2.1). */
    DTLS_CLOSED,
    /** {@link MediaTransport#close()} was called. */
    LOCAL_CLOSE
}
