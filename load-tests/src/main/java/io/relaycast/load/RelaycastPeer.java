package io.relaycast.load;

import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalCodec;
import io.relaycast.signal.SignalException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A headless client of a Relaycast node: signaling over the JDK WebSocket exactly as PROTOCOL.md
 * says (join, offer, answer the node's offers, in order), media over one {@link WebRtcSession}.
 * WebSocket callbacks hand every message to the media loop, so all state changes happen there
 * in arrival order.
 */
final class RelaycastPeer implements LoadPeer {
    private final Harness h;
    private final String name;
    private final String roomId;
    private final URI wsUri;
    private final boolean publish;
    private final SignalCodec codec = new SignalCodec();
    private WebSocket ws;
    private CompletableFuture<?> sendChain = CompletableFuture.completedFuture(null);
    private WebRtcSession session;
    private volatile String peerId;
    private long joinNanos;
    private long welcomeNanos;
    private long answerNanos;
    private boolean closed;

    RelaycastPeer(Harness h, String name, String roomId, URI wsUri, boolean publish) {
        this.h = h;
        this.name = name;
        this.roomId = roomId;
        this.wsUri = wsUri;
        this.publish = publish;
    }

    @Override
    public void start() {
        joinNanos = System.nanoTime();
        StringBuilder text = new StringBuilder();
        h.http.newWebSocketBuilder().buildAsync(wsUri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String frame = text.toString();
                    text.setLength(0);
                    h.loop.execute(() -> onFrame(frame));
                }
                socket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                h.loop.execute(() -> {
                    if (!closed) {
                        h.loop.stats.error("websocket closed by node: " + status);
                    }
                });
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                h.loop.execute(() -> {
                    if (!closed) {
                        h.loop.stats.error("websocket: " + error.getClass().getSimpleName());
                    }
                });
            }
        }).whenComplete((socket, err) -> {
            if (err != null) {
                h.loop.execute(() -> {
                    h.loop.stats.error("websocket connect: " + err.getClass().getSimpleName());
                    h.loop.stats.clientsFailed++;
                });
                return;
            }
            synchronized (this) {
                ws = socket;
            }
            send(new ClientMessage.Join(roomId, name, null));
        });
    }

    /** WebSocket sends must not overlap (java.net.http.WebSocket): chain them. */
    private synchronized void send(ClientMessage m) {
        String text = codec.encode(m);
        WebSocket socket = ws;
        sendChain = sendChain.thenCompose(x -> socket.sendText(text, true)).exceptionally(e -> null);
    }

    private void onFrame(String frame) {
        if (closed) {
            return;
        }
        ServerMessage m;
        try {
            m = codec.decodeServer(frame);
        } catch (SignalException e) {
            h.loop.stats.error("undecodable server frame");
            return;
        }
        long now = System.nanoTime();
        try {
            if (m instanceof ServerMessage.Welcome w) {
                welcomeNanos = now;
                peerId = w.peerId();
                h.joined(peerId, joinNanos);
                MediaPattern pattern = !publish ? null : h.options.simulcast && h.options.video
                        ? MediaPattern.simulcast(h.mediaRandom(), h.options.bitrate)
                        : new MediaPattern(h.mediaRandom(), h.options.video, h.options.bitrate);
                if (pattern != null && h.options.simulcastTopSilent) {
                    pattern.silenceTopLayer();
                }
                if (pattern != null && h.options.speaker != null) {
                    pattern.audioLevel(name.equals(h.options.speaker) ? 20 : 127);
                }
                session = new WebRtcSession(name, h.loop, h.options.bind, h.dtls, h.random(), pattern, h::joinTimeOf, joinNanos,
                        h.options.receiveLoss);
                if (h.options.sendLoss > 0) {
                    session.sendLoss(h.options.sendLoss, h.options.lossSeed * 31 + name.hashCode());
                }
                if (!h.options.receiverNacks) {
                    session.receiver.nackSender(null);
                }
                send(new ClientMessage.Offer(session.createOffer(peerId)));
            } else if (m instanceof ServerMessage.Answer a) {
                if (answerNanos == 0) {
                    answerNanos = now;
                }
                session.applyAnswer(a.sdp(), now);
            } else if (m instanceof ServerMessage.Offer o) {
                h.loop.stats.serverOffers++;
                send(new ClientMessage.Answer(session.answerOffer(o.sdp(), now)));
                askForLowerLayers();
            } else if (m instanceof ServerMessage.Layer l) {
                h.loop.stats.layerMessage(name, l.trackId(), l.rid(), now);
            } else if (m instanceof ServerMessage.DominantSpeaker d) {
                h.loop.stats.dominantSpeaker(name, d.peerId());
            } else if (m instanceof ServerMessage.Error e) {
                h.loop.stats.error("node error " + e.code() + ": " + e.message());
            }
        } catch (Exception e) {
            h.loop.stats.error("client " + name + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Video tracks this client has sent its setPreferences for (--prefer-height). */
    private final java.util.Set<String> preferred = new java.util.HashSet<>();

    /**
     * A client chosen by {@link Options#prefers} asks for every new remote video track at most
     * --prefer-height high (PROTOCOL.md "Layers, preferences and speakers").
     */
    private void askForLowerLayers() {
        if (h.options.preferHeight < 0 || !h.options.prefers(name)) {
            return;
        }
        h.loop.stats.preferringReceivers.add(name);
        for (String track : session.remoteVideoTracks) {
            if (preferred.add(track)) {
                send(new ClientMessage.SetPreferences(track, h.options.preferHeight, null, null));
            }
        }
    }

    @Override
    public boolean connected() {
        return session != null && session.connected();
    }

    @Override
    public long firstPacketNanos() {
        return session == null ? 0 : session.receiver.firstPacketNanos;
    }

    @Override
    public long sendDrops() {
        return session == null ? 0 : session.sendDrops;
    }

    @Override
    public void stopMedia() {
        if (session != null && session.publisher != null) {
            session.publisher.stop();
        }
    }

    @Override
    public boolean publishes() {
        return publish;
    }

    @Override
    public long[] transportSetupNanos() {
        return session == null || session.dtlsSetupNanos < 0 ? null
                : new long[]{session.iceSetupNanos, session.dtlsSetupNanos};
    }

    @Override
    public long[] joinStepNanos() {
        return new long[]{joinNanos, welcomeNanos, answerNanos, session == null ? 0 : session.connectedNanos,
                firstPacketNanos()};
    }

    @Override
    public long joinNanos() {
        return joinNanos;
    }

    @Override
    public void close() {
        closed = true;
        if (session != null) {
            session.close();
        }
        synchronized (this) {
            if (ws != null) {
                send(new ClientMessage.Leave());
                WebSocket socket = ws;
                sendChain = sendChain.thenCompose(x -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"))
                        .exceptionally(e -> null);
            }
        }
    }

    @Override
    public CompletableFuture<?> closed() {
        synchronized (this) {
            return sendChain;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String serverPeerId() {
        return peerId;
    }
}
