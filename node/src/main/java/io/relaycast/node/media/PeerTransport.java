package io.relaycast.node.media;

import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.Transmit;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.srtp.SrtpException;
import io.relaycast.stun.StunMessage;
import io.relaycast.webrtc.CloseReason;
import io.relaycast.webrtc.DatagramOutcome;
import io.relaycast.webrtc.MediaTransport;
import io.relaycast.webrtc.MediaTransportEvent;

import java.net.InetSocketAddress;
import java.util.logging.Logger;

/**
 * The adapter between one peer's sans-IO {@link MediaTransport} (server role: ICE-lite, DTLS
 * server, SRTP on one BUNDLE/rtcp-mux 5-tuple) and its media worker: the worker's socket, clock
 * and thread, the address routing table, and drop counters. The DTLS engine's pool thread only
 * ever wakes it up.
 */
public final class PeerTransport {
    private static final Logger LOG = Logger.getLogger(PeerTransport.class.getName());

    /** What the transport tells its owner (the peer's room session), on the worker thread. */
    public interface Listener {
        /** DTLS completed; SRTP is ready in both directions. */
        void onTransportConnected(PeerTransport transport);

        /** A decrypted RTP packet; {@code header} views the receive buffer and both are reused after the call. */
        void onRtp(PeerTransport transport, RtpHeader header, long nowNanos);

        /** A decrypted RTCP compound packet in {@code buf[off, off+len)}, reused after the call. */
        void onRtcp(PeerTransport transport, byte[] buf, int off, int len, long nowNanos);

        /** ICE consent expired, DTLS failed or closed: the transport is gone. Called once. */
        void onTransportClosed(PeerTransport transport, String reason);
    }

    private final String peerId;
    private final MediaWorker worker;
    private final MediaTransport transport;
    private final RtpHeader rtpView = new RtpHeader();
    private Listener listener;
    private boolean closed;
    private long handshakeNanos = -1;

    PeerTransport(String peerId, MediaWorker worker, IceCredentials local, IceCredentials remote,
                  DtlsFingerprint remoteFingerprint, TransportContext shared, long nowNanos) {
        this.peerId = peerId;
        this.worker = worker;
        this.transport = MediaTransport.server(local, remote, remoteFingerprint, shared.dtlsSetup(),
                () -> worker.execute(this::pump), shared.random(), nowNanos);
    }

    public void setListener(Listener listener) {
        this.listener = listener;
    }

    public String peerId() {
        return peerId;
    }

    public String localUfrag() {
        return transport.localCredentials().ufrag();
    }

    public IceCredentials localCredentials() {
        return transport.localCredentials();
    }

    /** The client's ICE ufrag from its offer; a different one in a later offer is an ICE restart. */
    public String remoteUfrag() {
        return transport.remoteUfrag();
    }

    public boolean isConnected() {
        return transport.isConnected() && !closed;
    }

    /** Nanoseconds from the transport's creation to DTLS completion, or -1 while not connected. */
    public long handshakeNanos() {
        return handshakeNanos;
    }

    public InetSocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    // ---- inputs, from the worker's demux ----

    void onStun(long nowNanos, InetSocketAddress from, StunMessage message) {
        count(transport.handleStun(nowNanos, from, message));
        if (transport.isValidated(from)) {
            // Route this pair's DTLS and SRTP here too, not only the selected pair's.
            worker.bindAddress(this, null, from);
        }
        drain();
    }

    void onDatagram(long nowNanos, InetSocketAddress from, byte[] data, int len) {
        DatagramOutcome outcome = transport.handleDatagram(nowNanos, from, data, 0, len);
        if (outcome == DatagramOutcome.RTP) {
            try {
                rtpView.wrap(data, 0, transport.plaintextLength());
                listener.onRtp(this, rtpView, nowNanos);
            } catch (RtpException e) {
                worker.counters().dropped(MediaCounters.Drop.MALFORMED_RTP);
            }
        } else if (outcome == DatagramOutcome.RTCP) {
            listener.onRtcp(this, data, 0, transport.plaintextLength(), nowNanos);
        } else {
            count(outcome);
            drain();
        }
    }

    void onTimer(long nowNanos) {
        transport.handleTimeout(nowNanos);
        drain();
    }

    long nextTimeoutNanos() {
        return closed ? Long.MAX_VALUE : transport.nextTimeoutNanos();
    }

    // ---- outputs ----

