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
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * One client's WebSocket: frame assembly and decoding, the pre-join rules of PROTOCOL.md, the
 * close rules of issue 11, and hand-off of every message after {@code join} to the room's thread,
 * in arrival order.
 */
final class ClientSession implements PeerChannel {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());
    /** PROTOCOL.md: a client that sends more than 50 malformed frames is closed with 4400. */
    static final int MAX_MALFORMED_FRAMES = 50;
    /** PROTOCOL.md "Authentication": a refused token closes the socket with this code. */
    static final int CLOSE_UNAUTHORIZED = 4401;
    private static final SecureRandom IDS = new SecureRandom();

    /**
     * Closes a WebSocket that sent no join within {@code RELAYCAST_JOIN_TIMEOUT_SECONDS}, or from
     * which no complete frame arrived within {@code RELAYCAST_WS_FRAME_TIMEOUT_SECONDS}. Not 4408,
     * which a room sends when a peer's media transport is lost.
     */
    static final int CLOSE_TIMEOUT = 4409;
    /** RFC 6455 §7.4.1: a text message that is not UTF-8. */
    static final int CLOSE_INVALID_UTF8 = 1007;

    private final ServerWebSocket ws;
    private final FrameSizeGuard guard;
    private final ConnectionTable table;
    private final ConnectionTable.Entry entry;
    private final MessageAssembler assembler = new MessageAssembler(SignalCodec.MAX_FRAME_BYTES);
    private final SignalCodec codec;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final TokenVerifier tokens;
    private final Context context;
    private final Settings settings;
    private final TokenBucket messageRate;
    private int malformed;
    /** Inside a fragmented message: whether it is binary (RFC 6455 §5.4). */
    private boolean binaryMessage;
    private long lastFrameNanos;
    private long lastPingNanos;
    /** Set when a join is dispatched; cleared by {@link #joinRefused}. Touched on the WebSocket's thread. */
    private Peer peer;
    private Room room;
    /** Set when the peer was told to leave its room: it leaves once, at the first of close decision or TCP close. */
    private boolean left;
    /**
     * Set once the node decided to close the socket (4400, 4401, 4409, 1007, a room's close...):
     * nothing more is read from it or sent to it, whether or not the client answers the close.
     */
    private volatile boolean closing;
    private volatile boolean closed;

    ClientSession(ServerWebSocket ws, FrameSizeGuard guard, ConnectionTable table, ConnectionTable.Entry entry,
                  SignalCodec codec, RoomManager rooms, Readiness readiness, NodeMetrics metrics,
                  TokenVerifier tokens, Settings settings) {
        this.settings = settings;
        // Twice the per-second rate as burst: a join, an offer and a flurry of candidates arrive at once.
        this.messageRate = new TokenBucket(settings.maxMessagesPerSecond(), 2.0 * settings.maxMessagesPerSecond());
        this.ws = ws;
        this.guard = guard;
        this.table = table;
        this.entry = entry;
        this.codec = codec;
        this.rooms = rooms;
        this.readiness = readiness;
        this.metrics = metrics;
        this.tokens = tokens;
        this.context = Vertx.currentContext();
        this.lastFrameNanos = System.nanoTime();
        this.lastPingNanos = lastFrameNanos;
    }

    void start() {
        ws.frameHandler(this::onWsFrame);
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(this::onError);
    }

    /** Every complete frame, control frames included: each one proves the client is alive and not trickling. */
    private void onWsFrame(WebSocketFrame frame) {
        lastFrameNanos = System.nanoTime();
        if (closing) {
            return;
        }
        WebSocketFrameType type = frame.type();
        if (type != WebSocketFrameType.TEXT && type != WebSocketFrameType.BINARY
                && type != WebSocketFrameType.CONTINUATION) {
            return; // ping (Vert.x answers), pong, close (Vert.x answers; closeHandler follows)
        }
        byte[] payload = frame.binaryData().getBytes();
        // The guard stood an empty frame in for each oversized one; ask it for every empty data frame.
        boolean oversized = payload.length == 0 && guard.takeOversized();
        if (type == WebSocketFrameType.BINARY || (type == WebSocketFrameType.CONTINUATION && binaryMessage)) {
            binaryMessage = !frame.isFinal();
            if (frame.isFinal()) {
                malformed("binary frames are not part of the protocol");
            }
            return;
        }
        switch (assembler.add(payload, oversized, frame.isFinal())) {
            case INCOMPLETE -> { }
            case MESSAGE -> onMessage(assembler.message());
            case TOO_LARGE -> {
                metrics.limitRejected("frame_size");
                malformed("frame larger than 64 KiB");
            }
            case INVALID_UTF8 -> decideClose(CLOSE_INVALID_UTF8, "text frame is not valid UTF-8");
        }
    }

    /**
     * Netty's decoder reports protocol errors (unmasked frame, bad opcode, invalid UTF-8 it checks
     * itself) and then reads nothing more from the connection: close it with the code it names.
     */
    private void onError(Throwable e) {
        if (e instanceof CorruptedWebSocketFrameException bad) {
            decideClose(bad.closeStatus().code(), bad.closeStatus().reasonText());
        } else {
            LOG.fine(() -> "websocket error: " + e);
        }
    }

    private void onMessage(String frame) {
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
        table.joined(entry);
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
        metrics.authRejection(e.reason().label());
        LOG.fine(() -> "join refused (" + e.reason().label() + "): " + e.getMessage());
        sendError(ErrorCode.UNAUTHORIZED, e.getMessage());
        decideClose(CLOSE_UNAUTHORIZED, "unauthorized");
    }

    private void malformed(String reason) {
        sendError(ErrorCode.BAD_REQUEST, reason);
        if (++malformed > MAX_MALFORMED_FRAMES) {
            decideClose(4400, "too many malformed frames");
        }
    }

    private void sendError(ErrorCode code, String message) {
        metrics.signalingError(code.wire());
        send(new ServerMessage.Error(code, message));
    }

    /**
     * The node closes the socket: from here nothing more is read from it, and its peer leaves the
     * room now (the others get {@code peerLeft}) rather than when the TCP connection ends, which a
     * client that ignores the close frame delays by the closing timeout. On the WebSocket's thread.
     */
    private void decideClose(int code, String reason) {
        if (closing) {
            return;
        }
        metrics.websocketClose(code);
        leaveRoom();
        closing = true;
        if (!closed) {
            ws.close((short) code, reason);
        }
    }

    private void leaveRoom() {
        Peer p = peer;
        Room r = room;
        if (p != null && !left) {
            left = true;
            r.execute(() -> r.leave(p));
        }
    }

    private void onClosed() {
        closed = true;
        closing = true;
        leaveRoom();
        table.remove(entry);
    }

    /** Called by the connection table on this session's thread: a join or frame timeout. */
    void timedOut(String reason) {
        decideClose(CLOSE_TIMEOUT, reason);
    }

    long lastFrameNanos() {
        return lastFrameNanos;
    }

    /** PROTOCOL.md "Server keep-alive": a ping every {@code interval}; the pong proves the client alive. */
    void pingIfDue(long now, long intervalNanos) {
        if (!closing && now - lastPingNanos >= intervalNanos) {
            lastPingNanos = now;
            ws.writePing(Buffer.buffer());
        }
    }

    @Override
    public void send(ServerMessage message) {
        if (!closing) {
            ws.writeTextMessage(codec.encode(message));
        }
    }

    /**
     * A room closes the link (after {@code leave}, on a lost transport, at drain). Hops to the
     * WebSocket's thread; writes made before this call were queued there first, so they go out first.
     */
    @Override
    public void close(int code, String reason) {
        context.runOnContext(v -> decideClose(code, reason));
    }

    @Override
    public void joinRefused() {
        // Called on the room's thread; the session's fields belong to the WebSocket's thread.
        context.runOnContext(v -> {
            peer = null;
            room = null;
            left = false;
            table.joinRefused(entry);
        });
    }

    private static String newPeerId() {
        byte[] b = new byte[8];
        IDS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
