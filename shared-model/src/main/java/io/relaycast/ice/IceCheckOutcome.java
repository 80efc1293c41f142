package io.relaycast.ice;

/**
 * What an agent did with one STUN message, returned by {@code handleStun} and counted per
 * agent, so the node can keep a counter per drop reason.
 */
public enum IceCheckOutcome {
    /** A valid Binding request, answered with a success response. */
    ANSWERED(false),
    /** A success response that matched one of our transactions and authenticated. */
    RESPONSE_ACCEPTED(false),
    /** An error response that matched one of our transactions (487 leads to a retry, others fail the check). */
    RESPONSE_ERROR(false),
    /** A Binding indication, ICE's keepalive (RFC 8445 §11); nothing to do. */
    KEEPALIVE(false),
    /** Missing USERNAME or MESSAGE-INTEGRITY, or not a Binding request: 400 sent (RFC 8489 §9.1.3). */
    REJECTED_BAD_REQUEST(true),
    /** USERNAME not ours or MESSAGE-INTEGRITY wrong: 401 sent (RFC 8489 §9.1.3). */
    REJECTED_UNAUTHENTICATED(true),
    /** Unknown comprehension-required attribute: 420 sent (RFC 8489 §6.3.1.1). */
    REJECTED_UNKNOWN_ATTRIBUTE(true),
    /** Both sides claim the same role: 487 sent (RFC 8445 §7.3.1.1). */
    REJECTED_ROLE_CONFLICT(true),
    /** FINGERPRINT present but wrong: silently discarded (RFC 8489 §6.3). */
    DROPPED_BAD_FINGERPRINT(true),
    /** A response we did not ask for, or a class/method this agent has no use for. */
    DROPPED_UNEXPECTED(true),
    /** A response to our transaction whose MESSAGE-INTEGRITY is missing or wrong (RFC 8489 §9.1.4). */
    DROPPED_BAD_INTEGRITY(true),
    /** A response from another address than the request went to; the check fails (RFC 8445 §7.2.5.2.1). */
    DROPPED_NOT_SYMMETRIC(true),
    /** The agent is dead or failed and ignores everything. */
    DROPPED_CLOSED(true);

    private final boolean drop;

    IceCheckOutcome(boolean drop) {
        this.drop = drop;
    }

    /** True when the message was rejected or discarded rather than used. */
    public boolean isDrop() {
        return drop;
    }
}
