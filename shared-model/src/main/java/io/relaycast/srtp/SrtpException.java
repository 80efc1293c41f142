package io.relaycast.srtp;

/**
 * An SRTP or SRTCP packet that could not be protected or unprotected.
 *
 * <p>{@link #reason()} tells the caller which drop counter to bump. No stack trace is captured:
 * replays and forgeries arrive at packet rate, and the reason says all a caller needs.
 */
public final class SrtpException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a packet was refused. */
    public enum Reason {
        /** Shorter than header + tag (+ SRTCP index). */
        TOO_SHORT,
        /** Not RTP/RTCP version 2, or the RTP header runs past the packet. */
        MALFORMED,
        /** The authentication tag does not match (forged, corrupted, or wrong keys). */
        AUTH_FAILED,
        /** RFC 3711 §3.3.2: this index was already received (or, when protecting, already used). */
        REPLAYED,
        /** RFC 3711 §3.3.2: the index is behind the 128-packet replay window. */
        TOO_OLD,
        /** A new SSRC would exceed the context's SSRC limit. */
        SSRC_LIMIT,
        /** RFC 3711 §9.2: the 48-bit SRTP or 31-bit SRTCP index space is used up; rekey. */
        INDEX_EXHAUSTED
    }

    private final Reason reason;

    public SrtpException(Reason reason, String message) {
        super(reason + ": " + message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
