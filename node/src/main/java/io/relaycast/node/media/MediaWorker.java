package io.relaycast.node.media;

import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.IceException;
import io.relaycast.ice.IceLiteAgent;
import io.relaycast.node.observe.ForwardingDelay;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.stun.StunException;
import io.relaycast.stun.StunMessage;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A media verticle: one event loop, one UDP port, and every peer transport bound to it
 * (DESIGN.md "Threads"). All of its state is touched only on its own event-loop thread.
 *
 * <p>Every datagram is demultiplexed by its first byte (RFC 7983 §7): 0–3 STUN, 20–63 DTLS,
 * 128–191 RTP/RTCP; anything else is dropped and counted. STUN finds its transport by the local
 * ICE ufrag in USERNAME; DTLS and SRTP only by a source address that ICE has validated.
 */
public final class MediaWorker extends AbstractVerticle {
    private static final Logger LOG = Logger.getLogger(MediaWorker.class.getName());
    /** Timer resolution for ICE consent and DTLS retransmission; both work in tens of milliseconds or more. */
    private static final long TICK_MILLIS = 20;

    private final int index;
    private final String host;
    private final int port;
    private final TransportContext shared;
    private final MediaCounters counters = new MediaCounters();
    private final UdpChannel udp;
    private final AtomicInteger peerCount = new AtomicInteger();
    private final Map<String, PeerTransport> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, PeerTransport> byAddress = new HashMap<>();
    /** Scratch space for one outgoing packet at a time: the worker is single-threaded. */
    private final byte[] scratch = new byte[UdpChannel.MAX_DATAGRAM + 64];
    private volatile Context ownContext;
    private final NodeMetrics metrics;
    private long lastTickNanos;
    private long worstDelayNanos;
    private long delayWindowStart;
    private volatile long reportedLoopDelayNanos;

    public MediaWorker(int index, String host, int port, TransportContext shared, NodeMetrics metrics) {
        this.index = index;
        this.host = host;
        this.port = port;
        this.shared = shared;
        String w = Integer.toString(index);
        ForwardingDelay forwardingDelay = new ForwardingDelay(w);
        metrics.forwardingDelay(forwardingDelay);
        udp = new UdpChannel(counters, forwardingDelay);
        metrics.functionCounter("relaycast_packets_total", "UDP datagrams", counters, MediaCounters::packetsIn,
                "direction", "in", "worker", w);
        metrics.functionCounter("relaycast_packets_total", "UDP datagrams", counters, MediaCounters::packetsOut,
                "direction", "out", "worker", w);
        metrics.functionCounter("relaycast_bytes_total", "UDP payload bytes", counters, MediaCounters::bytesIn,
                "direction", "in", "worker", w);
        metrics.functionCounter("relaycast_bytes_total", "UDP payload bytes", counters, MediaCounters::bytesOut,
                "direction", "out", "worker", w);
        metrics.functionCounter("relaycast_forwarded_packets_total", "RTP packets forwarded to subscribers",
                counters, MediaCounters::forwardedPackets, "worker", w);
        metrics.functionCounter("relaycast_retransmitted_packets_total", "Packets resent to subscribers from the cache",
                counters, MediaCounters::retransmittedPackets, "worker", w);
        metrics.functionCounter("relaycast_nacks_received_total", "NACK feedback packets from subscribers",
                counters, MediaCounters::nacksReceived, "worker", w);
        metrics.functionCounter("relaycast_nacks_sent_total", "NACK feedback packets sent to publishers",
                counters, MediaCounters::nacksSent, "worker", w);
        metrics.functionCounter("relaycast_uplink_recovered_packets_total",
                "Packets lost on a publisher's uplink, recovered by NACK and RTX and forwarded",
                counters, MediaCounters::uplinkRecoveredPackets, "worker", w);
        metrics.functionCounter("relaycast_uplink_given_up_packets_total",
                "Packets lost on a publisher's uplink that the node stopped asking for",
                counters, MediaCounters::uplinkGivenUpPackets, "worker", w);
        metrics.functionCounter("relaycast_audio_not_loudest_packets_total",
                "Audio packets not forwarded to a subscriber because their publisher is not among the room's loudest",
                counters, MediaCounters::audioNotLoudestPackets, "worker", w);
        metrics.functionCounter("relaycast_keyframe_requests_total", "PLI/FIR received from subscribers",
                counters, MediaCounters::keyframeRequestsReceived, "direction", "received", "worker", w);
        metrics.functionCounter("relaycast_keyframe_requests_total", "PLI sent to publishers",
                counters, MediaCounters::keyframeRequestsSent, "direction", "sent", "worker", w);
        metrics.gauge("relaycast_event_loop_delay_seconds",
                "Worst lateness of the media worker's 20 ms timer over the last second", this,
                mw -> mw.reportedLoopDelayNanos / 1e9, "worker", w);
        this.metrics = metrics;
        for (MediaCounters.Drop d : MediaCounters.Drop.values()) {
            metrics.functionCounter("relaycast_drops_total", "Datagrams dropped, by reason", counters,
                    c -> c.drops(d), "reason", d.label(), "worker", w);
        }
    }

