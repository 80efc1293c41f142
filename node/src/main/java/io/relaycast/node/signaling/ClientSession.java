package io.relaycast.node.signaling;

import io.relaycast.node.Settings;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.room.PeerChannel;
import io.relaycast.node.room.RoomManager;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalCodec;
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
import java.util.logging.Logger;

/**
 * One client's WebSocket: frame assembly, the close rules of issue 11, keep-alive; each complete
 * text message goes to the transport-free {@link SignalingSession}, which holds the protocol's
 * pre-join rules and hands later messages to the room.
 */
final class ClientSession implements PeerChannel {
    private static final Logger LOG = Logger.getLogger(ClientSession.class.getName());
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
    private final NodeMetrics metrics;
    private final Context context;
    private final SignalingSession signaling;
    /** Inside a fragmented message: whether it is binary (RFC 6455 §5.4). */
    private boolean binaryMessage;
    private long lastFrameNanos;
    private long lastPingNanos;
    /**
     * Set once the node decided to close the socket (4400, 4401, 4409, 1007, a room's close...):
     * nothing more is read from it or sent to it, whether or not the client answers the close.
     */
    private volatile boolean closing;
    private volatile boolean closed;

    ClientSession(ServerWebSocket ws, FrameSizeGuard guard, ConnectionTable table, ConnectionTable.Entry entry,
                  SignalCodec codec, RoomManager rooms, Readiness readiness, NodeMetrics metrics,
                  TokenVerifier tokens, Settings settings) {
        this.ws = ws;
        this.guard = guard;
        this.table = table;
        this.entry = entry;
        this.codec = codec;
        this.metrics = metrics;
        this.context = Vertx.currentContext();
        this.signaling = new SignalingSession(new SignalingSession.Link() {
            @Override
            public void send(ServerMessage message) {
                ClientSession.this.send(message);
            }

            @Override
            public void close(int code, String reason) {
                decideClose(code, reason);
            }

            @Override
            public String urlToken() {
                return queryParameter(ws.query(), "token");
            }

            @Override
            public void joined() {
                table.joined(entry);
            }

            @Override
            public void joinRefused() {
                table.joinRefused(entry);
            }
        }, this, codec, rooms, readiness, metrics, tokens, settings, IDS);
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
                signaling.malformed("binary frames are not part of the protocol");
            }
            return;
        }
        switch (assembler.add(payload, oversized, frame.isFinal())) {
            case INCOMPLETE -> { }
            case MESSAGE -> signaling.onText(assembler.message(), System.nanoTime(), System.currentTimeMillis());
            case TOO_LARGE -> {
                metrics.limitRejected("frame_size");
                signaling.malformed("frame larger than 64 KiB");
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
        signaling.leaveRoom();
        closing = true;
        if (!closed) {
            ws.close((short) code, reason);
        }
    }

    private void onClosed() {
        closed = true;
        closing = true;
        signaling.leaveRoom();
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
        context.runOnContext(v -> signaling.joinRefused());
    }
}
