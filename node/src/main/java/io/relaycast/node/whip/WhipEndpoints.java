package io.relaycast.node.whip;

import io.relaycast.node.Settings;
import io.relaycast.node.auth.AuthGrant;
import io.relaycast.node.auth.AuthRejection;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.cluster.MemberRecord;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.room.Peer;
import io.relaycast.node.room.RoomManager;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaKind;
import io.relaycast.sdp.SdpException;
import io.relaycast.sdp.SdpValidator;
import io.relaycast.sdp.SessionDescription;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The WHIP (RFC 9725) and WHEP endpoints of OPERATIONS.md "WHIP and WHEP":
 * <ul>
 * <li>{@code POST /whip/{roomId}}: an {@code application/sdp} offer that sends audio and/or video
 * joins the room as a member; {@code 201} with the answer, {@code Location: /whip/{roomId}/{peerId}}
 * and an {@code ETag}.</li>
 * <li>{@code POST /whep/{roomId}/{peerId}}: a receive-only offer plays that member's current tracks;
 * {@code 201}, {@code Location: /whep/{roomId}/{peerId}/{viewerId}}.</li>
 * <li>{@code PATCH} on a resource with {@code application/trickle-ice-sdpfrag}: trickled candidates
 * (204); {@code DELETE}: leave (200).</li>
 * </ul>
 * With a JWT key configured every request needs {@code Authorization: Bearer} with the claims of
 * {@code join}; a resource is PATCHed and DELETEd only with a token of the same {@code sub}. A
 * resource lives on the node that took its POST.
 */
public final class WhipEndpoints {
    private static final Logger LOG = Logger.getLogger(WhipEndpoints.class.getName());
    /** The same ceiling as a signaling frame (PROTOCOL.md "Transport"); a browser offer is ~5 KiB. */
    static final int MAX_BODY = 64 * 1024;
    /** A POST whose offer the room has not answered by then is refused (and leaves no state). */
    static final long ANSWER_TIMEOUT_MS = 15_000;
    private static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final Pattern PEER_ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final SecureRandom IDS = new SecureRandom();
    private static final String SDP = "application/sdp";
    private static final String SDPFRAG = "application/trickle-ice-sdpfrag";

    private final Vertx vertx;
    private final RoomManager rooms;
    private final Readiness readiness;
    private final NodeMetrics metrics;
    private final TokenVerifier tokens;
    private final Settings settings;
    /** Live resources on this node, by path. */
    private final Map<String, HttpPeerSession> resources = new ConcurrentHashMap<>();

    public WhipEndpoints(Vertx vertx, RoomManager rooms, Readiness readiness, NodeMetrics metrics,
                         TokenVerifier tokens, Settings settings) {
        this.vertx = vertx;
        this.rooms = rooms;
        this.readiness = readiness;
        this.metrics = metrics;
        this.tokens = tokens;
        this.settings = settings;
    }

