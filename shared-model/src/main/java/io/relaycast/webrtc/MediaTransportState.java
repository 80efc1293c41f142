package io.relaycast.webrtc;

/** Life cycle of a {@link MediaTransport}. */
public enum MediaTransportState {
    /** A client not started yet. */
    NEW,
    /** ICE connectivity checks: no address selected yet. */
    CHECKING,
    /** ICE selected an address; the DTLS handshake runs over it. */
    HANDSHAKING,
    /** SRTP keys installed: media flows both ways. */
    CONNECTED,
    /** Terminal; a {@link MediaTransportEvent.Closed} was emitted. */
    CLOSED
}