    /** Protects {@code buf[off, off+len)} in place (room for the tag needed) and sends it. */
    public void sendRtp(byte[] buf, int off, int len) {
        try {
            int n = transport.protectRtp(buf, off, len);
            if (n > 0) {
                worker.send(transport.remoteAddress(), buf, off, n);
            }
        } catch (SrtpException e) {
            protectRefused("SRTP", readU32(buf, off + 8), e);
        }
    }

    /** Protects an RTCP compound in place (room for index and tag needed) and sends it. */
    public void sendRtcp(byte[] buf, int off, int len) {
        try {
            int n = transport.protectRtcp(buf, off, len);
            if (n > 0) {
                worker.send(transport.remoteAddress(), buf, off, n);
            }
        } catch (SrtpException e) {
            protectRefused("SRTCP", readU32(buf, off + 4), e);
        }
    }

    /**
     * Counts an outgoing packet SRTP refused; the first refusal of each peer is logged with its
     * reason (an SFU bug or a rekey due, either worth seeing), the rest are only counted.
     */
    private void protectRefused(String what, long ssrc, SrtpException e) {
        worker.counters().dropped(MediaCounters.Drop.PROTECT_FAILED);
        if (!protectRefusalLogged) {
            protectRefusalLogged = true;
            LOG.warning(() -> "peer " + peerId + ": " + what + " refused an outgoing packet of SSRC " + ssrc + " (" + e.getMessage()
                    + "); further refusals are counted as relaycast_drops_total{reason=\"protect_failed\"}");
        }
    }

    /** The SSRC field for the log line; -1 when the packet is too short to have one. */
    private static long readU32(byte[] buf, int off) {
        if (off < 0 || off + 4 > buf.length) {
            return -1;
        }
        return ((buf[off] & 0xffL) << 24) | ((buf[off + 1] & 0xff) << 16) | ((buf[off + 2] & 0xff) << 8) | (buf[off + 3] & 0xff);
    }

    private boolean protectRefusalLogged;

    /** Tears the transport down without telling the listener (the owner asked for it). */
    public void close() {
        if (!closed) {
            closed = true;
            transport.close();
            // close() queues the DTLS close_notify through the pool; send what is ready now.
            drainTransmits();
            worker.unregister(this);
        }
    }

    // ---- engine plumbing ----

    private void pump() {
        transport.pump(worker.nowNanos());
        drain();
    }

    private void drainTransmits() {
        for (Transmit t = transport.pollTransmit(); t != null; t = transport.pollTransmit()) {
            worker.send(t.to(), t.data(), 0, t.data().length);
        }
    }

    private void drain() {
        drainTransmits();
        if (closed) {
            return;
        }
        for (MediaTransportEvent e = transport.pollEvent(); e != null; e = transport.pollEvent()) {
            if (e instanceof MediaTransportEvent.RemoteAddressChanged c) {
                worker.bindAddress(this, c.previous(), c.current());
                if (c.previous() != null) {
                    LOG.info(() -> "peer " + peerId + ": ICE moved from " + c.previous() + " to " + c.current());
                } else {
                    LOG.fine(() -> "peer " + peerId + ": ICE selected " + c.current());
                }
            } else if (e instanceof MediaTransportEvent.Connected c) {
                handshakeNanos = c.iceNanos() + c.dtlsNanos();
                worker.metrics().dtlsHandshake(handshakeNanos);
                LOG.info(() -> "peer " + peerId + ": connected with " + c.profile() + ", ICE "
                        + c.iceNanos() / 1_000_000 + " ms, DTLS " + c.dtlsNanos() / 1_000_000 + " ms"
                        + dtlsCounters());
                listener.onTransportConnected(this);
            } else if (e instanceof MediaTransportEvent.Closed c) {
                if (c.reason() != CloseReason.LOCAL_CLOSE) {
                    closed = true;
                    worker.unregister(this);
                    LOG.info(() -> "peer " + peerId + ": transport closed: " + c.reason() + " " + c.detail());
                    listener.onTransportClosed(this, c.reason() + ": " + c.detail());
                }
                return;
            }
        }
    }

    private void count(DatagramOutcome outcome) {
        if (!outcome.isDrop()) {
            return;
        }
        worker.counters().dropped(MediaCounters.Drop.of(outcome));
    }

    /** The DTLS endpoint's non-zero counters (flights resent, datagrams dropped), for the connect log. */
    private String dtlsCounters() {
        var counters = transport.dtlsStats().nonZero();
        return counters.isEmpty() ? "" : " " + counters;
    }
}
