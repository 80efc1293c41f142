package io.relaycast.node.signaling;

import io.relaycast.node.Settings;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.room.RoomManager;
import io.relaycast.node.whip.WhipEndpoints;
import io.relaycast.node.cluster.MemberRecord;
import io.relaycast.signal.SignalCodec;
import com.sun.management.UnixOperatingSystemMXBean;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * HTTP and WebSocket front of the node (OPERATIONS.md "Endpoints"): the demo page and the client
 * library, {@code /ws} signaling, WHIP and WHEP, health, readiness, Prometheus metrics and the room listing.
 */
public final class SignalingVerticle extends AbstractVerticle {
    private static final Logger LOG = Logger.getLogger(SignalingVerticle.class.getName());
    /**
     * File descriptors kept free beyond both connection caps: media and cluster sockets, jars,
     * logs, and accept itself, which must never fail with "Too many open files".
     */
    static final int FD_RESERVE = 1024;
    /** How often the connection table applies its timeouts. */
    private static final long SWEEP_MILLIS = 250;

    private final Settings settings;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final TokenVerifier tokens;
    private final SignalCodec codec = new SignalCodec();
    private HttpServer server;
    private ConnectionTable table;
    private long sweepTimer;

    public SignalingVerticle(Settings settings, RoomManager rooms, Readiness readiness, NodeMetrics metrics,
                             TokenVerifier tokens) {
        this.settings = settings;
        this.rooms = rooms;
        this.readiness = readiness;
        this.metrics = metrics;
        this.tokens = tokens;
    }

