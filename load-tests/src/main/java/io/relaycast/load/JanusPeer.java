package io.relaycast.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sdp.Setup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A headless client of Janus's VideoRoom plugin over the Janus HTTP API (the baseline SFU): one
 * Janus session, one handle that joins the room as a publisher (and publishes if this client
 * does, with the same SDP a Relaycast client sends), and one subscriber handle, each its own
 * PeerConnection ({@link WebRtcSession}), per other publisher, as the classic VideoRoom demo
 * does. Events come from a long poll on {@code GET /janus/<session>}; a keepalive goes out every
 * 20 s. All state changes run on the media loop thread.
 */
final class JanusPeer implements LoadPeer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicLong TRANSACTIONS = new AtomicLong();
    private static final long KEEPALIVE_NANOS = 20_000_000_000L;

    private final Harness h;
    private final String name;
    private final long roomId;
    private final URI base;
    private final boolean publish;
    private long joinNanos;
    private volatile boolean closed;
    private long sessionId;
    private long publisherHandle;
    private WebRtcSession publisherSession;
    /** Subscriber handle id to its PeerConnection (null until Janus's offer arrived). */
    private final Map<Long, WebRtcSession> subscribers = new HashMap<>();
    private final Map<Long, String> subscriberFeedNames = new HashMap<>();
    private final Set<Long> subscribedFeeds = new HashSet<>();
    private volatile long lastKeepalive;

    JanusPeer(Harness h, String name, long roomId, URI base, boolean publish) {
        this.h = h;
        this.name = name;
        this.roomId = roomId;
        this.base = base;
        this.publish = publish;
    }

    /**
     * Creates the VideoRoom rooms before any client joins (a throwaway session), allowing
     * {@code publishers} publishers each; a room that already exists is fine.
     */
    static void createRooms(HttpClient http, URI base, List<Long> rooms, int publishers) throws IOException, InterruptedException {
        JsonNode s = postSync(http, base, request("create"));
        long session = s.path("data").path("id").asLong();
        URI sessionUri = URI.create(base + "/" + session);
        ObjectNode attach = request("attach").put("plugin", "janus.plugin.videoroom");
        long handle = postSync(http, sessionUri, attach).path("data").path("id").asLong();
        URI handleUri = URI.create(sessionUri + "/" + handle);
        for (long room : rooms) {
            ObjectNode body = JSON.createObjectNode().put("request", "create").put("room", room)
                    .put("publishers", publishers).put("audiocodec", "opus").put("videocodec", "vp8")
                    .put("bitrate", 0).put("fir_freq", 0).put("notify_joining", false);
            ObjectNode msg = request("message");
            msg.set("body", body);
            JsonNode r = postSync(http, handleUri, msg).path("plugindata").path("data");
            if (r.has("error_code") && r.path("error_code").asInt() != 427) { // 427: room exists
                throw new IOException("janus room create: " + r);
            }
        }
        postSync(http, sessionUri, request("destroy"));
    }

    private static ObjectNode request(String janus) {
        return JSON.createObjectNode().put("janus", janus).put("transaction", "t" + TRANSACTIONS.incrementAndGet());
    }

    private static JsonNode postSync(HttpClient http, URI uri, ObjectNode body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if ("error".equals(n.path("janus").asText())) {
            throw new IOException("janus: " + n.path("error"));
        }
        return n;
    }

    /** POSTs {@code body}; the reply (parsed) is handled on the loop thread. */
    private void post(URI uri, ObjectNode body, java.util.function.Consumer<JsonNode> onReply) {
        h.http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).whenComplete((r, err) -> h.loop.execute(() -> {
            if (closed && !"destroy".equals(body.path("janus").asText())) {
                return;
            }
            if (err != null) {
                h.loop.stats.error("janus http: " + err.getClass().getSimpleName());
                return;
            }
            try {
                JsonNode n = JSON.readTree(r.body());
                if ("error".equals(n.path("janus").asText())) {
                    h.loop.stats.error("janus error " + n.path("error").path("code").asInt() + ": "
                            + n.path("error").path("reason").asText());
                    return;
                }
                onReply.accept(n);
            } catch (IOException | RuntimeException e) {
                h.loop.stats.error("janus client " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }));
    }

    private URI sessionUri() {
        return URI.create(base + "/" + sessionId);
    }

    private URI handleUri(long handle) {
        return URI.create(sessionUri() + "/" + handle);
    }

    private void message(long handle, ObjectNode body, String jsepType, String sdp) {
        ObjectNode msg = request("message");
        msg.set("body", body);
        if (jsepType != null) {
            msg.set("jsep", JSON.createObjectNode().put("type", jsepType).put("sdp", sdp));
        }
        post(handleUri(handle), msg, reply -> {
        });
    }

    @Override
    public void start() {
        joinNanos = System.nanoTime();
        post(base, request("create"), created -> {
            sessionId = created.path("data").path("id").asLong();
            lastKeepalive = System.nanoTime();
            longPoll();
            post(sessionUri(), request("attach").put("plugin", "janus.plugin.videoroom"), attached -> {
                publisherHandle = attached.path("data").path("id").asLong();
                // Every client joins as a publisher (also those that only subscribe): that is how a
                // VideoRoom participant learns about publishers coming and going.
                ObjectNode join = JSON.createObjectNode().put("request", "join").put("ptype", "publisher")
                        .put("room", roomId).put("display", name);
                message(publisherHandle, join, null, null);
            });
        });
    }

    /** One outstanding long poll per session; each answer is handled, then the next poll goes out. */
    private void longPoll() {
        if (closed) {
            return;
        }
        h.http.sendAsync(HttpRequest.newBuilder(URI.create(sessionUri() + "?maxev=20")).timeout(Duration.ofSeconds(40))
                        .GET().build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, err) -> {
                    if (closed) {
                        return;
                    }
                    keepaliveIfDue();
                    if (err != null) {
                        h.loop.execute(() -> h.loop.stats.error("janus long poll: " + err.getClass().getSimpleName()));
                        longPoll();
                        return;
                    }
                    h.loop.execute(() -> {
                        try {
                            JsonNode n = JSON.readTree(r.body());
                            if (n.isArray()) {
                                n.forEach(this::onEvent);
                            } else {
                                onEvent(n);
                            }
                        } catch (IOException | RuntimeException e) {
                            h.loop.stats.error("janus client " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
                        }
                    });
                    longPoll();
                });
    }

    private void keepaliveIfDue() {
        long now = System.nanoTime();
        if (now - lastKeepalive > KEEPALIVE_NANOS) {
            lastKeepalive = now;
            h.loop.execute(() -> post(sessionUri(), request("keepalive"), reply -> {
            }));
        }
    }

    /** Loop thread: one event of the long poll. */
    private void onEvent(JsonNode e) {
        if (closed) {
            return;
        }
        String kind = e.path("janus").asText();
        long sender = e.path("sender").asLong();
        if ("hangup".equals(kind) || "detached".equals(kind)) {
            h.loop.stats.error("janus " + kind + ": " + e.path("reason").asText());
            return;
        }
        if (!"event".equals(kind)) {
            return; // ack, keepalive, webrtcup, media, slowlink: nothing to do
        }
        JsonNode data = e.path("plugindata").path("data");
        JsonNode jsep = e.path("jsep");
        long now = System.nanoTime();
        try {
            if (data.has("error_code")) {
                h.loop.stats.error("janus videoroom " + data.path("error_code").asInt() + ": " + data.path("error").asText());
                return;
            }
            String videoroom = data.path("videoroom").asText();
            if (sender == publisherHandle) {
                if ("joined".equals(videoroom)) {
                    h.joined(name, joinNanos);
                    if (publish) {
                        MediaPattern pattern = new MediaPattern(h.mediaRandom(), h.options.video, h.options.bitrate);
                        publisherSession = newSession(pattern);
                        publisherSession.offerSetup = Setup.ACTIVE;
                        String offer = publisherSession.createOffer(name);
                        ObjectNode body = JSON.createObjectNode().put("request", "publish")
                                .put("audio", true).put("video", h.options.video);
                        message(publisherHandle, body, "offer", offer);
                    }
                }
                if (jsep.has("sdp") && "answer".equals(jsep.path("type").asText()) && publisherSession != null) {
                    publisherSession.applyAnswer(jsep.path("sdp").asText(), now);
                    trickleDone(publisherHandle);
                }
                for (JsonNode p : data.path("publishers")) {
                    subscribe(p.path("id").asLong(), p.path("display").asText("?"));
                }
            } else if (subscriberFeedNames.containsKey(sender)) {
                WebRtcSession held = subscribers.get(sender);
                if (held != null && "event".equals(videoroom) && "ok".equals(data.path("started").asText())) {
                    held.startIce(now); // Janus has applied our answer: libnice knows our credentials
                }
                if (jsep.has("sdp") && "offer".equals(jsep.path("type").asText()) && subscribers.get(sender) == null) {
                    WebRtcSession s = newSession(null);
                    s.remotePublisher = subscriberFeedNames.get(sender);
                    s.holdIce = true;
                    subscribers.put(sender, s);
                    String answer = s.answerOffer(jsep.path("sdp").asText(), now);
                    message(sender, JSON.createObjectNode().put("request", "start"), "answer", answer);
                    trickleDone(sender);
                }
            }
        } catch (Exception ex) {
            h.loop.stats.error("janus client " + name + ": " + ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
    }

    private WebRtcSession newSession(MediaPattern pattern) throws IOException {
        WebRtcSession s = new WebRtcSession(name, h.loop, h.options.bind, h.dtls, h.random(), pattern, h::joinTimeOf, joinNanos);
        s.announceCandidate = true;
        return s;
    }

    /** Our one candidate is in the SDP; tell Janus no more will come (no trickle). */
    private void trickleDone(long handle) {
        ObjectNode t = request("trickle");
        t.set("candidate", JSON.createObjectNode().put("completed", true));
        post(handleUri(handle), t, reply -> {
        });
    }

    /** Loop thread: a subscriber handle for one remote publisher (feed), once. */
    private void subscribe(long feed, String display) {
        if (feed == 0 || display.equals(name) || !subscribedFeeds.add(feed)) {
            return;
        }
        post(sessionUri(), request("attach").put("plugin", "janus.plugin.videoroom"), attached -> {
            long handle = attached.path("data").path("id").asLong();
            subscriberFeedNames.put(handle, display);
            subscribers.put(handle, null);
            ObjectNode join = JSON.createObjectNode().put("request", "join").put("ptype", "subscriber").put("room", roomId);
            join.putArray("streams").addObject().put("feed", feed);
            message(handle, join, null, null);
        });
    }

    @Override
    public boolean connected() {
        if (publish) {
            return publisherSession != null && publisherSession.connected();
        }
        return subscribers.values().stream().anyMatch(s -> s != null && s.connected());
    }

    @Override
    public boolean publishes() {
        return publish;
    }

    @Override
    public long joinNanos() {
        return joinNanos;
    }

    @Override
    public long firstPacketNanos() {
        long first = 0;
        for (WebRtcSession s : subscribers.values()) {
            if (s != null && s.receiver.firstPacketNanos != 0 && (first == 0 || s.receiver.firstPacketNanos < first)) {
                first = s.receiver.firstPacketNanos;
            }
        }
        return first;
    }

    @Override
    public long sendDrops() {
        return publisherSession == null ? 0 : publisherSession.sendDrops;
    }

    private CompletableFuture<?> goodbye = CompletableFuture.completedFuture(null);

    @Override
    public void close() {
        closed = true;
        if (publisherSession != null) {
            publisherSession.close();
        }
        subscribers.values().forEach(s -> {
            if (s != null) {
                s.close();
            }
        });
        if (sessionId != 0) {
            goodbye = h.http.sendAsync(HttpRequest.newBuilder(sessionUri()).timeout(Duration.ofSeconds(5))
                            .POST(HttpRequest.BodyPublishers.ofString(request("destroy").toString())).build(),
                    HttpResponse.BodyHandlers.discarding()).exceptionally(e -> null);
        }
    }

    @Override
    public CompletableFuture<?> closed() {
        return goodbye;
    }

    @Override
    public String name() {
        return name;
    }
}