    @Override
    public void start(Promise<Void> startPromise) {
        ownContext = context;
        udp.bind(((ContextInternal) context).nettyEventLoop(), vertx.isNativeTransportEnabled(), host, port,
                this::onDatagram).onComplete(ar -> {
            if (ar.succeeded()) {
                vertx.setPeriodic(TICK_MILLIS, id -> tick());
                // debug: the node's ready line names the whole port range once.
                LOG.fine(() -> "media worker " + index + " listening on udp " + host + ":" + port);
                startPromise.complete();
            } else {
                startPromise.fail("cannot bind UDP media port " + host + ":" + port + ": " + ar.cause().getMessage());
            }
        });
    }

    @Override
    public void stop(Promise<Void> stopPromise) {
        for (PeerTransport t : new ArrayList<>(byUfrag.values())) {
            t.close();
        }
        udp.close().onComplete(stopPromise);
    }

    /** The clock of this adapter: engines never read it themselves, they are given it. */
    public long nowNanos() {
        return System.nanoTime();
    }

    private void onDatagram(InetSocketAddress from, byte[] data, int len) {
        if (len == 0) {
            counters.dropped(MediaCounters.Drop.UNKNOWN_PROTOCOL);
            return;
        }
        int first = data[0] & 0xff;
        long now = nowNanos();
        if (first <= 3) {
            onStun(now, from, data, len);
        } else if ((first >= 20 && first <= 63) || (first >= 128 && first <= 191)) {
            // DTLS and SRTP belong to whichever transport ICE bound this address to.
            PeerTransport t = byAddress.get(from);
            if (t == null) {
                counters.dropped(MediaCounters.Drop.UNVALIDATED_SOURCE);
            } else {
                t.onDatagram(now, from, data, len);
            }
        } else {
            counters.dropped(MediaCounters.Drop.UNKNOWN_PROTOCOL);
        }
    }

    private void onStun(long now, InetSocketAddress from, byte[] data, int len) {
        StunMessage message;
        try {
            message = StunMessage.parse(data, 0, len);
        } catch (StunException e) {
            counters.dropped(MediaCounters.Drop.MALFORMED_STUN);
            return;
        }
        String ufrag = IceLiteAgent.localUfragOf(message);
        PeerTransport t = ufrag == null ? null : byUfrag.get(ufrag);
        if (t == null) {
            counters.dropped(MediaCounters.Drop.ICE_REJECTED);
            return;
        }
        t.onStun(now, from, message);
    }

    private void tick() {
        long now = nowNanos();
        trackLoopDelay(now);
        // Copy: a timer may close a transport, which unregisters it.
        for (PeerTransport t : new ArrayList<>(byUfrag.values())) {
            if (now >= t.nextTimeoutNanos()) {
                t.onTimer(now);
            }
        }
        udp.flush();
    }

