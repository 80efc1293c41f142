package io.relaycast.node.cluster;

import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.SsrcTable;
import io.relaycast.node.media.UpTrack;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One room's link to the rest of the cluster, on this node: membership announcements, the
 * consumers for the room's three addresses (see {@link ClusterContext}), the relay sinks of the
 * tracks published here, and the relayed tracks subscribed here. Runs on the room's worker thread:
 * its consumers are registered from it, so their handlers run there too.
 */
public final class RoomLink {
    private static final Logger LOG = Logger.getLogger(RoomLink.class.getName());

    /** The room's side of the link. */
    public interface Listener {
        void remoteJoined(MemberRecord record);

        void remoteLeft(String peerId);

        void remoteTracksChanged(MemberRecord record);

        /** A track published by a peer on this node, or null. */
        UpTrack localTrack(String key);
    }

    private final ClusterContext cluster;
    private final String roomId;
    private final MediaWorker worker;
    private final Listener listener;
    private final List<MessageConsumer<?>> consumers = new ArrayList<>();
    /** Publisher side: relay sinks by track key and subscribing node. */
    private final Map<String, RelaySink> sinks = new HashMap<>();
    /** Subscriber side: relayed tracks by the stream number this node gave them. */
    private final SsrcTable<RemoteTrack> remoteByStream = new SsrcTable<>();
    private final RtpHeader relayView = new RtpHeader();
    private final byte[] relayBuffer = new byte[2048];
    private int nextStream = 1;

    /** A relayed track here; {@code nodeId} is the publisher node's Relaycast id, for metrics. */
    private record RemoteTrack(UpTrack track, RelayUpstream upstream, String nodeId) {
    }

    public RoomLink(ClusterContext cluster, String roomId, MediaWorker worker, Listener listener) {
        this.cluster = cluster;
        this.roomId = roomId;
        this.worker = worker;
        this.listener = listener;
    }

    /**
     * Registers the room's consumers cluster-wide, then reads the room's membership. Events
     * arriving in between are delivered to the listener as they come; the caller merges the
     * snapshot over them (PROTOCOL.md ordering: nothing is lost between subscribe and read).
     */
    public Future<List<MemberRecord>> open() {
        MessageConsumer<JsonObject> events = cluster.bus().consumer(ClusterContext.roomAddress(roomId), this::onRoomEvent);
        MessageConsumer<JsonObject> control = cluster.bus().consumer(
                ClusterContext.controlAddress(cluster.busNodeId(), roomId), this::onControl);
        MessageConsumer<Buffer> rtp = cluster.bus().consumer(
                ClusterContext.rtpAddress(cluster.busNodeId(), roomId), this::onRelayed);
        consumers.add(events);
        consumers.add(control);
        consumers.add(rtp);
        return Future.all(events.completion(), control.completion(), rtp.completion())
                .compose(v -> cluster.store().room(roomId));
    }

    public void close() {
        for (MessageConsumer<?> c : consumers) {
            c.unregister();
        }
        consumers.clear();
        sinks.clear();
    }

    // ------------------------------------------------------------ membership out

    public void announceJoin(MemberRecord r) {
        cluster.store().put(r).onFailure(e -> LOG.warning("membership write failed for " + r.peerId() + ": " + e));
        publish("joined", r);
    }

    public void announceLeave(MemberRecord r) {
        cluster.store().remove(r.peerId()).onFailure(e -> LOG.warning("membership delete failed for " + r.peerId() + ": " + e));
        publish("left", r);
    }

    public void announceTracks(MemberRecord r) {
        cluster.store().put(r).onFailure(e -> LOG.warning("membership write failed for " + r.peerId() + ": " + e));
        publish("tracks", r);
    }

    private void publish(String type, MemberRecord r) {
        cluster.bus().publish(ClusterContext.roomAddress(roomId),
                new JsonObject().put("type", type).put("origin", cluster.busNodeId()).put("member", r.toJson()));
    }

    private void onRoomEvent(Message<JsonObject> m) {
        JsonObject ev = m.body();
        if (cluster.busNodeId().equals(ev.getString("origin"))) {
            return; // this node applied its own change before announcing it
        }
        MemberRecord r;
        try {
            r = MemberRecord.fromJson(ev.getJsonObject("member"));
        } catch (RuntimeException e) {
            cluster.metrics().dropped("malformed_event");
            return;
        }
        switch (ev.getString("type", "")) {
            case "joined" -> listener.remoteJoined(r);
            case "left" -> listener.remoteLeft(r.peerId());
            case "tracks" -> listener.remoteTracksChanged(r);
            default -> cluster.metrics().dropped("unknown_event");
        }
    }

    // ------------------------------------------------------------ subscriber side

    /** A track published on another node, as a local {@link UpTrack} fed by the relay. */
    public UpTrack addRemoteTrack(TrackInfo info, MemberRecord owner) {
        int stream = nextStream++;
        RelayUpstream upstream = new RelayUpstream(cluster.bus(),
                ClusterContext.controlAddress(owner.busNodeId(), roomId), info.key(), stream, cluster.busNodeId(),
                cluster.nodeId());
        UpTrack t = new UpTrack(info.key(), info.publisherPeerId(), info.streamId(), info.trackId(), info.video(),
                info.codec(), info.extensionTable(), upstream, worker.counters());
        remoteByStream.put(stream, new RemoteTrack(t, upstream, owner.nodeId()));
        return t;
    }

