package io.relaycast.node.signaling;

import io.relaycast.node.Settings;
import io.relaycast.node.auth.AuthGrant;
import io.relaycast.node.auth.AuthRejection;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.limits.TokenBucket;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.room.Peer;
import io.relaycast.node.room.PeerChannel;
import io.relaycast.node.room.Room;
import io.relaycast.node.room.RoomManager;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalCodec;
import io.relaycast.signal.SignalException;

import java.util.HexFormat;
import java.util.Random;
import java.util.logging.Logger;

/**
 * One client's signaling, free of the transport that carries it: the message rate limit,
 * decoding, the pre-join rules of PROTOCOL.md (join first, readiness, capacity, token), and the
 * hand-off of every later message to the room's thread in arrival order. A WebSocket
 * ({@link ClientSession}) and the deterministic simulation's in-memory link both drive it, so both
 * run the same rules. Single-threaded: call it on the link's own thread.
 */
public final class SignalingSession {
    private static final Logger LOG = Logger.getLogger(SignalingSession.class.getName());
    /** PROTOCOL.md: a client that sends more than 50 malformed frames is closed with 4400. */
    static final int MAX_MALFORMED_FRAMES = 50;
    /** PROTOCOL.md "Authentication": a refused token closes the socket with this code. */
    static final int CLOSE_UNAUTHORIZED = 4401;

    /** What the session needs of the link that carries it. Called on the link's thread. */
    public interface Link {
        /** Sends one message, unless the link is closing. */
        void send(ServerMessage message);

        /** The node decided to close the link with this code (the session has already left its room). */
        void close(int code, String reason);

        /** The token the link's URL carried ({@code ?token=}), or null. */
        String urlToken();

        /** The join was dispatched to a room (connection bookkeeping). */
        default void joined() {
        }

        /** A room refused the join: the link is back to its not-joined state. */
        default void joinRefused() {
        }
    }

    private final Link link;
    private final PeerChannel channel;
    private final SignalCodec codec;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final TokenVerifier tokens;
    private final Settings settings;
    private final Random ids;
    private final TokenBucket messageRate;
    private int malformed;
    /** Set when a join is dispatched; cleared by {@link #joinRefused}. */
    private Peer peer;
    private Room room;
    /** Set when the peer was told to leave its room: it leaves once. */
    private boolean left;

    /**
     * @param channel what the room sends to: the peer's link as any thread may call it
     * @param ids     where peer ids come from (a seeded generator in the simulation)
     */
    public SignalingSession(Link link, PeerChannel channel, SignalCodec codec, RoomManager rooms, Readiness readiness,
                            NodeMetrics metrics, TokenVerifier tokens, Settings settings, Random ids) {
        this.link = link;
        this.channel = channel;
        this.codec = codec;
        this.rooms = rooms;
        this.readiness = readiness;
        this.metrics = metrics;
        this.tokens = tokens;
        this.settings = settings;
        this.ids = ids;
        // Twice the per-second rate as burst: a join, an offer and a flurry of candidates arrive at once.
        this.messageRate = new TokenBucket(settings.maxMessagesPerSecond(), 2.0 * settings.maxMessagesPerSecond());
    }

    /** One complete text message from the client; {@code nowNanos} is the link's clock, {@code wallMillis} for tokens. */
    public void onText(String frame, long nowNanos, long wallMillis) {
        if (!messageRate.tryTake(nowNanos)) {
            // Dropped unread: a flood must not cost the room thread anything. It counts as malformed,
            // so a client that keeps flooding is closed (4400) like one that keeps sending garbage.
            metrics.limitRejected("message_rate");
            malformed("rate limit: more than " + settings.maxMessagesPerSecond()
                    + " messages per second (RELAYCAST_MAX_MESSAGES_PER_SECOND); message dropped");
            return;
        }
        ClientMessage msg;
        try {
            msg = codec.decodeClient(frame);
        } catch (SignalCodec.UnknownTypeException e) {
            // Unknown types are answered but not held against the client: a newer client may send them.
            sendError(e.code(), e.getMessage());
            return;
        } catch (SignalException e) {
            malformed(e.getMessage());
            return;
        }
        if (peer == null) {
            beforeJoin(msg, wallMillis);
        } else {
            Peer p = peer;
            Room r = room;
            r.executeSignaling(() -> r.handle(p, msg));
        }
    }

    private void beforeJoin(ClientMessage msg, long wallMillis) {
        if (!(msg instanceof ClientMessage.Join join)) {
            sendError(ErrorCode.NOT_JOINED, "the first message must be join");
            return;
        }
        if (!readiness.acceptsJoins()) {
            sendError(ErrorCode.OVERLOADED, readiness.state() == Readiness.State.DRAINING
                    ? "this node is draining; reconnect to another node" : "this node is still starting");
            return;
        }
        if (metrics.peers().get() >= settings.maxPeersPerNode()) {
            metrics.limitRejected("peers_per_node");
            sendError(ErrorCode.OVERLOADED, "this node is at capacity (" + settings.maxPeersPerNode()
                    + " peers); reconnect to another node");
            return;
        }
        // The token is checked before the room is looked up, so a refused join leaves no room state.
        // Inline on this thread: see TokenVerifier for why that is short enough.
        AuthGrant grant;
        try {
            grant = tokens.verify(tokenOf(join), join.roomId(), wallMillis);
        } catch (AuthRejection e) {
            refuse(e);
            return;
        }
        String peerId = newPeerId();
        String name = join.name() != null && !join.name().isBlank() ? join.name()
                : grant.subject() != null ? grant.subject() : peerId;
        peer = new Peer(peerId, name, grant.canPublish(), grant.canSubscribe(), channel);
        room = rooms.roomForJoin(join.roomId());
        link.joined();
        Peer p = peer;
        Room r = room;
        r.executeSignaling(() -> r.join(p));
    }

    /** PROTOCOL.md: the token is {@code join.token} or else the {@code token} query parameter of the URL. */
    private String tokenOf(ClientMessage.Join join) {
        if (join.token() != null && !join.token().isBlank()) {
            return join.token();
        }
        return link.urlToken();
    }

    private void refuse(AuthRejection e) {
        metrics.authRejection(e.reason().label());
        LOG.fine(() -> "join refused (" + e.reason().label() + "): " + e.getMessage());
        sendError(ErrorCode.UNAUTHORIZED, e.getMessage());
        leaveRoom();
        link.close(CLOSE_UNAUTHORIZED, "unauthorized");
    }

    /** A message the protocol does not allow: answered with an error; too many close the link (4400). */
    public void malformed(String reason) {
        sendError(ErrorCode.BAD_REQUEST, reason);
        if (++malformed > MAX_MALFORMED_FRAMES) {
            leaveRoom();
            link.close(4400, "too many malformed frames");
        }
    }

    private void sendError(ErrorCode code, String message) {
        metrics.signalingError(code.wire());
        link.send(new ServerMessage.Error(code, message));
    }

    /** The peer leaves its room now, once; nothing if it never joined. */
    public void leaveRoom() {
        Peer p = peer;
        Room r = room;
        if (p != null && !left) {
            left = true;
            r.executeSignaling(() -> r.leave(p));
        }
    }

    /** The room refused the join: back to the not-joined state. */
    public void joinRefused() {
        peer = null;
        room = null;
        left = false;
        link.joinRefused();
    }

    private String newPeerId() {
        byte[] b = new byte[8];
        ids.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
