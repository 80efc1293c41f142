package io.relaycast.webrtc;

/**
 * What {@link MediaTransport#handleDatagram} did with one datagram. The caller switches on it;
 * returning a constant allocates nothing. Every outcome is also counted per transport
 * ({@link MediaTransport#count}) so the node can export one counter per drop reason.
 */
public enum DatagramOutcome {
    /** STUN or DTLS, handed to ICE or DTLS; any reply is waiting in {@code pollTransmit()}. */
    CONSUMED(false),
    /** SRTP that authenticated: the RTP packet is now in the buffer, {@link MediaTransport#plaintextLength()} long. */
    RTP(false),
    /** SRTCP that authenticated: the (compound) RTCP packet is now in the buffer, {@link MediaTransport#plaintextLength()} long. */
    RTCP(false),
    /** RFC 7983 §7: the first byte is in none of the STUN, DTLS or RTP/RTCP ranges (or the datagram is empty). */
    DROPPED_UNKNOWN_PROTOCOL(true),
    /** First byte in the STUN range but not a well-formed STUN message. */
    DROPPED_MALFORMED_STUN(true),
    /** Well-formed STUN that the ICE agent rejected or discarded (see its {@code IceCheckOutcome} counters). */
    DROPPED_ICE_REJECTED(true),
    /** DTLS or SRTP/SRTCP from an address ICE has not selected (RFC 8445 §7.3.1.5, RFC 7675 §5.1). */
    DROPPED_UNVALIDATED_SOURCE(true),
    /** SRTP/SRTCP from the selected address before the DTLS handshake produced keys. */
    DROPPED_NOT_CONNECTED(true),
    /** SRTP/SRTCP too short or not version 2 (SrtpException TOO_SHORT, MALFORMED). */
    DROPPED_SRTP_MALFORMED(true),
    /** SRTP/SRTCP whose authentication tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §8). */
    DROPPED_SRTP_AUTH(true),
    /** SRTP/SRTCP already received or behind the replay window (RFC 3711 §3.3.2). */
    DROPPED_SRTP_REPLAY(true),
    /** A new SSRC beyond the context's bound, or an index space used up (SSRC_LIMIT, INDEX_EXHAUSTED). */
    DROPPED_SRTP_LIMIT(true),
    /** The transport has closed (see its {@code Closed} event); everything is ignored. */
    DROPPED_CLOSED(true);

    private final boolean drop;

    DatagramOutcome(boolean drop) {
        this.drop = drop;
    }

    /** True when the datagram was discarded. */
    public boolean isDrop() {
        return drop;
    }
}
