package io.relaycast.node.relay;

import io.relaycast.node.cluster.TrackInfo;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.UpTrack;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.node.cluster.ClusterBus;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One media worker's end of the relay between nodes (issue 9): the event-bus adapter around its
 * {@link RelayLink}s. Everything here runs on the worker's own event-loop thread: the consumer of
 * {@code relaycast.relay.<busNodeId>.<worker>} is registered from the worker's context, so Vert.x
 * delivers relayed frames straight to the thread that owns the rooms they are for, and frames
 * leave from it. What the worker relays during one event-loop turn to one remote worker goes as
 * one frame at the end of the turn (or sooner, at {@link RelayLink#MAX_FRAME_BYTES}).
 *
 * <p>Roles: as a publisher's worker it keeps {@link RelaySink}s (per remote worker and the stream
 * number that worker chose) and answers their keyframe requests and NACKs; as a subscriber's
 * worker it keeps relayed tracks by stream number and feeds them like local publishers.
 */
public final class RelayEndpoint {
    private static final Logger LOG = Logger.getLogger(RelayEndpoint.class.getName());
    private static final long TICK_MILLIS = 20;

    /** A room on this worker, as the relay needs it. */
    public interface LocalRoom {
        /** A track published by a peer of this room on this node, by key, or null. */
        UpTrack localTrack(String key);
    }

    private final ClusterBus bus;
    private final String busNodeId;
    private final String nodeId;
    private final MediaWorker worker;
    private final RelayMetrics metrics;
    private final long budget;
    private final Map<String, RelayLink> links = new HashMap<>();
    private final Map<RelayLink, Map<Integer, RelaySink>> sinksByLink = new HashMap<>();
    private final Map<String, LocalRoom> rooms = new HashMap<>();
    /** Subscriber side: relayed tracks by the stream number this worker gave them. */
    private final StreamTable<UpTrack> streams = new StreamTable<>();
    private final List<RelayLink> dirty = new ArrayList<>();
    /** Subscribed relayed tracks that have not carried a packet yet (see RelayUpstream#checkFirstPacket). */
    private final Map<RelayUpstream, UpTrack> awaitingFirstPacket = new LinkedHashMap<>();
    private final RelayFrameReader reader = new RelayFrameReader();
    private final RtpHeader view = new RtpHeader();
    private final int[] nackScratch = new int[1024];
    private final RelayLink.Output output = new RelayLink.Output() {
        @Override
        public void send(RelayLink link, RelayFrame frame) {
            bus.send(link.address(), frame);
        }

        @Override
        public void dirty(RelayLink link) {
            markDirty(link);
        }
    };
    private final Runnable endOfTurn = this::flushDirty;
    private ClusterBus.Registration consumer;
    private long timerId = -1;
    private boolean flushScheduled;
    private int nextStream = 1;
    private long malformedFrames;
    private volatile long framesOffThread;
    private volatile long framesReceived;
    private volatile Thread thread;

    public RelayEndpoint(ClusterBus bus, String busNodeId, String nodeId, MediaWorker worker, RelayMetrics metrics,
                         long budgetBytes) {
        this.bus = bus;
        this.busNodeId = busNodeId;
        this.nodeId = nodeId;
        this.worker = worker;
        this.metrics = metrics;
        this.budget = budgetBytes;
        metrics.endpoint(this, worker.index());
    }

    /** The event-bus address of a node's worker's relay consumer. */
    public static String address(String busNodeId, int worker) {
        return "relaycast.relay." + busNodeId + "." + worker;
    }

    /** Registers the consumer; must run on the worker's thread (its context then delivers frames there). */
    public Future<Void> open() {
        thread = Thread.currentThread();
        consumer = bus.<RelayFrame>consumer(address(busNodeId, worker.index()), this::onMessage);
        timerId = worker.every(TICK_MILLIS, this::tick);
        return consumer.completion();
    }

    public void close() {
        if (consumer != null) {
            consumer.unregister();
        }
        if (timerId >= 0) {
            worker.cancel(timerId);
        }
        for (RelayLink l : links.values()) {
            metrics.remove(l);
        }
        links.clear();
    }

    long nowNanos() {
        return worker.nowNanos();
    }

    public int workerIndex() {
        return worker.index();
    }

    // ------------------------------------------------------------------ rooms and tracks

    public void attachRoom(String roomId, LocalRoom room) {
        rooms.put(roomId, room);
    }

    public void detachRoom(String roomId, LocalRoom room) {
        rooms.remove(roomId, room);
    }

    /**
     * A track published on another node, as a local {@link UpTrack} fed by the relay: its first
     * local subscriber subscribes it at the publisher's worker, its last one unsubscribes.
     */
    public UpTrack openStream(String roomId, TrackInfo info, String ownerBusNodeId, int ownerWorker,
                              String ownerNodeId) {
        RelayLink link = link(ownerBusNodeId, ownerWorker, ownerNodeId);
        int stream = nextStream++;
        RelayUpstream upstream = new RelayUpstream(this, link, stream, roomId, info.key());
        UpTrack t = new UpTrack(info.key(), info.publisherPeerId(), info.streamId(), info.trackId(), info.video(),
                info.codec(), info.extensionTable(), upstream, worker.counters());
        streams.put(stream, t);
        return t;
    }

    /** Forgets a relayed track; if it still had subscribers here, the publisher's worker is told to stop. */
    public void closeStream(UpTrack t, boolean stillSubscribed) {
        if (t.upstream() instanceof RelayUpstream u) {
            if (stillSubscribed) {
                u.lastSubscriberGone(t);
            }
            streams.remove(u.stream());
        }
    }

    /** A local track was unpublished: its relays to other nodes end. */
    public void localTrackGone(UpTrack t) {
        for (Map<Integer, RelaySink> sinks : sinksByLink.values()) {
            sinks.values().removeIf(s -> {
                if (s.track() == t) {
                    t.removeSink(s);
                    return true;
                }
                return false;
            });
        }
    }

    /** A node died: links to its workers go, with the sinks feeding them. */
    public void nodeLeft(String remoteBusNodeId) {
        Iterator<RelayLink> it = links.values().iterator();
        while (it.hasNext()) {
            RelayLink l = it.next();
            if (l.remoteBusNodeId().equals(remoteBusNodeId)) {
                Map<Integer, RelaySink> sinks = sinksByLink.remove(l);
                if (sinks != null) {
                    for (RelaySink s : sinks.values()) {
                        s.track().removeSink(s);
                    }
                }
                dirty.remove(l);
                metrics.remove(l);
                it.remove();
                LOG.info(() -> "relay link to " + l.remoteNodeId() + "/" + l.remoteWorker() + " closed: node gone");
            }
        }
    }

    private RelayLink link(String remoteBusNodeId, int remoteWorker, String remoteNodeId) {
        String key = remoteBusNodeId + "/" + remoteWorker;
        RelayLink l = links.get(key);
        if (l == null) {
            RelayFrameWriter writer = new RelayFrameWriter(RelayLink.MAX_FRAME_BYTES, worker.index(), remoteWorker,
                    busNodeId, nodeId);
            l = new RelayLink(remoteBusNodeId, remoteWorker, remoteNodeId, address(remoteBusNodeId, remoteWorker),
                    writer, budget, output);
            links.put(key, l);
            metrics.add(l, worker.index());
        }
        return l;
    }

    // ------------------------------------------------------------------ the turn

    private void markDirty(RelayLink link) {
        dirty.add(link);
        if (!flushScheduled) {
            flushScheduled = true;
            // Runs after the work the event loop has in hand now: the end of this turn.
            worker.execute(endOfTurn);
        }
    }

    private void flushDirty() {
        flushScheduled = false;
        long now = worker.nowNanos();
        for (int i = 0; i < dirty.size(); i++) {
            dirty.get(i).flush(now);
        }
        dirty.clear();
    }

    void awaitFirstPacket(RelayUpstream upstream, UpTrack track) {
        awaitingFirstPacket.put(upstream, track);
    }

    private void tick() {
        long now = worker.nowNanos();
        if (!awaitingFirstPacket.isEmpty()) {
            awaitingFirstPacket.entrySet().removeIf(e -> !e.getKey().checkFirstPacket(e.getValue(), now));
        }
        for (RelayLink l : links.values()) {
            l.tick(now);
        }
        for (Map<Integer, RelaySink> sinks : sinksByLink.values()) {
            for (RelaySink s : sinks.values()) {
                s.tick(now);
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    private void onMessage(RelayFrame frame) {
        framesReceived++;
        if (Thread.currentThread() != thread) {
            framesOffThread++;
        }
        byte[] bytes = frame.bytes();
        long now = worker.nowNanos();
        try {
            reader.wrap(bytes, 0, bytes.length);
        } catch (RelayFrameException e) {
            malformedFrames++;
            return;
        }
        RelayLink link = link(reader.senderBusNodeId(), reader.senderWorker(), reader.senderNodeId());
        if (reader.receiverWorker() != worker.index()) {
            link.count(RelayDrop.MISROUTED);
            return;
        }
        link.onFrame(reader.frameSeq(), reader.ackSeq(), reader.ackDelayMicros(), bytes.length, now);
        try {
            while (reader.next()) {
                onRecord(link, now);
            }
        } catch (RelayFrameException e) {
            link.count(RelayDrop.MALFORMED);
        }
        worker.flushUdp();
    }

    private void onRecord(RelayLink link, long now) throws RelayFrameException {
        int type = reader.type();
        switch (type) {
            case RelayFrame.RTP, RelayFrame.RETRANSMISSION, RelayFrame.SENDER_REPORT -> {
                UpTrack t = streams.get(reader.stream());
                if (t == null) {
                    link.count(RelayDrop.UNKNOWN_STREAM);
                    return;
                }
                if (type == RelayFrame.SENDER_REPORT) {
                    t.onSenderReport(reader.ntp(), reader.rtpTimestamp(), now);
                    return;
                }
                try {
                    view.wrap(reader.buffer(), reader.packetOffset(), reader.packetLength());
                } catch (RtpException e) {
                    link.count(RelayDrop.MALFORMED);
                    return;
                }
                link.packetReceived();
                if (type == RelayFrame.RTP) {
                    t.onRtp(view, now);
                } else {
                    t.cacheOnly(view);
                }
            }
            case RelayFrame.SUBSCRIBE -> subscribe(link, reader.stream(), reader.subscribeRoom(),
                    reader.subscribeTrack(), now);
            case RelayFrame.UNSUBSCRIBE -> {
                Map<Integer, RelaySink> sinks = sinksByLink.get(link);
                RelaySink s = sinks == null ? null : sinks.remove(reader.stream());
                if (s != null) {
                    s.track().removeSink(s);
                }
            }
            case RelayFrame.KEYFRAME_REQUEST -> {
                RelaySink s = sink(link, reader.stream());
                if (s != null) {
                    s.track().requestKeyframe(now);
                }
            }
            case RelayFrame.LIVE_LAYERS -> {
                UpTrack t = streams.get(reader.stream());
                if (t == null) {
                    link.count(RelayDrop.UNKNOWN_STREAM);
                    return;
                }
                int mask = reader.liveLayerMask();
                List<UpTrack> layers = t.layers();
                for (int i = 0; i < layers.size() && i < 8; i++) {
                    layers.get(i).sentByPublisher((mask & (1 << i)) != 0);
                }
            }
            case RelayFrame.NACK -> {
                RelaySink s = sink(link, reader.stream());
                if (s != null) {
                    answerNack(s, reader.nackSequences(nackScratch), now);
                }
            }
            default -> link.count(RelayDrop.UNKNOWN_TYPE);
        }
    }

    private RelaySink sink(RelayLink link, int stream) {
        Map<Integer, RelaySink> sinks = sinksByLink.get(link);
        return sinks == null ? null : sinks.get(stream);
    }

    private void subscribe(RelayLink link, int stream, String roomId, String key, long now) {
        LocalRoom room = rooms.get(roomId);
        UpTrack t = room == null ? null : room.localTrack(key);
        if (t == null) {
            // Unpublished (or the room closed) while the request was in flight.
            link.count(RelayDrop.UNKNOWN_TRACK);
            return;
        }
        Map<Integer, RelaySink> sinks = sinksByLink.computeIfAbsent(link, l -> new HashMap<>());
        RelaySink existing = sinks.get(stream);
        if (existing != null && existing.track() == t) {
            // A repeat (RelayUpstream sends again when nothing arrived): the stream is already
            // flowing, or its first packets are on the way; only the keyframe is asked again.
            t.requestKeyframe(now);
            return;
        }
        RelaySink sink = new RelaySink(link, stream, t);
        RelaySink old = sinks.put(stream, sink);
        if (old != null) {
            old.track().removeSink(old);
        }
        t.addSink(sink);
        t.requestKeyframe(now);
        sink.tellLiveLayers(now);
        LOG.fine(() -> "relaying " + key + " to " + link.remoteNodeId() + "/" + link.remoteWorker());
    }

    /**
     * Serves a remote worker's NACK from this node's cache; what is gone is asked of the publisher
     * (once: a packet the track's own loss recovery already chases is not asked for again), the
     * same way a local subscriber's NACK is.
     */
    private void answerNack(RelaySink s, int count, long now) {
        UpTrack t = s.track();
        byte[] scratch = worker.scratch();
        for (int i = 0; i < count; i++) {
            int len = t.copyCached(nackScratch[i], scratch, 0);
            if (len >= 0) {
                s.retransmission(scratch, 0, len, now);
            }
        }
        t.flushUpstreamNacks();
    }

    // ------------------------------------------------------------------ for metrics and tests

    long malformedFrames() {
        return malformedFrames;
    }

    /** Frames whose handler ran on another thread than the worker's: always 0 (checked by tests). */
    public long framesOffThread() {
        return framesOffThread;
    }

    /** Frames received from any link (any thread). */
    public long framesReceived() {
        return framesReceived;
    }
}
