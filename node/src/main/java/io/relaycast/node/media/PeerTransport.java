package io.relaycast.node.media;

import io.relaycast.dtls.DtlsEndpoint;
import io.relaycast.dtls.DtlsEvent;
import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.dtls.DtlsRole;
import io.relaycast.dtls.DtlsSrtpKeys;
import io.relaycast.ice.IceCheckOutcome;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.IceEvent;
import io.relaycast.ice.IceLiteAgent;
import io.relaycast.ice.Transmit;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.srtp.SrtpContext;
import io.relaycast.srtp.SrtpException;
import io.relaycast.stun.StunMessage;

import java.net.InetSocketAddress;
import java.util.logging.Logger;

/**
 * One peer's WebRTC transport on a media worker: ICE-lite, then the DTLS server handshake, then
 * SRTP, all on the single BUNDLE/rtcp-mux 5-tuple ICE selected (RFC 8843, RFC 5761). Lives on the
 * worker's thread; the DTLS engine's pool thread only ever wakes it up.
 */
public final class PeerTransport {
    private static final Logger LOG = Logger.getLogger(PeerTransport.class.getName());

    /** What the transport tells its owner (the peer's room session), on the worker thread. */
    public interface Listener {
        /** DTLS completed; SRTP is ready in both directions. */
        void onTransportConnected(PeerTransport transport);

        /** A decrypted RTP packet; {@code header} views {@code buf} and both are reused after the call. */
        void onRtp(PeerTransport transport, RtpHeader header, long nowNanos);

        /** A decrypted RTCP compound packet in {@code buf[off, off+len)}, reused after the call. */
        void onRtcp(PeerTransport transport, byte[] buf, int off, int len, long nowNanos);

        /** ICE consent expired, DTLS failed or closed: the transport is gone. Called once. */
        void onTransportClosed(PeerTransport transport, String reason);
    }

    private final String peerId;
    private final MediaWorker worker;
    private final IceLiteAgent ice;
    private final DtlsEndpoint dtls;
    private final RtpHeader rtpView = new RtpHeader();
    private Listener listener;
    private SrtpContext inbound;
    private SrtpContext outbound;
    private InetSocketAddress remote;
    private boolean closed;
    private long dtlsStartedNanos;
    private long connectedNanos;

