package io.relaycast.node.signaling;

import io.relaycast.node.auth.AuthGrant;
import io.relaycast.node.auth.AuthRejection;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.Settings;
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
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * One client's WebSocket: frame decoding, the pre-join rules of PROTOCOL.md, and hand-off of
 * every message after {@code join} to the room's thread, in arrival order.
 */
final class ClientSession implements PeerChannel {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());
    /** PROTOCOL.md: a client that sends more than 50 malformed frames is closed with 4400. */
    static final int MAX_MALFORMED_FRAMES = 50;
    /** PROTOCOL.md "Authentication": a refused token closes the socket with this code. */
    static final int CLOSE_UNAUTHORIZED = 4401;
    private static final SecureRandom IDS = new SecureRandom();

    private final ServerWebSocket ws;
    private final SignalCodec codec;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final TokenVerifier tokens;
    private final Context context;
    private final Settings settings;
    private final TokenBucket messageRate;
    private int malformed;
    /** Set once a token was refused: the socket is closing and nothing more is read from it. */
    private boolean refused;
    /** Set when a join is dispatched; cleared by {@link #joinRefused}. Touched on the WebSocket's thread. */
    private Peer peer;
    private Room room;
    private volatile boolean closed;

    ClientSession(ServerWebSocket ws, SignalCodec codec, RoomManager rooms, Readiness readiness, NodeMetrics metrics,
                  TokenVerifier tokens, Settings settings) {
        this.settings = settings;
        // Twice the per-second rate as burst: a join, an offer and a flurry of candidates arrive at once.
        this.messageRate = new TokenBucket(settings.maxMessagesPerSecond(), 2.0 * settings.maxMessagesPerSecond());
        this.ws = ws;
        this.codec = codec;
        this.rooms = rooms;
        this.readiness = readiness;
        this.metrics = metrics;
        this.tokens = tokens;
        this.context = Vertx.currentContext();
    }

    void start() {
        ws.textMessageHandler(this::onFrame);
        ws.binaryMessageHandler(b -> malformed("binary frames are not part of the protocol"));
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(e -> LOG.fine(() -> "websocket error: " + e));
    }

    private void onFrame(String frame) {
        if (refused) {
            return;
        }
        if (!messageRate.tryTake(System.nanoTime())) {
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
            beforeJoin(msg);
        } else {
            Peer p = peer;
            Room r = room;
            r.execute(() -> r.handle(p, msg));
        }
    }

    private void beforeJoin(ClientMessage msg) {
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
        // Inline on this event loop: see TokenVerifier for why that is short enough.
        AuthGrant grant;
        try {
            grant = tokens.verify(tokenOf(join), join.roomId(), System.currentTimeMillis());
        } catch (AuthRejection e) {
            refuse(e);
            return;
        }
        String peerId = newPeerId();
        String name = join.name() != null && !join.name().isBlank() ? join.name()
                : grant.subject() != null ? grant.subject() : peerId;
        peer = new Peer(peerId, name, grant.canPublish(), grant.canSubscribe(), this);
        room = rooms.roomFor(join.roomId());
        Peer p = peer;
        Room r = room;
        r.execute(() -> r.join(p));
    }

    /** PROTOCOL.md: the token is {@code join.token} or else the {@code token} query parameter of the URL. */
    private String tokenOf(ClientMessage.Join join) {
        if (join.token() != null && !join.token().isBlank()) {
            return join.token();
        }
        return queryParameter(ws.query(), "token");
    }

    /** The first value of {@code name} in a URL query string, percent-decoded; null when absent. */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                String raw = eq < 0 ? "" : pair.substring(eq + 1);
                try {
                    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException badEscape) {
                    // Handed on as sent: the verifier then refuses it as malformed.
                    return raw;
                }
            }
        }
        return null;
    }

    private void refuse(AuthRejection e) {
        refused = true;
        metrics.authRejection(e.reason().label());
        LOG.fine(() -> "join refused (" + e.reason().label() + "): " + e.getMessage());
        sendError(ErrorCode.UNAUTHORIZED, e.getMessage());
        close(CLOSE_UNAUTHORIZED, "unauthorized");
    }

    private void malformed(String reason) {
        sendError(ErrorCode.BAD_REQUEST, reason);
        if (++malformed > MAX_MALFORMED_FRAMES) {
            close(4400, "too many malformed frames");
        }
    }

    private void sendError(ErrorCode code, String message) {
        metrics.signalingError(code.wire());
        send(new ServerMessage.Error(code, message));
    }

    private void onClosed() {
        closed = true;
        Peer p = peer;
        Room r = room;
        if (p != null) {
            r.execute(() -> r.leave(p));
        }
    }

    @Override
    public void send(ServerMessage message) {
        if (!closed) {
            ws.writeTextMessage(codec.encode(message));
        }
    }

    @Override
    public void close(int code, String reason) {
        if (!closed) {
            ws.close((short) code, reason);
        }
    }

    @Override
    public void joinRefused() {
        // Called on the room's thread; the session's fields belong to the WebSocket's thread.
        context.runOnContext(v -> {
            peer = null;
            room = null;
        });
    }

    private static String newPeerId() {
        byte[] b = new byte[8];
        IDS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