    /** Forgets a relayed track; if it still had subscribers here, the publisher's node is told to stop. */
    public void removeRemoteTrack(UpTrack t, boolean stillSubscribed) {
        for (int s = 1; s < nextStream; s++) {
            RemoteTrack r = remoteByStream.get(s);
            if (r != null && r.track() == t) {
                if (stillSubscribed) {
                    r.upstream().cancel();
                }
                remoteByStream.removeValue(r);
                return;
            }
        }
    }

    private void onRelayed(Message<Buffer> m) {
        Buffer b = m.body();
        int len = b.length() - RelayPacket.HEADER;
        if (len < 0 || len > relayBuffer.length) {
            cluster.metrics().dropped("malformed_packet");
            return;
        }
        byte type = b.getByte(0);
        RemoteTrack r = remoteByStream.get(b.getInt(1));
        if (r == null) {
            // The track left or was unsubscribed while packets were in flight.
            cluster.metrics().dropped("unknown_stream");
            return;
        }
        cluster.metrics().received(r.nodeId(), b.length());
        long now = worker.nowNanos();
        if (type == RelayPacket.SENDER_REPORT && len == 12) {
            r.track().onSenderReport(b.getLong(RelayPacket.HEADER), b.getInt(RelayPacket.HEADER + 8) & 0xffffffffL, now);
            return;
        }
        b.getBytes(RelayPacket.HEADER, b.length(), relayBuffer, 0);
        try {
            relayView.wrap(relayBuffer, 0, len);
        } catch (RtpException e) {
            cluster.metrics().dropped("malformed_packet");
            return;
        }
        if (type == RelayPacket.RTP) {
            r.track().onRtp(relayView, now);
        } else if (type == RelayPacket.RETRANSMISSION) {
            r.track().cacheOnly(relayView);
        } else {
            cluster.metrics().dropped("unknown_type");
        }
    }

    // ------------------------------------------------------------ publisher side

    private void onControl(Message<JsonObject> m) {
        JsonObject c = m.body();
        String key = c.getString("key", "");
        String from = c.getString("from", "");
        int stream = c.getInteger("stream", 0);
        String sinkKey = key + "@" + from;
        UpTrack t = listener.localTrack(key);
        if (t == null) {
            // Unpublished while the request was in flight: nothing to do, and nothing to relay.
            cluster.metrics().dropped("unknown_track");
            return;
        }
        long now = worker.nowNanos();
        switch (c.getString("type", "")) {
            case "subscribe" -> {
                RelaySink old = sinks.remove(sinkKey);
                if (old != null) {
                    t.removeSink(old);
                }
                RelaySink sink = new RelaySink(cluster.bus(), ClusterContext.rtpAddress(from, roomId), from,
                        c.getString("fromNode", from), stream, cluster.metrics());
                sinks.put(sinkKey, sink);
                t.addSink(sink);
                t.requestKeyframe(now);
                LOG.fine(() -> "relaying " + key + " to node " + from);
            }
            case "unsubscribe" -> {
                RelaySink sink = sinks.remove(sinkKey);
                if (sink != null) {
                    t.removeSink(sink);
                }
            }
            case "pli" -> t.requestKeyframe(now);
            case "nack" -> answerNack(t, sinks.get(sinkKey), c.getJsonArray("seqs", new JsonArray()));
            default -> cluster.metrics().dropped("unknown_control");
        }
    }

    /** Serves a remote node's NACK from this node's cache; what is gone is asked of the publisher. */
    private void answerNack(UpTrack t, RelaySink sink, JsonArray seqs) {
        if (sink == null) {
            return;
        }
        int[] missing = new int[seqs.size()];
        int n = 0;
        byte[] scratch = worker.scratch();
        for (int i = 0; i < seqs.size(); i++) {
            int seq = seqs.getInteger(i) & 0xffff;
            int len = t.copyFromCache(seq, scratch, 0);
            if (len >= 0) {
                sink.retransmission(scratch, 0, len);
            } else {
                missing[n++] = seq;
            }
        }
        if (n > 0) {
            t.upstream().nack(t, missing, n);
        }
    }

    /** A local track was unpublished: its relays end. */
    public void localTrackGone(UpTrack t) {
        Iterator<Map.Entry<String, RelaySink>> it = sinks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, RelaySink> e = it.next();
            if (e.getKey().startsWith(t.id() + "@")) {
                t.removeSink(e.getValue());
                it.remove();
            }
        }
    }

    /** A node died: relays to it stop (its records are removed by {@link NodeWatcher}). */
    public void nodeLeft(String busNodeId) {
        Iterator<Map.Entry<String, RelaySink>> it = sinks.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, RelaySink> e = it.next();
            if (e.getValue().remoteBusNodeId().equals(busNodeId)) {
                UpTrack t = listener.localTrack(e.getKey().substring(0, e.getKey().lastIndexOf('@')));
                if (t != null) {
                    t.removeSink(e.getValue());
                }
                it.remove();
            }
        }
    }

    public String busNodeId() {
        return cluster.busNodeId();
    }

    public String nodeId() {
        return cluster.nodeId();
    }
}
