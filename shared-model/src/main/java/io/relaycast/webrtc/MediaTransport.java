package io.relaycast.webrtc;

import io.relaycast.dtls.DtlsEndpoint;
import io.relaycast.dtls.DtlsEvent;
import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.dtls.DtlsRole;
import io.relaycast.dtls.DtlsSrtpKeys;
import io.relaycast.dtls.DtlsStats;
import io.relaycast.ice.IceAgent;
import io.relaycast.ice.IceCheckOutcome;
import io.relaycast.ice.IceControllingAgent;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.IceEvent;
import io.relaycast.ice.IceException;
import io.relaycast.ice.IceLiteAgent;
import io.relaycast.ice.Transmit;
import io.relaycast.srtp.SrtpContext;
import io.relaycast.srtp.SrtpException;
import io.relaycast.srtp.SrtpProfile;
import io.relaycast.stun.StunException;
import io.relaycast.stun.StunMessage;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One WebRTC media transport: ICE, DTLS-SRTP and SRTP composed on a single 5-tuple, as BUNDLE
 * (RFC 8843) and rtcp-mux (RFC 5761) make every WebRTC session use one. The protocol packages do
 * the work; this class only demultiplexes datagrams between them and moves results from one to
 * the next (ICE selection starts DTLS, DTLS keys start SRTP, any terminal event closes the rest).
 *
 * <p>Two roles:
 * <ul>
 *   <li>{@link #server}: what the node runs, an {@link IceLiteAgent} and a DTLS server
 *       ({@code a=setup:passive}).</li>
 *   <li>{@link #client}: what load-test clients run, an {@link IceControllingAgent} and a DTLS
 *       client; add the peer's candidates, then {@link #start}.</li>
 * </ul>
 *
 * <p>Sans-IO. Inputs: {@link #handleDatagram} (every datagram received on the socket from any
 * address the caller routes to this transport), {@link #handleTimeout}, {@link #pump}, {@link #close}.
 * Outputs, polled: {@link #pollTransmit} (STUN and DTLS datagrams, each with its destination),
 * {@link #pollEvent}, {@link #nextTimeoutNanos}. Media goes out through {@link #protectRtp} and
 * {@link #protectRtcp}, in place, and the caller sends the result to {@link #remoteAddress()}.
 *
 * <p>Threads: the transport belongs to one thread (the media thread owning the socket) and is not
 * thread-safe. The only other thread involved is the DTLS handshake pool's, which runs
 * BouncyCastle's blocking handshake inside {@link DtlsEndpoint}; when it has produced output it
 * calls the {@code wakeup} given at creation. The caller then hops to its own thread and calls
 * {@link #pump} (or any other input method, which pumps first) and polls.
 *
 * <p>Nothing here reads a clock, opens a socket or starts a thread: time comes in as
 * {@code nowNanos}, the caller's monotonic clock.
 */
public final class MediaTransport {

    /**
     * The most bytes {@link #protectRtp} or {@link #protectRtcp} append to a packet under any
     * supported profile: SRTCP with AEAD_AES_128_GCM, a 4-byte E flag and index word and a
     * 16-byte tag (RFC 7714 §9.3). Leave this much room after every packet to be protected.
     */
    public static final int MAX_PROTECT_OVERHEAD = 20;

    private static final DatagramOutcome[] OUTCOMES = DatagramOutcome.values();

    private final DtlsRole role;
    private final IceAgent ice;
    private final DtlsEndpoint dtls;
    private final ArrayDeque<MediaTransportEvent> events = new ArrayDeque<>();
    /** DTLS datagrams taken from the endpoint, addressed to the selected peer. */
    private final ArrayDeque<Transmit> dtlsTransmits = new ArrayDeque<>();
    private final long[] counts = new long[OUTCOMES.length];

    /**
     * Set by the DTLS pool thread (through the wrapped wakeup) and by every call into the DTLS
     * endpoint from this thread: the endpoint may have events or datagrams to collect. It keeps
     * the per-packet path from taking the endpoint's lock when nothing happened.
     */
    private volatile boolean dtlsPending;

    private MediaTransportState state;
    /** Creation (server) or start (client): where ICE time is counted from. */
    private long startNanos;
    private long iceNanos;
    private long dtlsStartNanos;
    /** The ICE-selected address while the transport is open; null before selection and once closed. */
    private InetSocketAddress remote;
    /**
     * Where DTLS datagrams go: the selected address, kept after a local close or DTLS failure (so
     * close_notify and alerts still leave) but cleared when ICE consent is lost, since RFC 7675
     * §5.1 then forbids sending anything.
     */
    private InetSocketAddress dtlsDestination;
    private SrtpProfile profile;
    /** Unprotects what the peer sends (its write key); null until connected and once closed. */
    private SrtpContext inbound;
    /** Protects what we send (our write key); null until connected and once closed. */
    private SrtpContext outbound;
    private int plaintextLength;

    private MediaTransport(DtlsRole role, IceAgent ice, DtlsFingerprint remoteFingerprint, DtlsSetup setup,
                           Runnable wakeup, SecureRandom random, MediaTransportState initial, long startNanos) {
        Objects.requireNonNull(wakeup, "wakeup");
        this.role = role;
        this.ice = ice;
        this.dtls = new DtlsEndpoint(role, setup.certificate(), remoteFingerprint, setup.profiles(), setup.pool(),
                () -> {
                    dtlsPending = true;
                    wakeup.run();
                }, random);
        this.state = initial;
        this.startNanos = startNanos;
    }

    /**
     * The node's side: ICE-lite (always controlled) and the DTLS server. ICE consent (RFC 7675
     * §5.1) counts from {@code nowNanos}: the peer has 30 s to send a first valid check.
     *
     * @param local             this side's ICE credentials, as put in the local SDP
     * @param remote            the peer's {@code a=ice-ufrag} / {@code a=ice-pwd}
     * @param remoteFingerprint the peer's {@code a=fingerprint}; a certificate that does not match
     *                          fails the handshake (RFC 8122 §5)
     * @param dtlsSetup         the shared certificate, handshake pool and accepted SRTP profiles
     * @param wakeup            run on a DTLS pool thread when the handshake produced output; the
     *                          caller then calls {@link #pump} on its own thread
     * @param random            for the DTLS handshake (randoms, ECDHE keys)
     */
    public static MediaTransport server(IceCredentials local, IceCredentials remote, DtlsFingerprint remoteFingerprint,
                                        DtlsSetup dtlsSetup, Runnable wakeup, SecureRandom random, long nowNanos) {
        IceLiteAgent agent = new IceLiteAgent(Objects.requireNonNull(local, "local"), nowNanos);
        try {
            agent.setRemoteCredentials(remote.ufrag(), remote.pwd());
        } catch (IceException e) {
            // IceCredentials.of already validated them against the same grammar.
            throw new IllegalStateException("validated ICE credentials rejected", e);
        }
        return new MediaTransport(DtlsRole.SERVER, agent, remoteFingerprint, dtlsSetup, wakeup, random,
                MediaTransportState.CHECKING, nowNanos);
    }

    /**
     * A load-test client's side: a controlling full ICE agent with aggressive nomination and the
     * DTLS client. Add the peer's candidates with {@link #addRemoteCandidate}, then {@link #start}.
     *
     * @param random for ICE (tie-breaker, transaction IDs, consent jitter) and the DTLS handshake
     * @see #server for the other parameters
     */
    public static MediaTransport client(IceCredentials local, IceCredentials remote, DtlsFingerprint remoteFingerprint,
                                        DtlsSetup dtlsSetup, Runnable wakeup, SecureRandom random) {
        IceControllingAgent agent = new IceControllingAgent(local, remote, random);
        return new MediaTransport(DtlsRole.CLIENT, agent, remoteFingerprint, dtlsSetup, wakeup,
                random, MediaTransportState.NEW, 0);
    }

    /**
     * Client only: a remote ICE candidate (host or server-reflexive address of the peer). Before
     * {@link #start} it waits; after, it is checked in the next pacing slot.
     *
     * @throws IllegalStateException on a server transport
     */
    public void addRemoteCandidate(InetSocketAddress address) {
        clientSide().addRemoteCandidate(address);
    }

    /**
     * Client only: starts the connectivity checks at {@code nowNanos}, the first one at once (see
     * {@link #pollTransmit}). DTLS starts when ICE has selected a candidate. A second call does nothing.
     *
     * @throws IllegalStateException on a server transport
     */
    public void start(long nowNanos) {
        IceControllingAgent agent = clientSide();
        if (state != MediaTransportState.NEW) {
            return;
        }
        state = MediaTransportState.CHECKING;
        startNanos = nowNanos;
        agent.start(nowNanos);
        handleIceEvents(nowNanos);
    }

    private IceControllingAgent clientSide() {
        if (ice instanceof IceControllingAgent agent) {
            return agent;
        }
        throw new IllegalStateException("a server transport has no remote candidates and no start(); ICE-lite waits for checks");
    }

    // ------------------------------------------------------------------------------------------
    // Input

    /**
     * Handles one received datagram. RFC 7983 §7 decides by the first byte: 0–3 STUN (to ICE, from
     * any address), 20–63 DTLS (to the DTLS endpoint, only from the ICE-selected address),
     * 128–191 SRTP or SRTCP (only from the selected address), told apart by the second byte as
     * RFC 5761 §4 says: 192–223 is an RTCP packet type. SRTP and SRTCP are unprotected in place:
     * on {@link DatagramOutcome#RTP} or {@link DatagramOutcome#RTCP} the plaintext packet starts at
     * {@code off} and is {@link #plaintextLength()} bytes long; on a drop the buffer is left as it
     * was. STUN parsing and the DTLS endpoint copy what they keep, so the caller owns {@code buf}
     * again when this returns.
     *
     * <p>Allocates nothing for SRTP and SRTCP (beyond what the JCA cipher does, see
     * {@link SrtpContext}); STUN parsing allocates.
     *
     * @return what happened; also counted, see {@link #count}
     */
    public DatagramOutcome handleDatagram(long nowNanos, InetSocketAddress from, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        pump(nowNanos);
        plaintextLength = 0;
        if (state == MediaTransportState.CLOSED) {
            return tally(DatagramOutcome.DROPPED_CLOSED);
        }
        if (len == 0) {
            return tally(DatagramOutcome.DROPPED_UNKNOWN_PROTOCOL);
        }
        int first = buf[off] & 0xff;
        if (first >= 128 && first <= 191) {
            return tally(handleSrtp(from, buf, off, len));
        }
        if (first <= 3) {
            StunMessage message;
            try {
                message = StunMessage.parse(buf, off, len);
            } catch (StunException e) {
                return tally(DatagramOutcome.DROPPED_MALFORMED_STUN);
            }
            return tally(handleParsedStun(nowNanos, from, message));
        }
        if (first >= 20 && first <= 63) {
            return tally(handleDtls(nowNanos, from, buf, off, len));
        }
        // RFC 7983 §7: ZRTP (16–19), TURN channels (64–79) and everything else are not ours.
        return tally(DatagramOutcome.DROPPED_UNKNOWN_PROTOCOL);
    }

    /**
     * An already parsed STUN message, for a node that parsed it to find the transport by the
     * USERNAME's local ufrag ({@link IceLiteAgent#localUfragOf}). Same as {@link #handleDatagram}
     * on its bytes, without parsing twice.
     */
    public DatagramOutcome handleStun(long nowNanos, InetSocketAddress from, StunMessage message) {
        pump(nowNanos);
        plaintextLength = 0;
        if (state == MediaTransportState.CLOSED) {
            return tally(DatagramOutcome.DROPPED_CLOSED);
        }
        return tally(handleParsedStun(nowNanos, from, message));
    }

    private DatagramOutcome handleParsedStun(long nowNanos, InetSocketAddress from, StunMessage message) {
        IceCheckOutcome outcome = ice.handleStun(nowNanos, from, message);
        handleIceEvents(nowNanos);
        return outcome.isDrop() ? DatagramOutcome.DROPPED_ICE_REJECTED : DatagramOutcome.CONSUMED;
    }

    /**
     * Whether datagrams from {@code from} are accepted: the selected address, or another one that
     * passed a valid ICE check. Browsers check every local candidate and may start DTLS on a pair
     * before they nominate it; refusing it until the nomination costs their DTLS backoff (~1 s).
     * Media is still sent only to the selected address.
     */
    public boolean isValidated(InetSocketAddress from) {
        return remote != null && (from.equals(remote) || ice.isValidated(from));
    }

    private DatagramOutcome handleDtls(long nowNanos, InetSocketAddress from, byte[] buf, int off, int len) {
        // RFC 8842 §5 / RFC 8445 §12: DTLS runs only over pairs ICE validated.
        if (!isValidated(from)) {
            return DatagramOutcome.DROPPED_UNVALIDATED_SOURCE;
        }
        dtls.handleDatagram(nowNanos, buf, off, len);
        dtlsPending = true;
        return DatagramOutcome.CONSUMED;
    }

    private DatagramOutcome handleSrtp(InetSocketAddress from, byte[] buf, int off, int len) {
        if (!isValidated(from)) {
            return DatagramOutcome.DROPPED_UNVALIDATED_SOURCE;
        }
        SrtpContext context = inbound;
        if (context == null) {
            return DatagramOutcome.DROPPED_NOT_CONNECTED;
        }
        // RFC 5761 §4: RTCP packet types 192–223 in the second octet; RTP payload types that would
        // collide (64–95 with the marker bit) are not used on a muxed session.
        int second = len > 1 ? buf[off + 1] & 0xff : 0;
        boolean rtcp = second >= 192 && second <= 223;
        try {
            if (rtcp) {
                plaintextLength = context.unprotectRtcp(buf, off, len);
                return DatagramOutcome.RTCP;
            }
            plaintextLength = context.unprotectRtp(buf, off, len);
            return DatagramOutcome.RTP;
        } catch (SrtpException e) {
            return switch (e.reason()) {
                case TOO_SHORT, MALFORMED -> DatagramOutcome.DROPPED_SRTP_MALFORMED;
                case AUTH_FAILED -> DatagramOutcome.DROPPED_SRTP_AUTH;
                case REPLAYED, TOO_OLD -> DatagramOutcome.DROPPED_SRTP_REPLAY;
                case SSRC_LIMIT, INDEX_EXHAUSTED -> DatagramOutcome.DROPPED_SRTP_LIMIT;
            };
        }
    }

    /**
     * The caller's clock reached {@code nowNanos}: ICE retransmissions, consent checks and
     * consent expiry; DTLS retransmissions and the handshake timeout. Harmless to call early.
     */
    public void handleTimeout(long nowNanos) {
        pump(nowNanos);
        if (state == MediaTransportState.CLOSED) {
            return;
        }
        ice.handleTimeout(nowNanos);
        handleIceEvents(nowNanos);
        if (state == MediaTransportState.CLOSED) {
            return;
        }
        dtls.handleTimeout(nowNanos);
        dtlsPending = true;
        pump(nowNanos);
    }

    /**
     * Collects what the DTLS handshake thread produced: datagrams move to {@link #pollTransmit},
     * the outcome is applied (SRTP keys installed and {@link MediaTransportEvent.Connected}, or
     * {@link MediaTransportEvent.Closed}). Call it on the transport's thread after the
     * {@code wakeup}; the other input methods call it first themselves. Cheap when nothing is new.
     */
    public void pump(long nowNanos) {
        if (!dtlsPending) {
            return;
        }
        // Cleared before draining: a wakeup racing with the drain sets it again, so nothing is missed.
        dtlsPending = false;
        for (DtlsEvent event = dtls.pollEvent(); event != null; event = dtls.pollEvent()) {
            if (state == MediaTransportState.CLOSED) {
                continue; // e.g. the endpoint's own Closed after our close(): already reported
            }
            if (event instanceof DtlsEvent.Connected connected) {
                onKeys(nowNanos, connected.keys());
            } else if (event instanceof DtlsEvent.Failed failed) {
                end(CloseReason.DTLS_FAILED, failed.reason(), false);
            } else {
                end(CloseReason.DTLS_CLOSED, "peer sent close_notify", false);
            }
        }
        for (byte[] datagram = dtls.pollTransmit(); datagram != null; datagram = dtls.pollTransmit()) {
            if (dtlsDestination != null) {
                dtlsTransmits.add(new Transmit(dtlsDestination, datagram));
            }
        }
    }

    private void onKeys(long nowNanos, DtlsSrtpKeys keys) {
        // RFC 5764 §4.2: each side protects with its own role's key and salt and unprotects with the other's.
        profile = keys.profile();
        outbound = new SrtpContext(profile, keys.localKey(role), keys.localSalt(role));
        inbound = new SrtpContext(profile, keys.remoteKey(role), keys.remoteSalt(role));
        state = MediaTransportState.CONNECTED;
        events.add(new MediaTransportEvent.Connected(profile, iceNanos, nowNanos - dtlsStartNanos));
    }

    private void handleIceEvents(long nowNanos) {
        for (IceEvent event = ice.pollEvent(); event != null; event = ice.pollEvent()) {
            if (state == MediaTransportState.CLOSED) {
                continue;
            }
            if (event instanceof IceEvent.Selected selected) {
                onSelected(nowNanos, selected.address());
            } else if (event instanceof IceEvent.AddressChanged changed) {
                // The peer re-nominated (RFC 8445 §7.3.1.5), e.g. after a NAT rebinding: media and
                // DTLS follow; the SRTP contexts are per association, not per address, and stay.
                remote = changed.current();
                dtlsDestination = remote;
                events.add(new MediaTransportEvent.RemoteAddressChanged(changed.previous(), changed.current()));
            } else if (event instanceof IceEvent.Dead) {
                // RFC 7675 §5.1: without consent nothing more may be sent, close_notify included.
                dtlsDestination = null;
                end(CloseReason.ICE_CONSENT_EXPIRED, "no ICE consent for 30 s", true);
            } else if (event instanceof IceEvent.Failed) {
                dtlsDestination = null;
                end(CloseReason.ICE_FAILED, "every ICE connectivity check failed", true);
            }
        }
    }

    private void onSelected(long nowNanos, InetSocketAddress address) {
        InetSocketAddress previous = remote;
        remote = address;
        dtlsDestination = address;
        events.add(new MediaTransportEvent.RemoteAddressChanged(previous, address));
        if (state == MediaTransportState.CHECKING) {
            // RFC 8842 §5: the DTLS handshake runs over the selected pair; its timeout counts from here.
            state = MediaTransportState.HANDSHAKING;
            iceNanos = nowNanos - startNanos;
            dtlsStartNanos = nowNanos;
            dtls.start(nowNanos);
            dtlsPending = true;
        }
    }

    /**
     * Ends the transport: {@link MediaTransportEvent.Closed} with {@link CloseReason#LOCAL_CLOSE}
     * (unless it had already ended), SRTP keys dropped, and the DTLS endpoint closed, which sends
     * close_notify (RFC 5246 §7.2.1) from the pool thread and so frees a handshake thread at once.
     * That close_notify arrives with the wakeup like any DTLS output; a caller that drops the
     * transport right away simply does not send it. Idempotent.
     */
    public void close() {
        if (state == MediaTransportState.CLOSED) {
            return;
        }
        end(CloseReason.LOCAL_CLOSE, "close() called", true);
    }

    private void end(CloseReason reason, String detail, boolean closeDtls) {
        state = MediaTransportState.CLOSED;
        remote = null;
        inbound = null;
        outbound = null;
        events.add(new MediaTransportEvent.Closed(reason, detail));
        if (closeDtls) {
            dtls.close();
            dtlsPending = true;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Output

    /**
     * Protects an RTP packet in place for the peer: {@code buf[off, off + len)} becomes SRTP and
     * grows by the profile's tag; the caller must leave {@link #MAX_PROTECT_OVERHEAD} bytes of room
     * after it, then sends the result to {@link #remoteAddress()}. Allocates nothing (beyond the
     * JCA cipher, see {@link SrtpContext}).
     *
     * @return the protected length, or -1 while not {@link #isConnected() connected} (before the
     *         DTLS handshake produced keys, and after close), in which case {@code buf} is untouched
     * @throws SrtpException when the packet is not RTP version 2 or its SSRC and sequence number
     *                       were already used ({@code REPLAYED}/{@code TOO_OLD}: protecting one index
     *                       twice would reuse keystream, RFC 3711 §9.1)
     * @throws IndexOutOfBoundsException when the room after the packet is too small
     */
    public int protectRtp(byte[] buf, int off, int len) throws SrtpException {
        SrtpContext context = outbound;
        return context == null ? -1 : context.protectRtp(buf, off, len);
    }

    /**
     * Protects an RTCP (compound) packet in place with the next SRTCP index of its sender SSRC,
     * encrypted (RFC 3711 §3.4); like {@link #protectRtp}.
     *
     * @return the protected length, or -1 while not connected
     */
    public int protectRtcp(byte[] buf, int off, int len) throws SrtpException {
        SrtpContext context = outbound;
        return context == null ? -1 : context.protectRtcp(buf, off, len);
    }

    /**
     * The next STUN or DTLS datagram to send, with its destination, or null. The array belongs to
     * the caller. Media is not queued here: the caller sends what {@link #protectRtp} produced.
     */
    public Transmit pollTransmit() {
        Transmit stun = ice.pollTransmit();
        return stun != null ? stun : dtlsTransmits.poll();
    }

    /** The next event, or null. {@link MediaTransportEvent.Closed} is always the last. */
    public MediaTransportEvent pollEvent() {
        return events.poll();
    }

    /** The earliest time {@link #handleTimeout} has work, or {@link Long#MAX_VALUE} (always once closed). */
    public long nextTimeoutNanos() {
        if (state == MediaTransportState.CLOSED) {
            return Long.MAX_VALUE;
        }
        long iceNext = ice.nextTimeoutNanos();
        long dtlsNext = dtls.nextTimeoutNanos();
        if (iceNext == Long.MAX_VALUE) {
            return dtlsNext;
        }
        if (dtlsNext == Long.MAX_VALUE) {
            return iceNext;
        }
        return iceNext - dtlsNext < 0 ? iceNext : dtlsNext;
    }

    // ------------------------------------------------------------------------------------------
    // State

    /** Length of the plaintext the last {@link #handleDatagram} left in the buffer on RTP or RTCP; else 0. */
    public int plaintextLength() {
        return plaintextLength;
    }

    /**
     * Where media goes and is accepted from: the ICE-selected address, which follows the peer's
     * re-nominations ({@link MediaTransportEvent.RemoteAddressChanged}); null before selection and
     * once closed.
     */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /** Whether SRTP keys are installed: {@link #protectRtp} works and media is accepted. */
    public boolean isConnected() {
        return state == MediaTransportState.CONNECTED;
    }

    public MediaTransportState state() {
        return state;
    }

    /** SERVER for {@link #server} transports, CLIENT for {@link #client} ones. */
    public DtlsRole role() {
        return role;
    }

    /** The negotiated SRTP profile, or null before {@link MediaTransportEvent.Connected}. */
    public SrtpProfile srtpProfile() {
        return profile;
    }

    /** This side's ICE credentials (for the local SDP). */
    public IceCredentials localCredentials() {
        return ice.localCredentials();
    }

    /** The peer's ICE ufrag. */
    public String remoteUfrag() {
        return ice.remoteCredentials().ufrag();
    }

    /** How many datagrams ended with {@code outcome}. */
    public long count(DatagramOutcome outcome) {
        return counts[outcome.ordinal()];
    }

    /** How many STUN messages the ICE agent handled with {@code outcome} (the detail behind {@link DatagramOutcome#DROPPED_ICE_REJECTED}). */
    public long iceCount(IceCheckOutcome outcome) {
        return ice.count(outcome);
    }

    /** The DTLS endpoint's counters. */
    public DtlsStats dtlsStats() {
        return dtls.stats();
    }

    /**
     * Test support: waits up to {@code timeoutMillis} of real time until the DTLS handshake thread
     * has consumed all input and waits for more (see {@link DtlsEndpoint#awaitIdle}), so that
     * simulations step deterministically.
     */
    public boolean awaitDtlsIdle(long timeoutMillis) throws InterruptedException {
        return dtls.awaitIdle(timeoutMillis);
    }

    @Override
    public String toString() {
        return "MediaTransport[" + role + ", " + state + ", " + ice.localCredentials() + "]";
    }

    private DatagramOutcome tally(DatagramOutcome outcome) {
        counts[outcome.ordinal()]++;
        return outcome;
    }

}
