package io.relaycast.node.room;

import io.relaycast.node.Settings;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * A room's state on this node. Every method but the accessors marked "any thread" runs on the
 * room's media worker thread, reached through {@link #execute}; that is what makes membership
 * changes and forwarding lock-free.
 *
 * <p>Ordering (PROTOCOL.md "Ordering guarantees"): because joins and leaves are applied one at a
 * time on this thread, a joining peer's {@code welcome} lists exactly the members before it, every
 * later change reaches it as one {@code peerJoined}/{@code peerLeft}, and it is sent after the
 * welcome since both go through the same ordered channel.
 */
public final class Room {
    private static final Logger LOG = Logger.getLogger(Room.class.getName());

    private final String roomId;
    private final MediaWorker worker;
    private final RoomManager manager;
    private final Settings settings;
    private final NodeMetrics metrics;
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private volatile List<PeerInfo> members = List.of();
    private volatile boolean closed;

    Room(String roomId, MediaWorker worker, RoomManager manager, Settings settings, NodeMetrics metrics) {
        this.roomId = roomId;
        this.worker = worker;
        this.manager = manager;
        this.settings = settings;
        this.metrics = metrics;
    }

    /** Any thread. */
    public String roomId() {
        return roomId;
    }

    /** Any thread: the members as of the last change. */
    public List<PeerInfo> members() {
        return members;
    }

    /** Any thread. */
    public boolean isClosed() {
        return closed;
    }

    /** Any thread: runs {@code task} on the room's thread. */
    public void execute(Runnable task) {
        worker.execute(task);
    }

    /**
     * Adds a peer, or refuses it with an error. A room that closed after the join was dispatched
     * hands the join to its successor so the client never sees the race.
     */
    public void join(Peer peer) {
        if (closed) {
            Room successor = manager.roomFor(roomId);
            successor.execute(() -> successor.join(peer));
            return;
        }
        if (peers.size() >= settings.maxPeersPerRoom()) {
            refuse(peer, ErrorCode.ROOM_FULL, "room " + roomId + " is full (" + settings.maxPeersPerRoom() + " peers)");
            return;
        }
        List<PeerInfo> others = new ArrayList<>(peers.size());
        for (Peer p : peers.values()) {
            others.add(p.info());
        }
        peers.put(peer.peerId(), peer);
        worker.peerAdded();
        metrics.peers().incrementAndGet();
        publishMembers();
        peer.channel().send(new ServerMessage.Welcome(peer.peerId(), roomId, others, settings.nodeId()));
        broadcast(new ServerMessage.PeerJoined(peer.info()), peer);
        LOG.info(() -> "peer " + peer.peerId() + " (" + peer.name() + ") joined room " + roomId
                + " on media worker " + worker.index() + "; " + peers.size() + " peer(s)");
    }

    /** Handles a joined peer's message. */
    public void handle(Peer peer, ClientMessage message) {
        if (closed && !peers.containsKey(peer.peerId())) {
            // Sent right behind a join that was handed to this room's successor.
            Room successor = manager.roomFor(roomId);
            successor.execute(() -> successor.handle(peer, message));
            return;
        }
        if (!peers.containsKey(peer.peerId())) {
            // The join was refused (or the peer already left) while this message was in flight.
            error(peer, ErrorCode.NOT_JOINED, "not joined to a room");
            return;
        }
        if (message instanceof ClientMessage.Leave) {
            leave(peer);
            peer.channel().close(1000, "left");
        } else if (message instanceof ClientMessage.Ping) {
            peer.channel().send(new ServerMessage.Pong());
        } else if (message instanceof ClientMessage.Join) {
            error(peer, ErrorCode.BAD_REQUEST, "already joined room " + roomId);
        } else {
            error(peer, ErrorCode.UNSUPPORTED, "media negotiation is not available in this build");
        }
    }

    /** Removes a peer (leave, closed socket, ICE timeout); the others get {@code peerLeft}. */
    public void leave(Peer peer) {
        if (peers.remove(peer.peerId()) == null) {
            return;
        }
        worker.peerRemoved();
        metrics.peers().decrementAndGet();
        publishMembers();
        broadcast(new ServerMessage.PeerLeft(peer.peerId()), null);
        LOG.info(() -> "peer " + peer.peerId() + " left room " + roomId + "; " + peers.size() + " peer(s)");
        if (peers.isEmpty()) {
            closed = true;
            manager.closed(this);
        }
    }

    private void refuse(Peer peer, ErrorCode code, String message) {
        error(peer, code, message);
        peer.channel().joinRefused();
    }

    private void error(Peer peer, ErrorCode code, String message) {
        metrics.signalingError(code.wire());
        peer.channel().send(new ServerMessage.Error(code, message));
    }

    private void broadcast(ServerMessage message, Peer except) {
        for (Peer p : peers.values()) {
            if (p != except) {
                p.channel().send(message);
            }
        }
    }

    private void publishMembers() {
        List<PeerInfo> list = new ArrayList<>(peers.size());
        for (Peer p : peers.values()) {
            list.add(p.info());
        }
        members = List.copyOf(list);
    }
}
