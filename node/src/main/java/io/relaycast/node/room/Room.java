package io.relaycast.node.room;

import io.relaycast.node.Settings;
import io.relaycast.node.cluster.ClusterContext;
import io.relaycast.node.cluster.MemberRecord;
import io.relaycast.node.cluster.RoomLink;
import io.relaycast.node.cluster.TrackInfo;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.UpTrack;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.sdp.Candidate;
import io.relaycast.sdp.SdpException;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalException;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A room's state on one media worker of this node (a room too big for one worker has a part on
 * several, each a Room that sees the others' peers as it sees other nodes': {@link RoomManager}).
 * Every method but the accessors marked "any thread" runs on the room's media worker thread,
 * reached through {@link #execute}; that is what makes membership changes and forwarding
 * lock-free.
 *
 * <p>Ordering (PROTOCOL.md "Ordering guarantees"): because joins and leaves are applied one at a
 * time on this thread, a joining peer's {@code welcome} lists exactly the members before it, every
 * later change reaches it as one {@code peerJoined}/{@code peerLeft}, and it is sent after the
 * welcome since both go through the same ordered channel.
 */
public final class Room implements RoomLink.Listener {
    private static final Logger LOG = Logger.getLogger(Room.class.getName());
    /** transport-cc feedback every 100 ms keeps the publisher's estimator fed (libwebrtc sends about as often). */
    private static final long TICK_MILLIS = 100;
    /**
     * How much older than a reconciliation's snapshot a peer's last event must be before the
     * snapshot may overrule it. An event and the store write behind it travel separately (the
     * event bus, the Hazelcast map), so a snapshot read just after an event may not show it yet.
     */
    static final long SETTLE_NANOS = 2_000_000_000L;
    private static final long CHANGE_MEMORY_NANOS = 60_000_000_000L;
    /** When an opened room reads the membership again (see {@link #rereadMembership}). */
    private static final long[] REREAD_AFTER_OPEN_MILLIS = {250, 1500, 4000};

    private final String roomId;
    private final MediaWorker worker;
    private final RoomManager manager;
    private final Settings settings;
    private final NodeMetrics metrics;
    private final Map<String, PeerSession> sessions = new LinkedHashMap<>();
    /** Everyone in the room on any node, in join order as this node learned it. */
    private final Map<String, MemberRecord> members = new LinkedHashMap<>();
    /** Peers seen leaving before the membership snapshot arrived; the snapshot must not revive them. */
    private final Set<String> departedDuringOpen = new HashSet<>();
    /** When the room finished opening (worker clock), for the re-read's log. */
    private long openedNanos;
    /** Publishers whose tracks are announced at the end of the signaling task now running. */
    private final Set<PeerSession> tracksToAnnounce = new HashSet<>();
    /**
     * When (worker clock) each remote peer's last join, leave or track event reached this room; a
     * reconciliation leaves alone any peer whose news is fresher than its snapshot can be
     * (see {@link #reconcile}). Entries older than {@link #CHANGE_MEMORY_NANOS} are pruned.
     */
    private final Map<String, Long> lastChange = new HashMap<>();
    /** Tracks published on other nodes, by key. */
    private final Map<String, UpTrack> remoteTracks = new HashMap<>();
    /** Fed by the audio tracks this node sees (local and relayed); read every tick. */
    private final SpeakerDetector speakers = new SpeakerDetector();
    /** Which audio each subscriber gets once the room is larger than the setting says. */
    private final LoudestAudio loudest;
    private boolean filteringAudio;
    private final RoomLink link;
    private final List<Peer> pendingJoins = new ArrayList<>();
    /**
     * Peers whose join reached this room after it closed, and the room that took them: their
     * later messages and their leave go there. (A message for anyone else after the close is
     * refused, never allowed to create a room nobody is in.)
     */
    private final Map<Peer, Room> handedOver = new HashMap<>();
    /** A peer left before the room opened: once open, the room may have nobody to serve. */
    private boolean joinCancelledWhileOpening;
    /** Joins whose membership record is being written; see {@link #join}. */
    private final Map<String, Peer> admitting = new HashMap<>();
    /** What admitting peers sent behind their join (an eager client's offer), replayed after the welcome. */
    private final Map<String, List<ClientMessage>> heldWhileAdmitting = new HashMap<>();
    /** More than this many messages before the welcome is no client's normal behaviour. */
    private static final int MAX_HELD_MESSAGES = 32;
    /** WHEP viewers that arrived before the membership snapshot. */
    private final List<Runnable> pendingWatches = new ArrayList<>();
    private boolean open;
    private volatile List<PeerInfo> memberView = List.of();
    private volatile boolean closed;
    /** Joins routed here by {@link RoomManager#roomForJoin} that this thread has not taken yet. */
    private final AtomicInteger reserved = new AtomicInteger();
    /** Local peers present or on their way in, as of this thread's last change; read by RoomManager. */
    private volatile int present;
    private long timerId = -1;

    Room(String roomId, MediaWorker worker, RoomManager manager, Settings settings, NodeMetrics metrics,
         ClusterContext cluster) {
        this.roomId = roomId;
        this.worker = worker;
        this.manager = manager;
        this.settings = settings;
        this.metrics = metrics;
        this.loudest = new LoudestAudio(speakers, settings.loudestAudioStreams());
        this.link = new RoomLink(cluster, roomId, worker, this);
        worker.execute(this::openLink);
    }

    /**
     * Joins the room's cluster channels, then merges the membership snapshot over whatever events
     * arrived meanwhile; joins wait until then so their {@code welcome} is complete.
     */
    private void openLink() {
        link.open().onComplete(ar -> {
            if (ar.failed()) {
                LOG.warning("room " + roomId + ": cannot read cluster membership: " + ar.cause());
            } else {
                for (MemberRecord r : ar.result()) {
                    if (!link.isOwn(r) && !departedDuringOpen.contains(r.peerId())) {
                        remoteJoined(r);
                    }
                }
            }
            departedDuringOpen.clear();
            open = true;
            openedNanos = worker.nowNanos();
            for (long delay : REREAD_AFTER_OPEN_MILLIS) {
                worker.later(delay, this::rereadMembership);
            }
            List<Peer> waiting = new ArrayList<>(pendingJoins);
            pendingJoins.clear();
            for (Peer p : waiting) {
                admitOrRefuse(p);
            }
            pendingWatches.forEach(Runnable::run);
            pendingWatches.clear();
            // Everyone who came while it opened may have left again: a room nobody uses ends.
            // (Only then: the first join is often still on its way when a local store answers.)
            if (joinCancelledWhileOpening) {
                closeIfUnused();
            }
            countPresent();
        });
    }

    /**
     * A peer that joins on another node while this room is opening can be missed by both the
     * snapshot (its record was not written yet) and the room event (its node published before it
     * knew this room's new consumer: Vert.x spreads registrations through Hazelcast
     * asynchronously). Reading the membership again once the registration has spread closes the
     * gap; {@link #reconcile} announces only what the members were not told.
     */
    private void rereadMembership() {
        if (closed) {
            return;
        }
        long mark = worker.nowNanos();
        link.membership().compose(records -> {
            Set<String> nodes = new HashSet<>();
            for (MemberRecord r : records) {
                nodes.add(r.busNodeId());
            }
            // Only peers of nodes that answer over the event bus, as in a reconciliation pass.
            return link.reachable(nodes).map(reachable -> Map.entry(records, reachable));
        }).onComplete(ar -> worker.execute(() -> worker.runAsSignalingTask(() -> {
            if (ar.failed()) {
                LOG.warning("room " + roomId + ": cannot re-read cluster membership: " + ar.cause());
                return;
            }
            int[] changes = reconcile(mark, ar.result().getKey(), ar.result().getValue());
            if (changes[0] + changes[1] + changes[3] > 0) {
                LOG.info(() -> "room " + roomId + ": re-read " + (mark - openedNanos) / 1_000_000 + " ms after open found "
                        + changes[0] + " peer(s) joined, " + changes[1] + " left and " + changes[3]
                        + " peer(s) with new tracks that no event had announced");
            }
        })));
    }

    /** Any thread. */
    public String roomId() {
        return roomId;
    }

    /** Any thread: the members on any node as of the last change. */
    public List<PeerInfo> members() {
        return memberView;
    }

    /** Any thread. */
    public boolean isClosed() {
        return closed;
    }

    Settings settings() {
        return settings;
    }

    /** Any thread: the media worker this part of the room lives on. */
    public int workerIndex() {
        return worker.index();
    }

    /** Any thread: a join is on its way here (RoomManager chose this part for it). */
    void reserve() {
        reserved.incrementAndGet();
    }

    /** Any thread: local peers present, on their way in, or routed here and not yet arrived. */
    int load() {
        return present + reserved.get();
    }

    private void countPresent() {
        present = sessions.size() + admitting.size() + pendingJoins.size();
    }

    /** Any thread: runs {@code task} on the room's thread. */
    public void execute(Runnable task) {
        worker.execute(task);
    }

    /** Room thread: runs work from outside the signaling queue as one signaling task (MediaWorker). */
    void runAsSignalingTask(Runnable task) {
        worker.runAsSignalingTask(task);
    }

    /**
     * Any thread: runs a client's signaling work (join, message, leave) on the room's thread,
     * after the signaling work queued before it and paced behind forwarding (MediaWorker).
     */
    public void executeSignaling(Runnable task) {
        worker.executeSignaling(task);
    }

    /**
     * Adds a peer, or refuses it with an error. A room that closed after the join was dispatched
     * hands the join to its successor so the client never sees the race.
     */
    public void join(Peer peer) {
        reserved.decrementAndGet();
        admitOrRefuse(peer);
        countPresent();
    }

    private void admitOrRefuse(Peer peer) {
        if (closed) {
            Room successor = manager.roomForJoin(roomId);
            handedOver.put(peer, successor);
            successor.execute(() -> successor.join(peer));
            return;
        }
        if (!open) {
            pendingJoins.add(peer);
            return;
        }
        if (members.size() + admitting.size() >= settings.maxPeersPerRoom()) {
            metrics.limitRejected("room_full");
            error(peer, ErrorCode.ROOM_FULL, "room " + roomId + " is full (" + settings.maxPeersPerRoom() + " peers)");
            peer.channel().joinRefused();
            return;
        }
        MemberRecord record = new MemberRecord(peer.peerId(), peer.name(), roomId, link.nodeId(), link.busNodeId(),
                workerIndex(), List.of());
        // The record is in the shared membership before the welcome goes out: a peer that joins
        // on another node after this welcome reads the room's membership and must find this
        // peer there. (The room event alone can miss it: the other node's new room consumer may
        // not be known here yet when the event is published.) Until then the peer is admitting:
        // counted against the room's size, sent nothing.
        admitting.put(peer.peerId(), peer);
        link.writeRecord(record).onComplete(ar -> worker.execute(() -> admit(peer, record)));
    }

    /** The joining peer's record is written (or the write failed, which was logged): it is in. */
    private void admit(Peer peer, MemberRecord record) {
        if (admitting.remove(peer.peerId()) == null) {
            // It left (closed socket) while its record was written.
            link.eraseRecord(record);
            closeIfUnused();
            countPresent();
            return;
        }
        List<PeerInfo> others = new ArrayList<>(members.size());
        for (MemberRecord r : members.values()) {
            others.add(new PeerInfo(r.peerId(), r.name()));
        }
        sessions.put(peer.peerId(), new PeerSession(peer, this, worker));
        countPresent();
        members.put(peer.peerId(), record);
        link.publishJoined(record);
        if (timerId < 0) {
            timerId = worker.every(TICK_MILLIS, this::tick);
        }
        worker.peerAdded();
        metrics.peers().incrementAndGet();
        publishMembers();
        peer.channel().admitted(this);
        peer.channel().send(new ServerMessage.Welcome(peer.peerId(), roomId, others, settings.nodeId()));
        broadcast(new ServerMessage.PeerJoined(peer.info()), peer);
        if (speakers.dominant() != null) {
            peer.channel().send(new ServerMessage.DominantSpeaker(speakers.dominant()));
        }
        LOG.info(() -> "peer " + peer.peerId() + " (" + peer.name() + ") joined room " + roomId
                + " on media worker " + worker.index() + "; " + sessions.size() + " peer(s)");
        List<ClientMessage> held = heldWhileAdmitting.remove(peer.peerId());
        if (held != null) {
            for (ClientMessage m : held) {
                handle(peer, m);
            }
        }
    }

    /**
     * A WHEP viewer of one member (OPERATIONS.md "WHIP and WHEP"): a session on this room's thread
     * that receives that member's tracks but is no member itself, so nobody gets {@code peerJoined}
     * or {@code peerLeft} for it. It gets a {@code welcome} (with no peers) as the go-ahead for its
     * offer, or {@code error{not_joined}} and {@link PeerChannel#joinRefused} when the member is not
     * in the room.
     */
    public void watch(Peer viewer, String publisherId) {
        reserved.decrementAndGet();
        startWatching(viewer, publisherId);
        countPresent();
    }

    private void startWatching(Peer viewer, String publisherId) {
        if (closed) {
            Room successor = manager.roomForJoin(roomId);
            handedOver.put(viewer, successor);
            successor.execute(() -> successor.watch(viewer, publisherId));
            return;
        }
        if (!open) {
            pendingWatches.add(() -> startWatching(viewer, publisherId));
            return;
        }
        if (!members.containsKey(publisherId)) {
            error(viewer, ErrorCode.NOT_JOINED, "no member " + publisherId + " in room " + roomId);
            viewer.channel().joinRefused();
            closeIfUnused();
            return;
        }
        sessions.put(viewer.peerId(), new PeerSession(viewer, this, worker, publisherId));
        if (timerId < 0) {
            timerId = worker.every(TICK_MILLIS, this::tick);
        }
        worker.peerAdded();
        metrics.peers().incrementAndGet();
        viewer.channel().admitted(this);
        viewer.channel().send(new ServerMessage.Welcome(viewer.peerId(), roomId, List.of(), settings.nodeId()));
        LOG.info(() -> "WHEP viewer " + viewer.peerId() + " watches " + publisherId + " in room " + roomId);
    }

    /** The tracks a member publishes right now, on this node or (as relayed tracks) another. */
    List<UpTrack> tracksOf(String peerId) {
        List<UpTrack> out = new ArrayList<>();
        PeerSession local = sessions.get(peerId);
        if (local != null) {
            out.addAll(local.publishedTracks());
        }
        for (UpTrack t : remoteTracks.values()) {
            if (t.publisherPeerId().equals(peerId)) {
                out.add(t);
            }
        }
        return out;
    }

    /** A member left: the WHEP viewers of it end too, since WHEP cannot bring them anything new. */
    private void endViewersOf(String publisherId) {
        for (PeerSession s : new ArrayList<>(sessions.values())) {
            if (publisherId.equals(s.watched())) {
                leave(s.peer());
                s.peer().channel().close(1000, "the member left");
            }
        }
    }

    /** Handles a joined peer's message. */
    public void handle(Peer peer, ClientMessage message) {
        Room successor = handedOver.get(peer);
        if (successor != null) {
            // Sent behind a join that was handed to this room's successor.
            successor.execute(() -> successor.handle(peer, message));
            return;
        }
        if (admitting.containsKey(peer.peerId()) || pendingJoins.contains(peer)) {
            // Behind a join that waits for the room to open or for its record: kept for after the welcome.
            List<ClientMessage> held = heldWhileAdmitting.computeIfAbsent(peer.peerId(), k -> new ArrayList<>());
            if (held.size() >= MAX_HELD_MESSAGES) {
                error(peer, ErrorCode.BAD_REQUEST, "more than " + MAX_HELD_MESSAGES + " messages before welcome");
            } else {
                held.add(message);
            }
            return;
        }
        PeerSession session = sessions.get(peer.peerId());
        if (session == null) {
            // The join was refused (or the peer already left) while this message was in flight.
            error(peer, ErrorCode.NOT_JOINED, "not joined to a room");
            return;
        }
        long now = worker.nowNanos();
        try {
            if (message instanceof ClientMessage.Offer offer) {
                session.onOffer(offer.sdp(), now);
            } else if (message instanceof ClientMessage.Answer answer) {
                session.onAnswer(answer.sdp(), now);
            } else if (message instanceof ClientMessage.IceCandidate ice) {
                checkCandidate(ice);
            } else if (message instanceof ClientMessage.Leave) {
                leave(peer);
                peer.channel().close(1000, "left");
            } else if (message instanceof ClientMessage.SetPreferences prefs) {
                session.setPreferences(prefs, now);
            } else if (message instanceof ClientMessage.Ping) {
                peer.channel().send(new ServerMessage.Pong());
            } else if (message instanceof ClientMessage.Join) {
                error(peer, ErrorCode.BAD_REQUEST, "already joined room " + roomId);
            }
        } catch (SignalException e) {
            error(peer, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            // A bug must cost this one request, never the room's thread or the other peers.
            LOG.log(java.util.logging.Level.WARNING, "peer " + peer.peerId() + ": internal error on "
                    + message.getClass().getSimpleName(), e);
            error(peer, ErrorCode.INTERNAL, "internal error handling " + message.getClass().getSimpleName());
        }
    }

    /**
     * The node is ICE-lite: it learns the client's address from the client's checks (RFC 8445 §2.5),
     * so trickled candidates carry nothing it needs. They are still checked, so a client bug shows.
     */
    private static void checkCandidate(ClientMessage.IceCandidate ice) throws SignalException {
        if (ice.candidate() == null || ice.candidate().isEndOfCandidates()) {
            return;
        }
        try {
            Candidate.parseTrickled(ice.candidate().candidate());
        } catch (SdpException e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "unparsable candidate: " + e.getMessage());
        }
    }

    /** Removes a peer (leave, closed socket, ICE timeout); the others get {@code peerLeft}. */
    public void leave(Peer peer) {
        removePeer(peer);
        countPresent();
    }

    private void removePeer(Peer peer) {
        Room successor = handedOver.remove(peer);
        if (successor != null) {
            successor.execute(() -> successor.leave(peer));
            return;
        }
        if (pendingJoins.remove(peer)) {
            // Left while the room was still opening: it never joined, and nobody hears of it.
            heldWhileAdmitting.remove(peer.peerId());
            joinCancelledWhileOpening = true;
            return;
        }
        if (admitting.remove(peer.peerId()) != null) {
            heldWhileAdmitting.remove(peer.peerId());
            return; // admit() sees it gone and erases the record being written
        }
        PeerSession session = sessions.remove(peer.peerId());
        if (session == null) {
            return;
        }
        session.close(worker.nowNanos());
        worker.peerRemoved();
        metrics.peers().decrementAndGet();
        MemberRecord record = members.remove(peer.peerId());
        if (record != null) {
            // A WHEP viewer has no record: nobody was told it came, so nobody is told it goes.
            link.announceLeave(record);
            publishMembers();
            broadcast(new ServerMessage.PeerLeft(peer.peerId()), null);
            endViewersOf(peer.peerId());
            speakerGone(peer.peerId());
        }
        LOG.info(() -> "peer " + peer.peerId() + " left room " + roomId + "; " + sessions.size() + " local peer(s)");
        closeIfUnused();
    }

    /** Closes the room when no local peer is in it or on its way in (admitting). */
    private void closeIfUnused() {
        if (sessions.isEmpty() && admitting.isEmpty()) {
            close();
        }
    }

    /** The last local peer left: this node stops taking part in the room. */
    private void close() {
        if (closed) {
            return; // a viewer's leave inside a member's leave may have closed it already
        }
        closed = true;
        worker.cancel(timerId);
        for (UpTrack t : remoteTracks.values()) {
            link.removeRemoteTrack(t, true);
        }
        remoteTracks.clear();
        link.close();
        manager.closed(this);
    }

    /** Drain's end: every local peer leaves (others get peerLeft), as if each had sent leave. */
    void leaveAll() {
        for (PeerSession s : new ArrayList<>(sessions.values())) {
            leave(s.peer());
            s.peer().channel().close(1001, "node shutting down");
        }
    }

    // ---- called by sessions ----

    /** A session answered its first offer: it now receives every track already published. */
    void sessionReady(PeerSession session) {
        long now = worker.nowNanos();
        for (PeerSession other : sessions.values()) {
            if (other != session) {
                for (UpTrack t : other.publishedTracks()) {
                    session.subscribe(t, now);
                }
            }
        }
        for (UpTrack t : remoteTracks.values()) {
            session.subscribe(t, now);
        }
    }

    void trackPublished(PeerSession publisher, UpTrack track) {
        listenForSpeech(track);
        long now = worker.nowNanos();
        for (PeerSession s : sessions.values()) {
            if (s != publisher) {
                s.subscribe(track, now);
            }
        }
        announceTracks(publisher);
    }

    void trackUnpublished(PeerSession publisher, UpTrack track, long nowNanos) {
        for (PeerSession s : sessions.values()) {
            if (s != publisher) {
                s.unsubscribe(track, nowNanos);
            }
        }
        link.localTrackGone(track);
        if (sessions.get(publisher.peer().peerId()) == publisher) {
            announceTracks(publisher);
        }
    }

    /**
     * Tells the other nodes and parts of the room what a publisher now sends, once per signaling
     * task: an offer that publishes audio and video adds two tracks, and one "tracks" event with
     * both lets each subscriber elsewhere renegotiate once (two events were two tasks there, so
     * two offers, the second after the client's answer to the first).
     */
    private void announceTracks(PeerSession publisher) {
        if (!tracksToAnnounce.add(publisher)) {
            return; // already to be announced after this task
        }
        if (!worker.afterSignalingTask(() -> announceTracksNow(publisher))) {
            announceTracksNow(publisher);
        }
    }

    private void announceTracksNow(PeerSession publisher) {
        tracksToAnnounce.remove(publisher);
        MemberRecord r = members.get(publisher.peer().peerId());
        if (r == null) {
            return;
        }
        List<TrackInfo> tracks = new ArrayList<>();
        for (UpTrack t : publisher.publishedTracks()) {
            tracks.add(TrackInfo.of(t));
        }
        MemberRecord updated = r.withTracks(tracks);
        members.put(r.peerId(), updated);
        link.announceTracks(updated);
    }

    // ---- the rest of the cluster (RoomLink.Listener) ----

    @Override
    public void remoteJoined(MemberRecord r) {
        lastChange.put(r.peerId(), worker.nowNanos());
        if (members.containsKey(r.peerId())) {
            remoteTracksChanged(r);
            return;
        }
        members.put(r.peerId(), r);
        publishMembers();
        broadcast(new ServerMessage.PeerJoined(new PeerInfo(r.peerId(), r.name())), null);
        remoteTracksChanged(r);
    }

    @Override
    public void remoteLeft(String peerId) {
        if (!open) {
            departedDuringOpen.add(peerId);
        }
        // Also for a peer this room never knew: a snapshot that still lists it must not revive it.
        lastChange.put(peerId, worker.nowNanos());
        MemberRecord r = members.get(peerId);
        if (r == null || sessions.containsKey(peerId)) {
            return;
        }
        members.remove(peerId);
        removeRemoteTracks(r, Set.of());
        publishMembers();
        broadcast(new ServerMessage.PeerLeft(peerId), null);
        endViewersOf(peerId);
        speakerGone(peerId);
    }

    @Override
    public void remoteTracksChanged(MemberRecord r) {
        if (sessions.containsKey(r.peerId()) || !members.containsKey(r.peerId())) {
            return;
        }
        if (r.version() < members.get(r.peerId()).version()) {
            return; // an older copy (a lagging read, or an event overtaken by a read): the newer one stands
        }
        lastChange.put(r.peerId(), worker.nowNanos());
        MemberRecord previous = members.put(r.peerId(), r);
        Set<String> keep = new HashSet<>();
        long now = worker.nowNanos();
        for (TrackInfo info : r.tracks()) {
            keep.add(info.key());
            if (!remoteTracks.containsKey(info.key())) {
                UpTrack t = link.addRemoteTrack(info, r);
                remoteTracks.put(info.key(), t);
                listenForSpeech(t);
                for (PeerSession s : sessions.values()) {
                    s.subscribe(t, now);
                }
            }
        }
        if (previous != null) {
            removeRemoteTracks(previous, keep);
        }
    }

    private void removeRemoteTracks(MemberRecord r, Set<String> keep) {
        long now = worker.nowNanos();
        for (TrackInfo info : r.tracks()) {
            if (keep.contains(info.key())) {
                continue;
            }
            UpTrack t = remoteTracks.remove(info.key());
            if (t != null) {
                for (PeerSession s : sessions.values()) {
                    s.unsubscribe(t, now);
                }
                link.removeRemoteTrack(t, false);
            }
        }
    }

    @Override
    public UpTrack localTrack(String key) {
        for (PeerSession s : sessions.values()) {
            for (UpTrack t : s.publishedTracks()) {
                for (UpTrack layer : t.layers()) {
                    if (layer.id().equals(key)) {
                        return layer;
                    }
                }
            }
        }
        return null;
    }

    /** A node died: its peers leave this room for everyone here (the worker's relay drops its links). */
    void nodeLeft(String busNodeId) {
        // One task: each local subscriber renegotiates once for all the tracks that went.
        worker.runAsSignalingTask(() -> {
            for (MemberRecord r : new ArrayList<>(members.values())) {
                if (r.busNodeId().equals(busNodeId) && !sessions.containsKey(r.peerId())) {
                    remoteLeft(r.peerId());
                }
            }
        });
    }

    // ---- reconciliation after a change of the cluster's member list (Reconciler) ----

    /**
     * Writes this node's peers' records to the membership store again and completes once they are
     * written: after a split-brain merge the store holds whatever each side kept, and a record
     * the merge lost would make every other node drop a live peer. Returns the worker-clock time
     * before the writes, the mark the following {@link #reconcile} measures freshness against.
     */
    Future<Long> reassertLocal() {
        long mark = worker.nowNanos();
        if (closed || !open) {
            return Future.succeededFuture(mark);
        }
        List<Future<Void>> writes = new ArrayList<>();
        for (String peerId : sessions.keySet()) {
            MemberRecord r = members.get(peerId);
            if (r != null) {
                writes.add(link.reassert(r));
            }
        }
        return Future.join(writes).transform(ar -> Future.succeededFuture(mark));
    }

    /**
     * Compares what this room's members were told with the cluster's live records (read after
     * {@code markNanos}) and tells them the difference: {@code peerJoined} (with the peer's
     * tracks subscribed here, so the relay subscribes at its publisher's worker and the local
     * sessions renegotiate) for each live peer of another node they do not know, and
     * {@code peerLeft} for each remote member without a live record. Only peers of nodes in
     * {@code reachableNodes} are announced as joined (a record is no proof of a node we trust;
     * an answer over the TLS event bus is); any live record keeps its peer from being dropped. Both go through
     * {@link #remoteJoined}/{@link #remoteLeft}, which change {@link #members} first, so a peer
     * is announced once however many passes and events agree. A peer whose last event came
     * within {@link #SETTLE_NANOS} of the mark, or after it, is left to its events: the snapshot
     * may predate them.
     *
     * <p>This node is the authority on its own peers: a record of this room that names this node
     * and this part's worker but no peer here (in the room or on its way in) stands for, is erased. A peer that left
     * during a partition can come back that way, its delete lost with the partition that held
     * the record or undone by the merge (seen in partition.test.mjs: the other side was told it
     * joined again after the heal, and it stayed listed for good).
     *
     * @return the number of peers announced as joined and as left, of stale records of this
     *         node erased, and of peers whose tracks the records brought, for the log
     */
    int[] reconcile(long markNanos, List<MemberRecord> liveRecords, Set<String> reachableNodes) {
        int[] changes = new int[4];
        if (closed || !open) {
            return changes; // a room still opening merges its own fresh snapshot
        }
        long settled = markNanos - SETTLE_NANOS;
        Map<String, MemberRecord> live = new LinkedHashMap<>();
        for (MemberRecord r : liveRecords) {
            if (!r.roomId().equals(roomId)) {
                continue;
            }
            if (!link.isOwn(r)) {
                live.put(r.peerId(), r);
            } else if (!sessions.containsKey(r.peerId()) && !admitting.containsKey(r.peerId())) {
                link.eraseRecord(r);
                changes[2]++;
            }
        }
        for (MemberRecord r : live.values()) {
            if (sessions.containsKey(r.peerId())) {
                continue;
            }
            MemberRecord known = members.get(r.peerId());
            if (known != null && r.version() > known.version()) {
                // Tracks newer than any event brought: no fresher news can be in flight (its
                // "tracks" event was missed, e.g. sent before this room's consumer was known there).
                remoteTracksChanged(r);
                changes[3]++;
                continue;
            }
            if (changedSince(r.peerId(), settled)) {
                continue;
            }
            if (known == null && !reachableNodes.contains(r.busNodeId())) {
                continue;
            }
            if (known == null) {
                remoteJoined(r);
                changes[0]++;
            } else if (r.version() == known.version() && !known.tracks().equals(r.tracks())) {
                remoteTracksChanged(r);
                changes[3]++;
            }
        }
        for (MemberRecord m : new ArrayList<>(members.values())) {
            if (sessions.containsKey(m.peerId()) || live.containsKey(m.peerId()) || changedSince(m.peerId(), settled)) {
                continue;
            }
            remoteLeft(m.peerId());
            changes[1]++;
        }
        long forget = worker.nowNanos() - CHANGE_MEMORY_NANOS;
        lastChange.values().removeIf(t -> t < forget);
        return changes;
    }

    private boolean changedSince(String peerId, long nanos) {
        Long t = lastChange.get(peerId);
        return t != null && t >= nanos;
    }

    /** ICE consent expired or DTLS failed: the peer is gone as far as media goes, so it leaves. */
    void transportLost(PeerSession session, String reason) {
        Peer peer = session.peer();
        if (sessions.get(peer.peerId()) != session) {
            return;
        }
        LOG.info(() -> "peer " + peer.peerId() + " removed: " + reason);
        leave(peer);
        peer.channel().close(4408, "media transport lost: " + reason);
    }

    void error(Peer peer, ErrorCode code, String message) {
        metrics.signalingError(code.wire());
        peer.channel().send(new ServerMessage.Error(code, message));
    }

    /** An audio track with RFC 6464 levels feeds the dominant-speaker detector. */
    private void listenForSpeech(UpTrack t) {
        SpeakerSink sink = SpeakerSink.of(t, speakers);
        if (sink != null) {
            t.addSink(sink);
        }
    }

    /** A member is gone: if it was the dominant speaker, there is none until someone speaks. */
    private void speakerGone(String peerId) {
        if (speakers.remove(peerId)) {
            broadcast(new ServerMessage.DominantSpeaker(null), null);
        }
    }

    private void tick() {
        long now = worker.nowNanos();
        if (speakers.tick(now)) {
            metrics.dominantSpeakerChange();
            broadcast(new ServerMessage.DominantSpeaker(speakers.dominant()), null);
        }
        filterAudio(now);
        for (PeerSession s : sessions.values()) {
            s.onTick(now);
        }
        for (UpTrack t : remoteTracks.values()) {
            t.onTick(now);
        }
    }

    /**
     * In a room of more members (on all nodes) than RELAYCAST_LOUDEST_AUDIO_ROOM_SIZE, each
     * subscriber gets only the RELAYCAST_LOUDEST_AUDIO_STREAMS loudest other members' audio
     * (LoudestAudio); below it, or once the room shrinks again, everyone's.
     */
    private void filterAudio(long now) {
        boolean filtering = members.size() > settings.loudestAudioRoomSize();
        if (!filtering && !filteringAudio) {
            return;
        }
        if (filtering) {
            loudest.update(now);
        }
        if (filtering != filteringAudio) {
            LOG.info(() -> "room " + roomId + ": " + (filtering ? "forwarding only the " + settings.loudestAudioStreams()
                    + " loudest audio streams to each member (" + members.size() + " members)" : "forwarding all audio again"));
        }
        filteringAudio = filtering;
        for (PeerSession s : sessions.values()) {
            s.filterAudio(filtering ? loudest : null, now);
        }
    }

    private void broadcast(ServerMessage message, Peer except) {
        for (PeerSession s : sessions.values()) {
            if (s.peer() != except) {
                s.peer().channel().send(message);
            }
        }
    }

    private void publishMembers() {
        List<PeerInfo> list = new ArrayList<>(members.size());
        for (MemberRecord r : members.values()) {
            list.add(new PeerInfo(r.peerId(), r.name()));
        }
        memberView = List.copyOf(list);
    }
}
