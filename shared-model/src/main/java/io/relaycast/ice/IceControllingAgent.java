package io.relaycast.ice;

import io.relaycast.stun.MessageIntegrityKey;
import io.relaycast.stun.StunError;
import io.relaycast.stun.StunMessage;
import io.relaycast.stun.StunMessageWriter;
import io.relaycast.stun.TransactionId;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * The client side of ICE for load-test clients: a minimal full agent in the controlling role
 * with one local candidate (the client's socket) and aggressive nomination.
 *
 * <p>Sans-IO like {@link IceLiteAgent}. Not thread-safe.
 *
 * <ul>
 *   <li>Checks (RFC 8445 §7.2.2): a Binding request per remote candidate with USERNAME
 *       {@code remoteUfrag:localUfrag}, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE,
 *       MESSAGE-INTEGRITY with the remote password and FINGERPRINT. New checks are paced
 *       {@link #TA_NANOS} apart (RFC 8445 §14.2). Each is retransmitted (RFC 8489 §6.2.1) with
 *       an RTO starting at {@link #INITIAL_RTO_NANOS}, doubling up to {@link #MAX_RTO_NANOS},
 *       {@link #MAX_TRANSMISSIONS} sends in all; the check fails one capped RTO after the
 *       last send.</li>
 *   <li>The first authenticated success response from the address the check went to selects
 *       that candidate ({@link IceEvent.Selected}); with USE-CANDIDATE already on the check,
 *       that is the nomination (aggressive nomination). When every candidate has failed:
 *       {@link IceEvent.Failed}.</li>
 *   <li>Consent (RFC 7675 §5.1): after selection, a new Binding request every 4–6 s
 *       (5 s randomised ±20 %), with USE-CANDIDATE like every check; 30 s without an
 *       authenticated success response ends in {@link IceEvent.Dead}.</li>
 *   <li>It answers the peer's own checks (a full agent such as Janus/libnice sends them),
 *       authenticated with the local password, like the lite agent does.</li>
 *   <li>Role conflicts (RFC 8445 §7.3.1.1): this agent cannot act as controlled, so it
 *       answers every request carrying ICE-CONTROLLING with 487 whatever the tie-breakers
 *       (the RFC would have it yield when its tie-breaker is the smaller); a full peer then
 *       switches to controlled (RFC 8445 §7.2.5.1). A 487 to one of its own checks means the
 *       peer still thought it was controlling; the check is restarted as a new transaction, at
 *       most {@link #MAX_ROLE_CONFLICT_RETRIES} times.</li>
 * </ul>
 */
public final class IceControllingAgent implements IceAgent {
    /** RFC 8445 §14.2: pacing between new checks. */
    public static final long TA_NANOS = 50_000_000L;
    public static final long INITIAL_RTO_NANOS = 100_000_000L;
    public static final long MAX_RTO_NANOS = 1_600_000_000L;
    /** RFC 8489 §6.2.1: Rc = 7 transmissions. */
    public static final int MAX_TRANSMISSIONS = 7;
    public static final int MAX_ROLE_CONFLICT_RETRIES = 3;
    /** RFC 7675 §5.1: 5 s between consent checks, randomised between 0.8 and 1.2 times that. */
    public static final long CONSENT_INTERVAL_NANOS = 5_000_000_000L;
    /** RFC 7675 §5.1. */
    public static final long CONSENT_TIMEOUT_NANOS = IceLiteAgent.CONSENT_TIMEOUT_NANOS;
    /** Consent responses are matched against this many recent consent transactions. */
    private static final int CONSENT_TRANSACTIONS_KEPT = 8;
    /**
     * RFC 8445 §7.1.1 / §5.1.2.1: the priority a peer-reflexive candidate learned from this
     * check would get: type preference 110, local preference 65535, component 1.
     */
    static final long PEER_REFLEXIVE_PRIORITY = (110L << 24) + (65535L << 8) + (256 - 1);

    private enum State { NEW, CHECKING, SELECTED, FAILED, DEAD }

    private enum CheckState { WAITING, IN_PROGRESS, SUCCEEDED, FAILED, CANCELLED }

    /** A remote candidate and its one connectivity check. */
    private static final class Candidate {
        final InetSocketAddress address;
        CheckState state = CheckState.WAITING;
        TransactionId transactionId;
        byte[] request;
        int transmissions;
        long rto;
        /** Next (re)send while transmissions remain, then the moment the check fails. */
        long deadline;
        int roleConflicts;

        Candidate(InetSocketAddress address) {
            this.address = address;
        }

        boolean active() {
            return state == CheckState.WAITING || state == CheckState.IN_PROGRESS;
        }
    }

    private final IceRequestResponder responder;
    private final IceCredentials remote;
    private final MessageIntegrityKey remoteKey;
    private final String requestUsername;
    private final long tieBreaker;
    private final Random random;
    private final List<Candidate> candidates = new ArrayList<>();
    private final ArrayDeque<TransactionId> consentTransactions = new ArrayDeque<>();
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<IceEvent> events = new ArrayDeque<>();
    private final long[] counts = new long[IceCheckOutcome.values().length];

    private State state = State.NEW;
    private long lastNow;
    private long nextPacingSlot;
    private InetSocketAddress selected;
    private long nextConsentCheck;
    private long consentDeadline;

    /**
     * @param local  this side's credentials (in the local SDP)
     * @param remote the peer's credentials (from its SDP)
     * @param random source of the 64-bit tie-breaker (RFC 8445 §7.1.3), transaction IDs and
     *               consent jitter; a {@link java.security.SecureRandom} outside tests, since
     *               transaction IDs guard against forged responses (RFC 8489 §5)
     */
    public IceControllingAgent(IceCredentials local, IceCredentials remote, Random random) {
        this.responder = new IceRequestResponder(Objects.requireNonNull(local, "local"));
        this.remote = Objects.requireNonNull(remote, "remote");
        this.random = Objects.requireNonNull(random, "random");
        this.remoteKey = MessageIntegrityKey.shortTerm(remote.pwd());
        // RFC 8445 §7.2.2: the request's USERNAME is "receiver's ufrag:sender's ufrag".
        this.requestUsername = remote.ufrag() + ":" + local.ufrag();
        this.tieBreaker = random.nextLong();
        responder.setRemoteUfrag(remote.ufrag());
    }

    /** The ICE-CONTROLLING tie-breaker this agent sends, an unsigned 64-bit value. */
    public long tieBreaker() {
        return tieBreaker;
    }

    /**
     * Adds a remote candidate address. Before {@link #start} it waits; after, it is checked in
     * the next pacing slot. Ignored once a candidate is selected or the agent has ended, and
     * for duplicates.
     */
    public void addRemoteCandidate(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved candidate address " + address);
        }
        if (state != State.NEW && state != State.CHECKING) {
            return;
        }
        for (Candidate c : candidates) {
            if (c.address.equals(address)) {
                return;
            }
        }
        Candidate c = new Candidate(address);
        if (state == State.CHECKING) {
            c.deadline = nextSlot(lastNow);
        }
        candidates.add(c);
    }

    /** Starts checking the candidates added so far, the first one immediately. */
    public void start(long nowNanos) {
        if (state != State.NEW) {
            return;
        }
        state = State.CHECKING;
        lastNow = nowNanos;
        nextPacingSlot = nowNanos;
        for (Candidate c : candidates) {
            c.deadline = nextSlot(nowNanos);
        }
        handleTimeout(nowNanos);
    }

    private long nextSlot(long nowNanos) {
        long slot = Math.max(nextPacingSlot, nowNanos);
        nextPacingSlot = slot + TA_NANOS;
        return slot;
    }

    /** Handles one parsed STUN message from {@code from}: a response to us, or the peer's check. */
    public IceCheckOutcome handleStun(long nowNanos, InetSocketAddress from, StunMessage message) {
        IceCheckOutcome outcome = process(nowNanos, from, message);
        counts[outcome.ordinal()]++;
        return outcome;
    }

    private IceCheckOutcome process(long nowNanos, InetSocketAddress from, StunMessage message) {
        expireConsent(nowNanos);
        if (state == State.FAILED || state == State.DEAD) {
            return IceCheckOutcome.DROPPED_CLOSED;
        }
        lastNow = nowNanos;
        // RFC 8489 §6.3: a wrong FINGERPRINT is discarded silently.
        if (message.hasFingerprint() && !message.verifyFingerprint()) {
            return IceCheckOutcome.DROPPED_BAD_FINGERPRINT;
        }
        switch (message.stunClass()) {
            case REQUEST:
                return responder.answer(message, from, message.iceControlling().isPresent(), transmits);
            case INDICATION:
                return message.isBindingIndication() ? IceCheckOutcome.KEEPALIVE : IceCheckOutcome.DROPPED_UNEXPECTED;
            default:
                return handleResponse(nowNanos, from, message);
        }
    }

    private IceCheckOutcome handleResponse(long nowNanos, InetSocketAddress from, StunMessage response) {
        if (response.method() != StunMessage.BINDING) {
            return IceCheckOutcome.DROPPED_UNEXPECTED;
        }
        Candidate check = findCheck(response.transactionId());
        boolean consent = check == null && consentTransactions.contains(response.transactionId());
        if (check == null && !consent) {
            return IceCheckOutcome.DROPPED_UNEXPECTED;
        }
        // RFC 8489 §9.1.4 / RFC 8445 §7.2.5: a response is authenticated with the password the
        // request was signed with. Success responses must carry it; error responses may lack
        // it (400/401 cannot be signed), and are then trusted on the transaction ID alone.
        boolean success = response.isBindingSuccess();
        if (success || response.hasMessageIntegrity()) {
            if (!response.verifyMessageIntegrity(remoteKey)) {
                return IceCheckOutcome.DROPPED_BAD_INTEGRITY;
            }
        }
        InetSocketAddress expectedSource = check != null ? check.address : selected;
        if (!from.equals(expectedSource)) {
            // RFC 8445 §7.2.5.2.1: a response from elsewhere means the path is not symmetric.
            if (check != null) {
                fail(check);
            }
            return IceCheckOutcome.DROPPED_NOT_SYMMETRIC;
        }
        if (consent) {
            consentTransactions.remove(response.transactionId());
            if (success) {
                consentDeadline = nowNanos + CONSENT_TIMEOUT_NANOS;
                return IceCheckOutcome.RESPONSE_ACCEPTED;
            }
            return IceCheckOutcome.RESPONSE_ERROR;
        }
        if (success) {
            select(nowNanos, check);
            return IceCheckOutcome.RESPONSE_ACCEPTED;
        }
        if (response.error() != null && response.error().code() == StunError.ROLE_CONFLICT
                && check.roleConflicts < MAX_ROLE_CONFLICT_RETRIES) {
            // RFC 8445 §7.2.5.1: the peer believed it was controlling. It switches when it gets
            // our 487 (see IceRequestResponder); try again with a new transaction.
            check.roleConflicts++;
            newTransaction(check);
            send(nowNanos, check);
        } else {
            // RFC 8445 §7.2.5.2.4: an unrecoverable error response fails the check.
            fail(check);
        }
        return IceCheckOutcome.RESPONSE_ERROR;
    }

    private Candidate findCheck(TransactionId id) {
        if (state != State.CHECKING) {
            return null;
        }
        for (Candidate c : candidates) {
            if (c.state == CheckState.IN_PROGRESS && id.equals(c.transactionId)) {
                return c;
            }
        }
        return null;
    }

    private void select(long nowNanos, Candidate winner) {
        winner.state = CheckState.SUCCEEDED;
        for (Candidate c : candidates) {
            if (c.active()) {
                c.state = CheckState.CANCELLED;
            }
        }
        state = State.SELECTED;
        selected = winner.address;
        // The success response is itself fresh consent (RFC 7675 §5.1).
        consentDeadline = nowNanos + CONSENT_TIMEOUT_NANOS;
        nextConsentCheck = nowNanos + consentInterval();
        events.add(new IceEvent.Selected(winner.address));
    }

    private void fail(Candidate c) {
        c.state = CheckState.FAILED;
        if (state != State.CHECKING) {
            return;
        }
        for (Candidate other : candidates) {
            if (other.state != CheckState.FAILED) {
                return;
            }
        }
        state = State.FAILED;
        events.add(new IceEvent.Failed());
    }

    /** Advances time: sends due checks and retransmissions, fails checks, sends consent checks. */
    public void handleTimeout(long nowNanos) {
        expireConsent(nowNanos);
        lastNow = nowNanos;
        if (state == State.CHECKING) {
            for (Candidate c : candidates) {
                if (state == State.CHECKING && c.active() && nowNanos - c.deadline >= 0) {
                    step(nowNanos, c);
                }
            }
        } else if (state == State.SELECTED && nowNanos - nextConsentCheck >= 0) {
            sendConsentCheck(nowNanos);
        }
    }

    private void step(long nowNanos, Candidate c) {
        if (c.state == CheckState.WAITING) {
            newTransaction(c);
            send(nowNanos, c);
        } else if (c.transmissions < MAX_TRANSMISSIONS) {
            // RFC 8489 §6.2.1: a retransmission repeats the same request, same transaction ID.
            send(nowNanos, c);
        } else {
            // RFC 8445 §7.2.5.2.3: no response after the last retransmission fails the check.
            fail(c);
        }
    }

    private void newTransaction(Candidate c) {
        c.state = CheckState.IN_PROGRESS;
        c.transactionId = TransactionId.random(random);
        c.request = checkRequest(c.transactionId);
        c.transmissions = 0;
        c.rto = INITIAL_RTO_NANOS;
    }

    private void send(long nowNanos, Candidate c) {
        transmits.add(new Transmit(c.address, c.request.clone()));
        c.transmissions++;
        c.deadline = nowNanos + c.rto;
        c.rto = Math.min(c.rto * 2, MAX_RTO_NANOS);
    }

    private byte[] checkRequest(TransactionId id) {
        return StunMessageWriter.bindingRequest(id)
                .username(requestUsername)
                .priority(PEER_REFLEXIVE_PRIORITY)
                .iceControlling(tieBreaker)
                .useCandidate()
                .messageIntegrity(remoteKey)
                .fingerprint()
                .toByteArray();
    }

    private void sendConsentCheck(long nowNanos) {
        // RFC 7675 §5.1: each consent check is a new transaction; rather than retransmitting,
        // the next one follows in about 5 s, and any answer within 30 s keeps consent.
        TransactionId id = TransactionId.random(random);
        if (consentTransactions.size() == CONSENT_TRANSACTIONS_KEPT) {
            consentTransactions.removeFirst();
        }
        consentTransactions.addLast(id);
        // USE-CANDIDATE again, as every check carries it under aggressive nomination: if a NAT
        // rebinds our address, a lite peer follows the nomination to the new one.
        transmits.add(new Transmit(selected, checkRequest(id)));
        nextConsentCheck = nowNanos + consentInterval();
    }

    private long consentInterval() {
        // 0.8 .. 1.2 × 5 s, so that many clients started together do not stay in lockstep.
        return CONSENT_INTERVAL_NANOS * 4 / 5 + (long) (random.nextDouble() * (CONSENT_INTERVAL_NANOS * 2 / 5));
    }

    private void expireConsent(long nowNanos) {
        if (state == State.SELECTED && nowNanos - consentDeadline >= 0) {
            state = State.DEAD;
            selected = null;
            consentTransactions.clear();
            events.add(new IceEvent.Dead());
        }
    }

    /** The earliest moment {@link #handleTimeout} has work, or {@link Long#MAX_VALUE}. */
    public long nextTimeoutNanos() {
        switch (state) {
            case CHECKING: {
                long next = Long.MAX_VALUE;
                for (Candidate c : candidates) {
                    if (c.active() && (next == Long.MAX_VALUE || c.deadline - next < 0)) {
                        next = c.deadline;
                    }
                }
                return next;
            }
            case SELECTED:
                return nextConsentCheck - consentDeadline < 0 ? nextConsentCheck : consentDeadline;
            default:
                return Long.MAX_VALUE;
        }
    }

    public Transmit pollTransmit() {
        return transmits.poll();
    }

    public IceEvent pollEvent() {
        return events.poll();
    }

    /** Whether {@code address} is the selected remote address (and consent holds). */
    public boolean isValidated(InetSocketAddress address) {
        return selected != null && selected.equals(address);
    }

    /** The selected remote address, or null. */
    public InetSocketAddress selectedAddress() {
        return selected;
    }

    public IceCredentials localCredentials() {
        return responder.local();
    }

    public IceCredentials remoteCredentials() {
        return remote;
    }

    /** How many messages ended with {@code outcome}. */
    public long count(IceCheckOutcome outcome) {
        return counts[outcome.ordinal()];
    }
}