    /** How late the periodic tick runs: the event loop's backlog, as operators need to see it. */
    private void trackLoopDelay(long now) {
        if (lastTickNanos != 0) {
            worstDelayNanos = Math.max(worstDelayNanos, now - lastTickNanos - TICK_MILLIS * 1_000_000L);
        }
        lastTickNanos = now;
        if (now - delayWindowStart >= 1_000_000_000L) {
            reportedLoopDelayNanos = Math.max(0, worstDelayNanos);
            worstDelayNanos = 0;
            delayWindowStart = now;
        }
    }

    public NodeMetrics metrics() {
        return metrics;
    }

    // ---- used by transports and rooms, on this worker's thread ----

    /**
     * Creates a transport for a peer's offer: new local ICE credentials, the DTLS server endpoint
     * started and waiting for the client's hello once ICE validates it.
     */
    public PeerTransport createTransport(String peerId, String remoteUfrag, String remotePwd,
                                         DtlsFingerprint remoteFingerprint) throws IceException {
        IceCredentials remote = IceCredentials.of(remoteUfrag, remotePwd);
        IceCredentials local;
        do {
            local = IceCredentials.generate(shared.random());
        } while (byUfrag.containsKey(local.ufrag()));
        PeerTransport t = new PeerTransport(peerId, this, local, remote, remoteFingerprint, shared, nowNanos());
        byUfrag.put(local.ufrag(), t);
        return t;
    }

    void bindAddress(PeerTransport t, InetSocketAddress previous, InetSocketAddress current) {
        if (previous != null) {
            byAddress.remove(previous, t);
        }
        if (current == null) {
            return;
        }
        PeerTransport old = byAddress.put(current, t);
        if (old != null && old != t) {
            // Two peers on one 5-tuple cannot both be right; the newer validated one wins.
            LOG.warning(() -> "address " + current + " moved from peer " + old.peerId() + " to " + t.peerId());
        }
    }

    void unregister(PeerTransport t) {
        byUfrag.remove(t.localUfrag(), t);
        byAddress.values().removeIf(v -> v == t);
    }

    void send(InetSocketAddress to, byte[] data, int off, int len) {
        udp.send(to, data, off, len);
    }

    /** Sends the datagrams queued so far (after handling input that did not come from the socket). */
    public void flushUdp() {
        udp.flush();
    }

    /** A buffer for building one outgoing packet; valid until the next call on this thread. */
    public byte[] scratch() {
        return scratch;
    }

    /** Any thread: runs a task on this worker's event loop, flushing what it sent. */
    public void execute(Runnable task) {
        Context c = ownContext;
        if (c == null) {
            throw new IllegalStateException("media worker " + index + " is not started");
        }
        c.runOnContext(v -> {
            task.run();
            udp.flush();
        });
    }

    /** Runs {@code task} every {@code millis} on this worker until cancelled; returns the timer id. */
    public long every(long millis, Runnable task) {
        return vertx.setPeriodic(millis, id -> {
            task.run();
            udp.flush();
        });
    }

    /** Runs {@code task} once on this worker after {@code millis}. */
    public void later(long millis, Runnable task) {
        vertx.setTimer(millis, id -> {
            task.run();
            udp.flush();
        });
    }

    public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
    }

    public int index() {
        return index;
    }

    public int port() {
        return port;
    }

    public List<String> advertisedIps() {
        return shared.advertisedIps();
    }

    public TransportContext shared() {
        return shared;
    }

    public MediaCounters counters() {
        return counters;
    }

    /** Any thread. */
    public int peerCount() {
        return peerCount.get();
    }

    public void peerAdded() {
        peerCount.incrementAndGet();
    }

    public void peerRemoved() {
        peerCount.decrementAndGet();
    }
}
