package io.relaycast.node.media;

import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.IceException;
import io.relaycast.ice.IceLiteAgent;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.stun.StunException;
import io.relaycast.stun.StunMessage;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A media worker: one thread, one UDP port, and every peer transport bound to it (DESIGN.md
 * "Threads"). All of its state is touched only on its own thread. What it runs on (the thread,
 * the clock, timers, the socket) is its {@link WorkerRuntime}: a Vert.x event loop and a Netty
 * socket in the node ({@link MediaWorkerVerticle}), a virtual clock and simulated network in the
 * deterministic simulation.
 *
 * <p>Every datagram is demultiplexed by its first byte (RFC 7983 §7): 0–3 STUN, 20–63 DTLS,
 * 128–191 RTP/RTCP; anything else is dropped and counted. STUN finds its transport by the local
 * ICE ufrag in USERNAME; DTLS and SRTP only by a source address that ICE has validated.
 */
public final class MediaWorker {
    private static final Logger LOG = Logger.getLogger(MediaWorker.class.getName());
    /** Timer resolution for ICE consent and DTLS retransmission; both work in tens of milliseconds or more. */
    public static final long TICK_MILLIS = 20;

    private final int index;
    private final int port;
    private final TransportContext shared;
    private final MediaCounters counters = new MediaCounters();
    private final AtomicInteger peerCount = new AtomicInteger();
    private final Map<String, PeerTransport> byUfrag = new HashMap<>();
    private final Map<InetSocketAddress, PeerTransport> byAddress = new HashMap<>();
    /** Scratch space for one outgoing packet at a time: the worker is single-threaded. */
    private final byte[] scratch = new byte[UdpChannel.MAX_DATAGRAM + 64];
    private volatile WorkerRuntime runtime = new Detached();
    private final PacedSetup signaling = new PacedSetup(() -> runtime);
    private final NodeMetrics metrics;
    private long lastTickNanos;
    private long worstDelayNanos;
    private long delayWindowStart;
    private volatile long reportedLoopDelayNanos;

    /** @param port the UDP port this worker's candidates advertise */
    public MediaWorker(int index, int port, TransportContext shared, NodeMetrics metrics) {
        this.index = index;
        this.port = port;
        this.shared = shared;
        String w = Integer.toString(index);
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
        metrics.gauge("relaycast_worker_peers", "Peers (members and WHEP viewers) whose transport is on this media worker",
                this, mw -> mw.peerCount(), "worker", w);
        this.metrics = metrics;
        for (MediaCounters.Drop d : MediaCounters.Drop.values()) {
            metrics.functionCounter("relaycast_drops_total", "Datagrams dropped, by reason", counters,
                    c -> c.drops(d), "reason", d.label(), "worker", w);
        }
    }

    /** Binds this worker to what it runs on; done once, before any transport or room uses it. */
    public void attach(WorkerRuntime runtime) {
        this.runtime = runtime;
    }

    /** On the worker's thread: closes every transport (the runtime then closes the socket). */
    public void closeTransports() {
        for (PeerTransport t : new ArrayList<>(byUfrag.values())) {
            t.close();
        }
    }

    /** The clock of this worker's runtime: engines never read it themselves, they are given it. */
    public long nowNanos() {
        return runtime.nowNanos();
    }

    /** Every datagram the socket receives, on the worker's thread; {@code data} is reused after the call. */
    public void onDatagram(InetSocketAddress from, byte[] data, int len) {
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

    /** Every {@link #TICK_MILLIS} on the worker's thread: ICE consent and DTLS retransmission timers. */
    public void tick() {
        long now = nowNanos();
        trackLoopDelay(now);
        // Copy: a timer may close a transport, which unregisters it.
        for (PeerTransport t : new ArrayList<>(byUfrag.values())) {
            if (now >= t.nextTimeoutNanos()) {
                t.onTimer(now);
            }
        }
        runtime.flush();
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
        runtime.send(to, data, off, len);
    }

    /** Sends the datagrams queued so far (after handling input that did not come from the socket). */
    public void flushUdp() {
        runtime.flush();
    }

    /** A buffer for building one outgoing packet; valid until the next call on this thread. */
    public byte[] scratch() {
        return scratch;
    }

    /**
     * Any thread: runs a room's signaling work (a join, a client's message, a leave) on this
     * worker's thread, in order, in slices that let the socket be read between them
     * ({@link PacedSetup}).
     */
    public void executeSignaling(Runnable task) {
        signaling.add(task);
    }

    /**
     * Worker thread: runs {@code action} once the signaling task now running on this worker is
     * done, before any other; false, with nothing done, outside such a task ({@link PacedSetup}).
     */
    public boolean afterSignalingTask(Runnable action) {
        return signaling.afterCurrentTask(action);
    }

    /**
     * Worker thread: runs {@code task} now as one signaling task (what it defers with
     * {@link #afterSignalingTask} runs right after it); inside a task, as part of it
     * ({@link PacedSetup#runAsTask}).
     */
    public void runAsSignalingTask(Runnable task) {
        signaling.runAsTask(task);
    }

    /** Any thread: runs a task on this worker's thread, flushing what it sent. */
    public void execute(Runnable task) {
        WorkerRuntime r = runtime;
        r.execute(() -> {
            task.run();
            r.flush();
        });
    }

    /** Runs {@code task} every {@code millis} on this worker until cancelled; returns the timer id. */
    public long every(long millis, Runnable task) {
        WorkerRuntime r = runtime;
        return r.every(millis, () -> {
            task.run();
            r.flush();
        });
    }

    /** Runs {@code task} once on this worker after {@code millis}. */
    public void later(long millis, Runnable task) {
        WorkerRuntime r = runtime;
        r.later(millis, () -> {
            task.run();
            r.flush();
        });
    }

    public void cancel(long timerId) {
        runtime.cancel(timerId);
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

    /**
     * A worker not attached to any runtime (unit tests that drive tracks directly): sends are
     * dropped and counted as the node counts sends on a closed socket, and nothing can be scheduled.
     */
    private final class Detached implements WorkerRuntime {
        @Override
        public long nowNanos() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            throw new IllegalStateException("media worker " + index + " is not started");
        }

        @Override
        public long every(long millis, Runnable task) {
            throw new IllegalStateException("media worker " + index + " is not started");
        }

        @Override
        public void later(long millis, Runnable task) {
            throw new IllegalStateException("media worker " + index + " is not started");
        }

        @Override
        public void cancel(long timerId) {
        }

        @Override
        public void send(InetSocketAddress to, byte[] data, int off, int len) {
            counters.dropped(MediaCounters.Drop.SEND_FAILED);
        }

        @Override
        public void flush() {
        }
    }
}
