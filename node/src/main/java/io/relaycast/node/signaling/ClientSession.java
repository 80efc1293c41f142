package io.relaycast.node.signaling;

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
    private static final SecureRandom IDS = new SecureRandom();

    private final ServerWebSocket ws;
    private final SignalCodec codec;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final Context context;
    private int malformed;
    /** Set when a join is dispatched; cleared by {@link #joinRefused}. Touched on the WebSocket's thread. */
    private Peer peer;
    private Room room;
    private volatile boolean closed;

    ClientSession(ServerWebSocket ws, SignalCodec codec, RoomManager rooms, Readiness readiness, NodeMetrics metrics) {
        this.ws = ws;
        this.codec = codec;
        this.rooms = rooms;
        this.readiness = readiness;
        this.metrics = metrics;
        this.context = Vertx.currentContext();
    }

    void start() {
        ws.textMessageHandler(this::onFrame);
        ws.binaryMessageHandler(b -> malformed("binary frames are not part of the protocol"));
        ws.closeHandler(v -> onClosed());
        ws.exceptionHandler(e -> LOG.fine(() -> "websocket error: " + e));
    }

    private void onFrame(String frame) {
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
        String peerId = newPeerId();
        String name = join.name() != null && !join.name().isBlank() ? join.name() : peerId;
        peer = new Peer(peerId, name, true, true, this);
        room = rooms.roomFor(join.roomId());
        Peer p = peer;
        Room r = room;
        r.execute(() -> r.join(p));
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
