package io.relaycast.node.signaling;

import io.relaycast.node.Settings;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.room.RoomManager;
import io.relaycast.node.whip.WhipEndpoints;
import io.relaycast.node.cluster.MemberRecord;
import io.relaycast.signal.SignalCodec;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

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
     * Frames up to this size reach the codec, which answers anything over 64 KiB with
     * {@code bad_request}; past it Vert.x closes the socket (1009) without buffering more.
     */
    private static final int MAX_WEBSOCKET_MESSAGE = 1024 * 1024;

    private final Settings settings;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final TokenVerifier tokens;
    private final SignalCodec codec = new SignalCodec();
    private HttpServer server;

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

        server = vertx.createHttpServer(new HttpServerOptions()
                .setMaxWebSocketFrameSize(MAX_WEBSOCKET_MESSAGE)
                .setMaxWebSocketMessageSize(MAX_WEBSOCKET_MESSAGE));
        server.webSocketHandler(this::onWebSocket);
        server.requestHandler(router);
        server.listen(settings.httpPort(), settings.httpHost()).onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info(() -> "signaling on http://" + settings.httpHost() + ":" + ar.result().actualPort() + "/");
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

    private void onWebSocket(ServerWebSocket ws) {
        if (!"/ws".equals(ws.path())) {
            ws.close((short) 1008, "signaling is served on /ws");
            return;
        }
        new ClientSession(ws, codec, rooms, readiness, metrics, tokens, settings).start();
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
