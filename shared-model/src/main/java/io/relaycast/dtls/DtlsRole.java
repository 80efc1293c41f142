package io.relaycast.dtls;

/**
 * Which end of the DTLS handshake an endpoint plays. In WebRTC the SDP {@code a=setup} attribute
 * decides it (RFC 5763 §5, RFC 8842 §5): the Relaycast node answers {@code a=setup:passive} and is
 * the SERVER; load-test clients are the CLIENT.
 */
public enum DtlsRole {
    /** Sends the ClientHello. */
    CLIENT,
    /** Waits for the ClientHello. */
    SERVER
}