    PeerTransport(String peerId, MediaWorker worker, IceCredentials local, String remoteUfrag, String remotePwd,
                  DtlsFingerprint remoteFingerprint, TransportContext shared, long nowNanos) throws Exception {
        this.peerId = peerId;
        this.worker = worker;
        this.ice = new IceLiteAgent(local, nowNanos);
        this.ice.setRemoteCredentials(remoteUfrag, remotePwd);
        this.dtls = new DtlsEndpoint(DtlsRole.SERVER, shared.certificate(), remoteFingerprint, shared.dtlsPool(),
                () -> worker.execute(this::pumpDtls), shared.random());
        this.dtls.start(nowNanos);
        this.dtlsStartedNanos = nowNanos;
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public String peerId() {
        return peerId;
    }

    public String localUfrag() {
        return ice.localCredentials().ufrag();
    }

    /** The client's ICE ufrag from its offer; a different one in a later offer is an ICE restart. */
    public String remoteUfrag() {
        return ice.remoteCredentials().ufrag();
    }

    public IceCredentials localCredentials() {
        return ice.localCredentials();
    }

    public boolean isConnected() {
        return outbound != null && !closed;
    }

    /** Nanoseconds the DTLS handshake took, or -1 while it has not completed. */
    public long handshakeNanos() {
        return connectedNanos == 0 ? -1 : connectedNanos - dtlsStartedNanos;
    }

    public InetSocketAddress remoteAddress() {
        return remote;
    }

    // ---- inputs, from the worker's demux ----

    void onStun(long nowNanos, InetSocketAddress from, StunMessage message) {
        if (closed) {
            return;
        }
        IceCheckOutcome outcome = ice.handleStun(nowNanos, from, message);
        if (outcome.isDrop() || outcome.name().startsWith("REJECTED")) {
            worker.counters().dropped(MediaCounters.Drop.ICE_REJECTED);
        }
        drainIce();
    }

    void onDtls(long nowNanos, InetSocketAddress from, byte[] data, int len) {
        if (closed || !ice.isValidated(from)) {
            worker.counters().dropped(MediaCounters.Drop.UNVALIDATED_SOURCE);
            return;
        }
        dtls.handleDatagram(nowNanos, data, 0, len);
    }

    void onSrtp(long nowNanos, InetSocketAddress from, byte[] data, int len) {
        if (closed || inbound == null || !ice.isValidated(from)) {
            worker.counters().dropped(MediaCounters.Drop.UNVALIDATED_SOURCE);
            return;
        }
        // RFC 5761 §4: with rtcp-mux, packet types 192-223 are RTCP (what RTP would call PT 64-95).
        int pt = data[1] & 0xff;
        boolean rtcp = pt >= 192 && pt <= 223;
        try {
            if (rtcp) {
                int plain = inbound.unprotectRtcp(data, 0, len);
                listener.onRtcp(this, data, 0, plain, nowNanos);
            } else {
                int plain = inbound.unprotectRtp(data, 0, len);
                rtpView.wrap(data, 0, plain);
                listener.onRtp(this, rtpView, nowNanos);
            }
        } catch (SrtpException e) {
            worker.counters().dropped(MediaCounters.Drop.SRTP_REJECTED);
        } catch (RtpException e) {
            worker.counters().dropped(MediaCounters.Drop.MALFORMED_RTP);
        }
    }

    void onTimer(long nowNanos) {
        if (closed) {
            return;
        }
        if (nowNanos >= ice.nextTimeoutNanos()) {
            ice.handleTimeout(nowNanos);
            drainIce();
        }
        if (!closed && nowNanos >= dtls.nextTimeoutNanos()) {
            dtls.handleTimeout(nowNanos);
        }
    }

    long nextTimeoutNanos() {
        return closed ? Long.MAX_VALUE : Math.min(ice.nextTimeoutNanos(), dtls.nextTimeoutNanos());
    }

    // ---- outputs ----

    /** Protects {@code buf[off, off+len)} in place (it needs room for the tag) and sends it. */
    public void sendRtp(byte[] buf, int off, int len) {
        if (outbound == null || remote == null) {
            return;
        }
        try {
            int protectedLen = outbound.protectRtp(buf, off, len);
            worker.send(remote, buf, off, protectedLen);
        } catch (SrtpException e) {
            worker.counters().dropped(MediaCounters.Drop.SEND_FAILED);
        }
    }

    /** Protects an RTCP compound in place (room for index and tag needed) and sends it. */
    public void sendRtcp(byte[] buf, int off, int len) {
        if (outbound == null || remote == null) {
            return;
        }
        try {
            int protectedLen = outbound.protectRtcp(buf, off, len);
            worker.send(remote, buf, off, protectedLen);
        } catch (SrtpException e) {
            worker.counters().dropped(MediaCounters.Drop.SEND_FAILED);
        }
    }

    /** Tears the transport down without telling the listener (the owner asked for it). */
    public void close() {
        if (!closed) {
            closed = true;
            dtls.close();
            worker.unregister(this);
        }
    }

    // ---- engine plumbing ----

    private void drainIce() {
        for (Transmit t = ice.pollTransmit(); t != null; t = ice.pollTransmit()) {
            worker.send(t.to(), t.data(), 0, t.data().length);
        }
        for (IceEvent e = ice.pollEvent(); e != null; e = ice.pollEvent()) {
            if (e instanceof IceEvent.Selected s) {
                remote = s.address();
                worker.bindAddress(this, null, remote);
                LOG.fine(() -> "peer " + peerId + ": ICE selected " + remote);
            } else if (e instanceof IceEvent.AddressChanged c) {
                worker.bindAddress(this, c.previous(), c.current());
                remote = c.current();
                LOG.info(() -> "peer " + peerId + ": ICE moved from " + c.previous() + " to " + c.current());
            } else if (e instanceof IceEvent.Dead) {
                fail("ICE consent expired (no valid check for 30 s)");
                return;
            } else if (e instanceof IceEvent.Failed) {
                fail("ICE failed");
                return;
            }
        }
    }

    private void pumpDtls() {
        if (closed) {
            return;
        }
        for (byte[] out = dtls.pollTransmit(); out != null; out = dtls.pollTransmit()) {
            if (remote != null) {
                worker.send(remote, out, 0, out.length);
            }
        }
        for (DtlsEvent e = dtls.pollEvent(); e != null; e = dtls.pollEvent()) {
            if (e instanceof DtlsEvent.Connected c) {
                DtlsSrtpKeys keys = c.keys();
                inbound = new SrtpContext(keys.profile(), keys.remoteKey(DtlsRole.SERVER), keys.remoteSalt(DtlsRole.SERVER));
                outbound = new SrtpContext(keys.profile(), keys.localKey(DtlsRole.SERVER), keys.localSalt(DtlsRole.SERVER));
                connectedNanos = worker.nowNanos();
                LOG.info(() -> "peer " + peerId + ": DTLS connected with " + keys.profile() + " in "
                        + (connectedNanos - dtlsStartedNanos) / 1_000_000 + " ms");
                listener.onTransportConnected(this);
            } else if (e instanceof DtlsEvent.Failed f) {
                fail("DTLS failed: " + f.reason());
                return;
            } else if (e instanceof DtlsEvent.Closed) {
                fail("DTLS closed by the peer");
                return;
            }
        }
    }

    private void fail(String reason) {
        if (closed) {
            return;
        }
        LOG.info(() -> "peer " + peerId + ": transport closed: " + reason);
        close();
        listener.onTransportClosed(this, reason);
    }
}
