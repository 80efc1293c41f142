package io.relaycast.dtls;

/**
 * The DTLS handshake retransmission timer on the caller's clock (RFC 6347 §4.2.4.1): 1 s initial
 * value, doubled at each expiry, capped at 60 s, back to 1 s when a new flight is sent.
 *
 * <p>Not thread-safe; {@link DtlsEndpoint} guards it with its lock.
 */
final class RetransmitTimer {

    /** RFC 6347 §4.2.4.1: "an initial timer value of 1 second". */
    static final long INITIAL_NANOS = 1_000_000_000L;
    /** RFC 6347 §4.2.4.1: double "up to no less than the RFC 6298 maximum of 60 seconds". */
    static final long MAX_NANOS = 60_000_000_000L;

    private long rtoNanos = INITIAL_NANOS;
    private long deadlineNanos = Long.MAX_VALUE;
    /** A flight was queued for the caller and the timer waits for its next clock reading. */
    private boolean awaitingAnchor;

    /** A datagram of a flight went out at {@code nowNanos}: {@link #flightQueued} and {@link #anchor} at once. */
    void flightSent(long nowNanos, boolean newFlight) {
        flightQueued(newFlight);
        anchor(nowNanos);
    }

    /**
     * A datagram of a flight was queued for the caller, who sends it when it next polls; the
     * handshake thread that queued it has no clock. The timer starts at the caller's next clock
     * reading ({@link #anchor}), so a flight produced late (the handshake thread waited for a
     * core) is not resent as soon as it leaves. A new flight restarts the backoff.
     */
    void flightQueued(boolean newFlight) {
        if (newFlight) {
            rtoNanos = INITIAL_NANOS;
        }
        deadlineNanos = Long.MAX_VALUE;
        awaitingAnchor = true;
    }

    /** The caller's clock read {@code nowNanos}: starts the timer a queued flight waits for. */
    void anchor(long nowNanos) {
        if (awaitingAnchor) {
            awaitingAnchor = false;
            deadlineNanos = saturatedAdd(nowNanos, rtoNanos);
        }
    }

    /** Whether a queued flight waits for the caller's clock to start its timer. */
    boolean awaitingAnchor() {
        return awaitingAnchor;
    }

    /** Whether the deadline has passed at {@code nowNanos}. */
    boolean isDue(long nowNanos) {
        return deadlineNanos != Long.MAX_VALUE && nowNanos >= deadlineNanos;
    }

    /** The deadline passed: disarm until the retransmission is sent, and back off. */
    void expire() {
        deadlineNanos = Long.MAX_VALUE;
        rtoNanos = Math.min(rtoNanos * 2, MAX_NANOS);
    }

    /** No flight awaits an answer any more (handshake over). */
    void stop() {
        deadlineNanos = Long.MAX_VALUE;
        awaitingAnchor = false;
    }

    long deadlineNanos() {
        return deadlineNanos;
    }

    long rtoNanos() {
        return rtoNanos;
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
