package io.relaycast.ice;

import io.relaycast.stun.StunMessage;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The server side of ICE for one peer session: an ICE-lite agent (RFC 8445 §2.5), always in
 * the controlled role, that only answers connectivity checks and never sends its own.
 *
 * <p>Sans-IO: inputs are {@link #handleStun} and {@link #handleTimeout}; outputs are polled
 * with {@link #pollTransmit}, {@link #pollEvent} and {@link #nextTimeoutNanos}. Not
 * thread-safe; it lives on the media thread that owns the peer.
 *
 * <ul>
 *   <li>A Binding request is answered when USERNAME is {@code localUfrag:remoteUfrag} (only
 *       the local part before the remote ufrag is known), MESSAGE-INTEGRITY verifies with
 *       the local password and FINGERPRINT, if present, verifies; see
 *       {@link IceRequestResponder} for the error replies.</li>
 *   <li>A lite agent cannot take the controlling role, so a request carrying ICE-CONTROLLED
 *       always gets 487 (RFC 8445 §7.3.1.1; a full peer facing a lite one must control,
 *       RFC 8445 §6.1.1).</li>
 *   <li>The first valid check with USE-CANDIDATE selects its source address
 *       ({@link IceEvent.Selected}); a later one from another address moves the selection
 *       ({@link IceEvent.AddressChanged}). Only the selected address is validated for media.</li>
 *   <li>Consent (RFC 7675 §5.1): valid checks from the selected address (or, before any
 *       selection, from anywhere) keep the session alive; 30 s without one, counted from
 *       construction before the first check, ends it with {@link IceEvent.Dead}.</li>
 * </ul>
 */
public final class IceLiteAgent implements IceAgent {
    /** RFC 7675 §5.1: consent expires 30 s after the last proof of it. */
    public static final long CONSENT_TIMEOUT_NANOS = 30_000_000_000L;
    /** Addresses remembered as validated; older ones are forgotten first. */
    static final int MAX_VALIDATED = 8;
    private final java.util.ArrayDeque<InetSocketAddress> validated = new java.util.ArrayDeque<>();

    private final IceRequestResponder responder;
    private final ArrayDeque<Transmit> transmits = new ArrayDeque<>();
    private final ArrayDeque<IceEvent> events = new ArrayDeque<>();
    private final long[] counts = new long[IceCheckOutcome.values().length];
    private IceCredentials remote;
    private InetSocketAddress selected;
    private long consentDeadline;
    private boolean dead;

    /**
     * @param local     this side's credentials, as put in the local SDP
     * @param nowNanos  creation time: the peer has 30 s to send a first valid check
     */
    public IceLiteAgent(IceCredentials local, long nowNanos) {
        this.responder = new IceRequestResponder(Objects.requireNonNull(local, "local"));
        this.consentDeadline = nowNanos + CONSENT_TIMEOUT_NANOS;
    }

    /**
     * The local ufrag part of a request's USERNAME ("localUfrag:remoteUfrag"), which tells the
     * node which agent owns the datagram; null when there is no USERNAME or no ':'.
     */
    public static String localUfragOf(StunMessage message) {
        return IceRequestResponder.localPart(message.username());
    }

    /**
     * The peer's credentials from signaling; from now on the remote part of USERNAME must
     * match too.
     *
     * @throws IceException if they break the RFC 8839 §5.4 grammar
     */
    public void setRemoteCredentials(String ufrag, String pwd) throws IceException {
        IceCredentials credentials = IceCredentials.of(ufrag, pwd);
        this.remote = credentials;
        responder.setRemoteUfrag(credentials.ufrag());
    }

    /**
     * Handles one parsed STUN message received from {@code from}. Any replies are queued
     * for {@link #pollTransmit}; selection changes for {@link #pollEvent}.
     *
     * @return what was done with it (also counted, see {@link #count})
     */
    public IceCheckOutcome handleStun(long nowNanos, InetSocketAddress from, StunMessage message) {
        return tally(process(nowNanos, from, message));
    }

    private IceCheckOutcome process(long nowNanos, InetSocketAddress from, StunMessage message) {
        // A check that arrives after the deadline but before the timer fired must not revive consent.
        handleTimeout(nowNanos);
        if (dead) {
            return IceCheckOutcome.DROPPED_CLOSED;
        }
        // RFC 8489 §6.3: a wrong FINGERPRINT means the datagram is not (intact) STUN: discard silently.
        if (message.hasFingerprint() && !message.verifyFingerprint()) {
            return IceCheckOutcome.DROPPED_BAD_FINGERPRINT;
        }
        switch (message.stunClass()) {
            case INDICATION:
                return message.isBindingIndication() ? IceCheckOutcome.KEEPALIVE : IceCheckOutcome.DROPPED_UNEXPECTED;
            case SUCCESS_RESPONSE:
            case ERROR_RESPONSE:
                // A lite agent sends no requests (RFC 8445 §2.5), so no response can be ours.
                return IceCheckOutcome.DROPPED_UNEXPECTED;
            default:
                break;
        }
        IceCheckOutcome outcome = responder.answer(message, from, message.iceControlled().isPresent(), transmits);
        if (outcome == IceCheckOutcome.ANSWERED) {
            onValidCheck(nowNanos, from, message.useCandidate());
        }
        return outcome;
    }

    private void onValidCheck(long nowNanos, InetSocketAddress from, boolean useCandidate) {
        validate(from);
        if (useCandidate) {
            // RFC 8445 §7.3.1.5: USE-CANDIDATE in a check that succeeds nominates its pair.
            if (selected == null) {
                selected = from;
                events.add(new IceEvent.Selected(from));
            } else if (!selected.equals(from)) {
                InetSocketAddress previous = selected;
                selected = from;
                // The peer moved (a NAT rebinding, or a nomination over a provisional pair): the
                // addresses it left are no longer vouched for.
                validated.clear();
                validated.add(from);
                events.add(new IceEvent.AddressChanged(previous, from));
            }
        } else if (selected == null) {
            // Browsers use regular nomination (RFC 8445 §8.1.1) and start DTLS as soon as a check
            // succeeds, before the nominating check. Waiting for USE-CANDIDATE would drop their
            // ClientHello and cost a 1 s DTLS retransmission, so the first valid pair is used
            // until a nomination picks another.
            selected = from;
            events.add(new IceEvent.Selected(from));
        }
        // RFC 7675 §5.1: consent is per pair; checks on other pairs do not vouch for the selected one.
        if (selected == null || selected.equals(from)) {
            consentDeadline = nowNanos + CONSENT_TIMEOUT_NANOS;
        }
    }

    /** Advances time: emits {@link IceEvent.Dead} once consent has expired. */
    public void handleTimeout(long nowNanos) {
        if (!dead && nowNanos - consentDeadline >= 0) {
            dead = true;
            selected = null;
            events.add(new IceEvent.Dead());
        }
    }

    /** The consent deadline, or {@link Long#MAX_VALUE} once dead. */
    public long nextTimeoutNanos() {
        return dead ? Long.MAX_VALUE : consentDeadline;
    }

    /** The next datagram to send, or null. */
    public Transmit pollTransmit() {
        return transmits.poll();
    }

    /** The next event, or null. */
    public IceEvent pollEvent() {
        return events.poll();
    }

    /**
     * Whether datagrams from {@code address} are accepted: it sent a valid check (so the peer
     * proved it knows the password) and the agent is alive. Media is sent to
     * {@link #selectedAddress()} only.
     */
    public boolean isValidated(InetSocketAddress address) {
        if (dead || address == null) {
            return false;
        }
        for (InetSocketAddress a : validated) {
            if (a.equals(address)) {
                return true;
            }
        }
        return false;
    }

    /** Remembers a checked address; a few are enough (one per local candidate of the peer). */
    private void validate(InetSocketAddress from) {
        if (!validated.contains(from)) {
            if (validated.size() == MAX_VALIDATED) {
                validated.removeFirst();
            }
            validated.addLast(from);
        }
    }

    /** The selected peer address, or null before nomination and after death. */
    public InetSocketAddress selectedAddress() {
        return selected;
    }

    public boolean isDead() {
        return dead;
    }

    public IceCredentials localCredentials() {
        return responder.local();
    }

    /** The peer's credentials, or null before {@link #setRemoteCredentials}. */
    public IceCredentials remoteCredentials() {
        return remote;
    }

    /** How many messages ended with {@code outcome}. */
    public long count(IceCheckOutcome outcome) {
        return counts[outcome.ordinal()];
    }

    private IceCheckOutcome tally(IceCheckOutcome outcome) {
        counts[outcome.ordinal()]++;
        return outcome;
    }
}