    @Override
    public void start(Promise<Void> startPromise) {
        Router router = Router.router(vertx);
        router.get("/health").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
        router.get("/ready").handler(this::ready);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
        router.get("/api/rooms").handler(this::listRooms);
        new WhipEndpoints(vertx, rooms, readiness, metrics, tokens, settings).mount(router);
        router.get("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));

        table = new ConnectionTable(context, metrics, unjoinedCap(settings, maxFileDescriptors()),
                settings.maxConnectionsPerIp(), settings.headerTimeoutSeconds(), settings.joinTimeoutSeconds(),
                settings.frameTimeoutSeconds());
        sweepTimer = vertx.setPeriodic(SWEEP_MILLIS, id -> table.sweep(System.nanoTime()));
        server = vertx.createHttpServer(new HttpServerOptions()
                // FrameSizeGuard turns every frame over 64 KiB into an empty one before Netty's decoder,
                // so these only bound bytes that reach the decoder some other way.
                .setMaxWebSocketFrameSize(SignalCodec.MAX_FRAME_BYTES)
                .setMaxWebSocketMessageSize(SignalCodec.MAX_FRAME_BYTES)
                // Netty's defaults, stated: a request line or headers past these get 414/431 and a close.
                .setMaxInitialLineLength(4096)
                .setMaxHeaderSize(8192)
                // Backstop only. Vert.x puts its idle handler behind the HTTP and WebSocket decoders, so
                // it sees complete requests and frames, not bytes: it too catches a trickle, but closes
                // without a close frame, so it is set past the table's own timeouts, which close first.
                .setReadIdleTimeout(2 * Math.max(settings.frameTimeoutSeconds(),
                        Math.max(settings.headerTimeoutSeconds(), settings.joinTimeoutSeconds())))
                // After the node's close frame, how long a client may take to answer it before the TCP
                // connection is closed (Vert.x's default is 10 s). The peer has left the room already.
                .setWebSocketClosingTimeout(2)
                // No HTTP/2 over cleartext: with it Vert.x waits for the first bytes to tell HTTP/2's
                // preface from HTTP/1.x before it reports the connection, so idle sockets went uncounted.
                .setHttp2ClearTextEnabled(false));
        server.connectionHandler(this::onConnection);
        server.requestHandler(req -> onRequest(req, router));
        server.listen(settings.httpPort(), settings.httpHost()).onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info(() -> "signaling listening on " + settings.httpHost() + ":" + ar.result().actualPort());
                startPromise.complete();
            } else {
                startPromise.fail("cannot listen on " + settings.httpHost() + ":" + settings.httpPort() + ": "
                        + ar.cause().getMessage());
            }
        });
    }

    /** The port actually bound (differs from the setting only in tests that ask for port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public void stop() {
        vertx.cancelTimer(sweepTimer);
    }

    private static Channel channelOf(HttpConnection conn) {
        return ((HttpServerConnection) conn).channelHandlerContext().channel();
    }

    private void onConnection(HttpConnection conn) {
        SocketAddress remote = conn.remoteAddress();
        String address = remote == null ? "unknown" : remote.hostAddress();
        table.opened(channelOf(conn), address, System.nanoTime());
    }

    private void onRequest(HttpServerRequest req, Router router) {
        ConnectionTable.Entry entry = table.get(channelOf(req.connection()));
        if (entry == null) {
            req.connection().close(); // refused at accept, or already closed by a timeout
            return;
        }
        table.requestStarted(entry, req, System.nanoTime());
        if ("/ws".equals(req.path()) && req.headers().contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) {
            upgrade(req, entry);
        } else {
            router.handle(req);
        }
    }

    /**
     * The guard goes in front of the HTTP decoder now, while the stream is at the end of the
     * upgrade request: every byte after it is a WebSocket frame (RFC 6455 §4.1).
     */
    private void upgrade(HttpServerRequest req, ConnectionTable.Entry entry) {
        ChannelPipeline pipeline = entry.channel.pipeline();
        if (pipeline.get("httpDecoder") == null) {
            // Vert.x 5.0.10's name for its HTTP/1.x request decoder; pinned, but fail loudly if it moves.
            LOG.severe("no httpDecoder in the HTTP pipeline: cannot guard WebSocket frame sizes; refusing upgrades");
            req.response().setStatusCode(500).end();
            return;
        }
        FrameSizeGuard guard = new FrameSizeGuard(SignalCodec.MAX_FRAME_BYTES);
        pipeline.addBefore("httpDecoder", FrameSizeGuard.NAME, guard);
        req.toWebSocket().onComplete(ar -> {
            if (ar.failed()) {
                // Not a WebSocket after all (Vert.x answered 400): the connection stays HTTP.
                if (pipeline.get(FrameSizeGuard.NAME) != null) {
                    pipeline.remove(FrameSizeGuard.NAME);
                }
                return;
            }
            ServerWebSocket ws = ar.result();
            ClientSession session = new ClientSession(ws, guard, table, entry, codec, rooms, readiness, metrics,
                    tokens, settings);
            table.upgraded(entry, session, System.nanoTime());
            if (ws.isClosed()) {
                table.remove(entry);
                return;
            }
            session.start();
        });
    }

    /**
     * The cap on connections that are not joined peers: the setting, lowered if it and the peers'
     * cap would not leave {@link #FD_RESERVE} descriptors free under the process's limit.
     */
    static int unjoinedCap(Settings settings, long maxFds) {
        int cap = settings.maxConnections();
        if (maxFds > 0 && (long) cap + settings.maxPeersPerNode() + FD_RESERVE > maxFds) {
            int lowered = (int) Math.max(16, maxFds - settings.maxPeersPerNode() - FD_RESERVE);
            LOG.warning(() -> "RELAYCAST_MAX_CONNECTIONS " + cap + " + RELAYCAST_MAX_PEERS_PER_NODE "
                    + settings.maxPeersPerNode() + " would not leave " + FD_RESERVE + " of the " + maxFds
                    + " file descriptors free (ulimit -n): using " + lowered + " connections");
            return lowered;
        }
        return cap;
    }

    /** The process's open-file limit, or -1 where the JVM cannot tell. */
    private static long maxFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    private void ready(RoutingContext ctx) {
        boolean ok = readiness.acceptsJoins();
        ctx.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "text/plain")
                .end(readiness.state().name().toLowerCase() + "\n");
    }

    private void listRooms(RoutingContext ctx) {
        rooms.clusterRooms().onComplete(ar -> {
            if (ar.failed()) {
                ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", "membership unavailable: " + ar.cause().getMessage()).encode());
                return;
            }
            JsonArray out = new JsonArray();
            for (Map.Entry<String, List<MemberRecord>> e : ar.result().entrySet()) {
                JsonArray peers = new JsonArray();
                for (MemberRecord p : e.getValue()) {
                    peers.add(new JsonObject().put("peerId", p.peerId()).put("name", p.name()).put("nodeId", p.nodeId()));
                }
                out.add(new JsonObject().put("roomId", e.getKey()).put("peers", peers));
            }
            ctx.response().putHeader("content-type", "application/json")
                    .end(new JsonObject().put("rooms", out).encode());
        });
    }
}
