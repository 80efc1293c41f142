package io.relaycast.node.cluster;

import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.UpTrack;
import io.relaycast.node.relay.RelayEndpoint;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.logging.Logger;

/**
 * One room's link to the rest of the cluster, on this node: membership announcements and the
 * consumer of the room's event address (see {@link ClusterContext}); relayed media goes through
 * the worker's {@link RelayEndpoint}. Runs on the room's worker thread: its consumer is
 * registered from it, so its handler runs there too.
 */
public final class RoomLink implements RelayEndpoint.LocalRoom {
    private static final Logger LOG = Logger.getLogger(RoomLink.class.getName());
    /**
     * How long a closed room keeps its consumer. Events already on their way to it (this node's
     * own announcements of the last leaves, among them) are ignored instead of reaching an
     * unregistered consumer, which Vert.x logs as a warning for each.
     */
    private static final long UNREGISTER_DELAY_MILLIS = 2000;

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
    private final RelayEndpoint relay;
    private final Listener listener;
    private ClusterBus.Registration events;
    private boolean closed;

    public RoomLink(ClusterContext cluster, String roomId, MediaWorker worker, Listener listener) {
        this.cluster = cluster;
        this.roomId = roomId;
        this.worker = worker;
        this.relay = cluster.relay(worker.index());
        this.listener = listener;
    }

    /**
     * Registers the room's consumer cluster-wide, then reads the room's membership. Events
     * arriving in between are delivered to the listener as they come; the caller merges the
     * snapshot over them (PROTOCOL.md ordering: nothing is lost between subscribe and read).
     */
    public Future<List<MemberRecord>> open() {
        relay.attachRoom(roomId, this);
        events = cluster.bus().<JsonObject>consumer(ClusterContext.roomAddress(roomId), this::onRoomEvent);
        return events.completion().compose(v -> membership());
    }

    /** The room's members on every live node, as the shared store has them now. */
    public Future<List<MemberRecord>> membership() {
        return cluster.store().room(roomId);
    }

    /** The nodes among {@code busNodeIds} whose event bus answers (see {@link BusReachability}). */
    public Future<java.util.Set<String>> reachable(java.util.Collection<String> busNodeIds) {
        return cluster.reachable(busNodeIds);
    }

    public void close() {
        closed = true;
        relay.detachRoom(roomId, this);
        ClusterBus.Registration c = events;
        if (c != null) {
            worker.later(UNREGISTER_DELAY_MILLIS, c::unregister);
        }
    }

    @Override
    public UpTrack localTrack(String key) {
        return listener.localTrack(key);
    }

    // ------------------------------------------------------------ membership out

    /** Writes a joining peer's record; completes (never fails: a failure is logged) once written. */
    public Future<Void> writeRecord(MemberRecord r) {
        return cluster.store().put(r).recover(e -> {
            LOG.warning("membership write failed for " + r.peerId() + ": " + e);
            return Future.succeededFuture();
        });
    }

    /** Tells the room's other nodes that a peer joined here (its record is written first). */
    public void publishJoined(MemberRecord r) {
        publish("joined", r);
    }

    /** Removes the record of a peer that left before it was admitted; nobody was told it came. */
    public void eraseRecord(MemberRecord r) {
        cluster.store().remove(r.peerId()).onFailure(e -> LOG.warning("membership delete failed for " + r.peerId() + ": " + e));
    }

    public void announceLeave(MemberRecord r) {
        cluster.store().remove(r.peerId()).onFailure(e -> LOG.warning("membership delete failed for " + r.peerId() + ": " + e));
        publish("left", r);
    }

    /** Writes a local peer's record again (reconciliation after a merge); nothing is published. */
    public Future<Void> reassert(MemberRecord r) {
        return cluster.store().put(r).onFailure(e -> LOG.warning("membership rewrite failed for " + r.peerId() + ": " + e));
    }

    public void announceTracks(MemberRecord r) {
        cluster.store().put(r).onFailure(e -> LOG.warning("membership write failed for " + r.peerId() + ": " + e));
        publish("tracks", r);
    }

    private void publish(String type, MemberRecord r) {
        cluster.bus().publish(ClusterContext.roomAddress(roomId), new JsonObject().put("type", type)
                .put("origin", cluster.busNodeId()).put("originWorker", worker.index()).put("member", r.toJson()));
    }

    private void onRoomEvent(JsonObject ev) {
        if (closed) {
            return; // delivered while the consumer was being unregistered
        }
        // This part of the room applied its own change before announcing it. Another part of the
        // room on this node (another worker) takes it like news from another node.
        // (An event without originWorker comes from a node that never spreads a room.)
        if (cluster.busNodeId().equals(ev.getString("origin"))
                && ev.getInteger("originWorker", worker.index()) == worker.index()) {
            return;
        }
        MemberRecord r;
        try {
            r = MemberRecord.fromJson(ev.getJsonObject("member"));
        } catch (RuntimeException e) {
            cluster.metrics().eventDropped("malformed_event");
            return;
        }
        String type = ev.getString("type", "");
        // As one signaling task: a member's audio and video (a whole room, for a new member of
        // another part) reach each local subscriber in one offer, as news from this part's own
        // clients do (PacedSetup.runAsTask); before, each remote track sent an offer of its own.
        worker.runAsSignalingTask(() -> {
            switch (type) {
                case "joined" -> listener.remoteJoined(r);
                case "left" -> listener.remoteLeft(r.peerId());
                case "tracks" -> listener.remoteTracksChanged(r);
                default -> cluster.metrics().eventDropped("unknown_event");
            }
        });
    }

    // ------------------------------------------------------------ relayed tracks

    /** A track published on another node, as a local {@link UpTrack} fed by the relay. */
    public UpTrack addRemoteTrack(TrackInfo info, MemberRecord owner) {
        if (info.rids().isEmpty()) {
            UpTrack t = relay.openStream(roomId, info, owner.busNodeId(), owner.worker(), owner.nodeId());
            t.markRelayed();
            return t;
        }
        // A simulcast track: one relayed stream per layer, each subscribed only while some
        // subscriber here receives (or waits to switch to) that layer.
        java.util.List<UpTrack> layers = new java.util.ArrayList<>();
        for (String rid : info.rids()) {
            UpTrack l = relay.openStream(roomId, info.layer(rid), owner.busNodeId(), owner.worker(), owner.nodeId());
            l.markRelayed();
            layers.add(l);
        }
        UpTrack.groupLayers(layers, info.key(), info.rids());
        return layers.get(0);
    }

    /** Forgets a relayed track; if it still had subscribers here, the publisher's node is told to stop. */
    public void removeRemoteTrack(UpTrack t, boolean stillSubscribed) {
        for (UpTrack layer : t.layers()) {
            relay.closeStream(layer, stillSubscribed && !layer.downTracks().isEmpty());
        }
    }

    /** A local track was unpublished: its relays end. */
    public void localTrackGone(UpTrack t) {
        for (UpTrack layer : t.layers()) {
            relay.localTrackGone(layer);
        }
    }

    public String busNodeId() {
        return cluster.busNodeId();
    }

    /** Whether a record is of a peer of this part of the room: this node and this worker. */
    public boolean isOwn(MemberRecord r) {
        return r.busNodeId().equals(cluster.busNodeId()) && r.worker() == worker.index();
    }

    public String nodeId() {
        return cluster.nodeId();
    }

}