    /** Adds the routes to {@code router}, ahead of the static files. */
    public void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        for (String path : List.of("/whip/:roomId", "/whip/:roomId/:peerId", "/whep/:roomId/:peerId",
                "/whep/:roomId/:peerId/:viewerId")) {
            router.options(path).handler(this::preflight);
        }
        router.post("/whip/:roomId").handler(body).handler(this::postWhip);
        router.post("/whep/:roomId/:peerId").handler(body).handler(this::postWhep);
        router.patch("/whip/:roomId/:peerId").handler(body).handler(this::patch);
        router.patch("/whep/:roomId/:peerId/:viewerId").handler(body).handler(this::patch);
        router.delete("/whip/:roomId/:peerId").handler(this::delete);
        router.delete("/whep/:roomId/:peerId/:viewerId").handler(this::delete);
        router.route("/whip/*").failureHandler(this::failed);
        router.route("/whep/*").failureHandler(this::failed);
    }

    /** A body over the limit (413 from the body handler) or a bug: still a one-line answer. */
    private void failed(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        LOG.fine(() -> ctx.request().method() + " " + ctx.request().path() + " failed: " + status + " " + ctx.failure());
        if (status == 413) {
            fail(ctx, 413, "the body is larger than " + MAX_BODY + " bytes");
        } else if (status >= 500 && ctx.failure() != null) {
            LOG.log(java.util.logging.Level.WARNING, ctx.request().method() + " " + ctx.request().path(), ctx.failure());
            fail(ctx, status, "internal error");
        } else {
            fail(ctx, status, "request refused");
        }
    }

    /** Live WHIP and WHEP resources on this node. */
    public int resourceCount() {
        return resources.size();
    }

    // ------------------------------------------------------------ POST

    private void postWhip(RoutingContext ctx) {
        String roomId = ctx.pathParam("roomId");
        Offer offer = checkPost(ctx, roomId, true);
        if (offer == null) {
            return;
        }
        String peerId = newId();
        String name = offer.grant.subject() != null ? offer.grant.subject() : "whip";
        String path = "/whip/" + roomId + "/" + peerId;
        HttpPeerSession session = new HttpPeerSession(HttpPeerSession.Kind.WHIP, roomId, path, newEtag(),
                offer.ufrag, offer.grant.subject(), offer.sdp, null, rooms, this::ended);
        // A WHIP member publishes and never subscribes: it is never sent a server offer.
        start(ctx, session, new Peer(peerId, name, true, false, session));
    }

    private void postWhep(RoutingContext ctx) {
        String roomId = ctx.pathParam("roomId");
        String publisherId = ctx.pathParam("peerId");
        Offer offer = checkPost(ctx, roomId, false);
        if (offer == null) {
            return;
        }
        if (!PEER_ID.matcher(publisherId).matches()) {
            fail(ctx, 404, "no member " + oneLine(publisherId) + " in room " + roomId);
            return;
        }
        // Asked of the cluster first, so a WHEP request for nobody creates no room state here.
        rooms.clusterMembers(roomId).onComplete(ar -> {
            if (ar.failed()) {
                fail(ctx, 503, "membership unavailable: " + ar.cause().getMessage());
                return;
            }
            if (ar.result().stream().map(MemberRecord::peerId).noneMatch(publisherId::equals)) {
                fail(ctx, 404, "no member " + publisherId + " in room " + roomId);
                return;
            }
            String viewerId = newId();
            String path = "/whep/" + roomId + "/" + publisherId + "/" + viewerId;
            String name = offer.grant.subject() != null ? offer.grant.subject() : "whep";
            HttpPeerSession session = new HttpPeerSession(HttpPeerSession.Kind.WHEP, roomId, path, newEtag(),
                    offer.ufrag, offer.grant.subject(), offer.sdp, publisherId, rooms, this::ended);
            start(ctx, session, new Peer(viewerId, name, false, true, session));
        });
    }

    private void start(RoutingContext ctx, HttpPeerSession session, Peer peer) {
        Context context = Vertx.currentContext();
        resources.put(session.resourcePath, session);
        long timer = vertx.setTimer(ANSWER_TIMEOUT_MS, id -> session.end("the room did not answer within "
                + ANSWER_TIMEOUT_MS / 1000 + " s"));
        session.start(peer).onComplete(ar -> context.runOnContext(v -> {
            vertx.cancelTimer(timer);
            if (ar.failed()) {
                resources.remove(session.resourcePath, session);
                HttpPeerSession.Refusal r = ar.cause() instanceof HttpPeerSession.Refusal x ? x
                        : new HttpPeerSession.Refusal(500, String.valueOf(ar.cause()));
                LOG.info(() -> session.kind + " POST to room " + session.roomId + " refused: " + r.status + " "
                        + r.getMessage());
                fail(ctx, r.status, r.getMessage());
                return;
            }
            if (ctx.response().closed()) {
                // The client went away before its answer: nobody will ever DELETE this resource.
                resources.remove(session.resourcePath, session);
                session.end("client disconnected");
                return;
            }
            LOG.info(() -> session.kind + " " + session.resourcePath + " created");
            cors(ctx.response()).setStatusCode(201)
                    .putHeader("content-type", SDP)
                    .putHeader("location", session.resourcePath)
                    .putHeader("etag", session.etag)
                    .putHeader("accept-patch", SDPFRAG)
                    .end(ar.result());
        }));
    }

    private record Offer(String sdp, String ufrag, AuthGrant grant) {
    }

    /** Everything a POST must pass before any room state exists; null when a response was sent. */
    private Offer checkPost(RoutingContext ctx, String roomId, boolean publish) {
        if (!ROOM_ID.matcher(roomId).matches()) {
            fail(ctx, 400, "roomId must be 1-128 characters of [A-Za-z0-9_.-]");
            return null;
        }
        if (!mediaType(ctx, SDP)) {
            fail(ctx, 415, "Content-Type must be " + SDP);
            return null;
        }
        AuthGrant grant = authorize(ctx, roomId);
        if (grant == null) {
            return null;
        }
        if (publish && !grant.canPublish()) {
            fail(ctx, 403, "the token does not allow publishing (canPublish)");
            return null;
        }
        if (!publish && !grant.canSubscribe()) {
            fail(ctx, 403, "the token does not allow receiving (canSubscribe)");
            return null;
        }
        if (!readiness.acceptsJoins()) {
            fail(ctx, 503, readiness.state() == Readiness.State.DRAINING
                    ? "this node is draining; use another node" : "this node is still starting");
            return null;
        }
        if (metrics.peers().get() >= settings.maxPeersPerNode()) {
            metrics.limitRejected("peers_per_node");
            fail(ctx, 503, "this node is at capacity (" + settings.maxPeersPerNode() + " peers); use another node");
            return null;
        }
        String sdp = ctx.body() == null ? "" : ctx.body().asString();
        SessionDescription offer;
        try {
            offer = SessionDescription.parse(sdp);
            SdpValidator.checkOffer(offer);
        } catch (SdpException e) {
            fail(ctx, 400, "bad SDP offer: " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            fail(ctx, 400, "bad SDP offer: unparsable");
            return null;
        }
        String ufrag = null;
        boolean usable = false;
        for (MediaDescription m : offer.media()) {
            boolean live = !m.isRejected() || m.isBundleOnly();
            if (ufrag == null && live) {
                ufrag = offer.iceUfragFor(m).orElse(null);
            }
            if (live && m.isRtp() && (m.kind() == MediaKind.AUDIO || m.kind() == MediaKind.VIDEO)) {
                usable |= publish ? offer.directionOf(m).sends() : offer.directionOf(m).receives();
            }
        }
        if (!usable) {
            fail(ctx, 400, publish ? "bad SDP offer: WHIP needs an audio or video m-line that sends"
                    : "bad SDP offer: WHEP needs an audio or video m-line that receives");
            return null;
        }
        if (ufrag == null) {
            fail(ctx, 400, "bad SDP offer: no a=ice-ufrag");
            return null;
        }
        return new Offer(sdp, ufrag, grant);
    }

    // ------------------------------------------------------------ PATCH, DELETE, OPTIONS

    private void patch(RoutingContext ctx) {
        HttpPeerSession s = resource(ctx);
        if (s == null) {
            return;
        }
        if (!mediaType(ctx, SDPFRAG)) {
            fail(ctx, 415, "Content-Type must be " + SDPFRAG);
            return;
        }
        String ifMatch = ctx.request().getHeader("if-match");
        if ("*".equals(ifMatch)) {
            // RFC 9725 §4.3.2: an ICE restart. The node does not restart ICE (PROTOCOL.md: rejoin instead).
            fail(ctx, 422, "ICE restarts are not supported; DELETE this resource and POST a new offer");
            return;
        }
        if (ifMatch != null && !ifMatch.equals(s.etag)) {
            fail(ctx, 412, "If-Match does not match the ETag of this resource");
            return;
        }
        TrickleFragment frag;
        try {
            frag = TrickleFragment.parse(ctx.body() == null ? "" : ctx.body().asString());
        } catch (SdpException e) {
            fail(ctx, 400, "bad trickle-ice-sdpfrag: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            fail(ctx, 400, "bad trickle-ice-sdpfrag: unparsable");
            return;
        }
        if (frag.ufrag() != null && !frag.ufrag().equals(s.clientUfrag)) {
            fail(ctx, 422, "ICE restarts are not supported; DELETE this resource and POST a new offer");
            return;
        }
        cors(ctx.response()).setStatusCode(204).end();
    }

    private void delete(RoutingContext ctx) {
        HttpPeerSession s = resource(ctx);
        if (s == null) {
            return;
        }
        resources.remove(s.resourcePath, s);
        s.end("deleted");
        LOG.info(() -> s.kind + " " + s.resourcePath + " deleted");
        cors(ctx.response()).setStatusCode(200).end();
    }

    /** The resource a PATCH or DELETE names, if this node has it and the caller may touch it; else responds. */
    private HttpPeerSession resource(RoutingContext ctx) {
        String path = ctx.request().path();
        HttpPeerSession s = resources.get(path);
        if (s == null || s.isEnded()) {
            fail(ctx, 404, "no such WHIP or WHEP resource on this node");
            return null;
        }
        AuthGrant grant = authorize(ctx, s.roomId);
        if (grant == null) {
            return null;
        }
        if (tokens.required() && !Objects.equals(grant.subject(), s.subject)) {
            fail(ctx, 403, "this resource belongs to another subject");
            return null;
        }
        return s;
    }

    private void preflight(RoutingContext ctx) {
        // CORS preflight (browsers' WHIP/WHEP clients on other origins) and RFC 9725 §4.2 discovery.
        cors(ctx.response()).setStatusCode(204)
                .putHeader("access-control-allow-methods", "POST, PATCH, DELETE, OPTIONS")
                .putHeader("access-control-allow-headers", "Authorization, Content-Type, If-Match")
                .putHeader("access-control-max-age", "86400")
                .putHeader("accept-post", SDP)
                .end();
    }

    // ------------------------------------------------------------ helpers

    private void ended(HttpPeerSession s) {
        resources.remove(s.resourcePath, s);
    }

    /** The caller's grant, or null after a 401 (missing, malformed, expired or wrong-room token). */
    private AuthGrant authorize(RoutingContext ctx, String roomId) {
        String header = ctx.request().getHeader("authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).strip();
        }
        try {
            return tokens.verify(token, roomId, System.currentTimeMillis());
        } catch (AuthRejection e) {
            metrics.authRejection(e.reason().label());
            cors(ctx.response()).putHeader("www-authenticate", "Bearer");
            fail(ctx, 401, e.reason() == AuthRejection.Reason.MISSING
                    ? "a token is required: send it as Authorization: Bearer <token>" : e.getMessage());
            return null;
        }
    }

    private static boolean mediaType(RoutingContext ctx, String expected) {
        String ct = ctx.request().getHeader("content-type");
        if (ct == null) {
            return false;
        }
        int semi = ct.indexOf(';');
        return (semi < 0 ? ct : ct.substring(0, semi)).strip().toLowerCase(Locale.ROOT).equals(expected);
    }

    private static void fail(RoutingContext ctx, int status, String reason) {
        if (ctx.response().ended() || ctx.response().closed()) {
            return;
        }
        cors(ctx.response()).setStatusCode(status).putHeader("content-type", "text/plain; charset=utf-8")
                .end(oneLine(reason) + "\n");
    }

    private static HttpServerResponse cors(HttpServerResponse r) {
        return r.putHeader("access-control-allow-origin", "*")
                .putHeader("access-control-expose-headers", "Location, ETag, Accept-Patch");
    }

    /** Error bodies are one line (OPERATIONS.md), never an echo of a hostile multi-line input. */
    static String oneLine(String s) {
        String flat = String.valueOf(s).replaceAll("[\\r\\n\\t\\p{Cntrl}]+", " ").strip();
        return flat.length() <= 300 ? flat : flat.substring(0, 300) + "...";
    }

    private static String newId() {
        byte[] b = new byte[8];
        IDS.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static String newEtag() {
        return "\"" + newId() + "\"";
    }
}
