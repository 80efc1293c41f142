package io.relaycast.node.sim;

import io.relaycast.node.Settings;
import io.relaycast.node.auth.TokenVerifier;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.node.observe.Readiness;
import io.relaycast.node.room.PeerChannel;
import io.relaycast.node.room.RoomManager;
import io.relaycast.node.signaling.SignalingSession;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalCodec;

import java.util.Random;

/**
 * A client's signaling connection in the simulation, standing in for the WebSocket: reliable and
 * ordered in each direction with a seeded delay, text frames of PROTOCOL.md JSON. The node's end
 * is the real {@link SignalingSession}; the close rules mirror {@code ClientSession}'s: once the
 * node decides to close, the peer leaves its room and nothing more is read or sent.
 */
final class SimSocket implements PeerChannel {
    private final Sim sim;
    private final SimNode node;
    private final SimClient client;
    private final SignalCodec codec;
    private final SignalingSession session;
    private long lastToNode;
    private long lastToClient;
    /** The node decided to close, or the connection is gone. */
    private boolean closing;
    private boolean cut;

    SimSocket(Sim sim, SimNode node, SimClient client, SignalCodec codec, RoomManager rooms, Readiness readiness,
              NodeMetrics metrics, TokenVerifier tokens, Settings settings, Random peerIds) {
        this.sim = sim;
        this.node = node;
        this.client = client;
        this.codec = codec;
        SignalingSession.Link link = new SignalingSession.Link() {
            @Override
            public void send(ServerMessage message) {
                SimSocket.this.send(message);
            }

            @Override
            public void close(int code, String reason) {
                decideClose(code); // the session decided (4400, 4401)
            }

            @Override
            public String urlToken() {
                return null;
            }
        };
        this.session = new SignalingSession(link, this, codec, rooms, readiness, metrics, tokens, settings, peerIds);
    }

    private long delay() {
        return sim.millisBetween(1, 15);
    }

    // ------------------------------------------------------------------ client side

    /** The client sends one text frame. */
    void clientSends(String json) {
        if (cut || node.isDead()) {
            return;
        }
        long at = Math.max(sim.now() + delay(), lastToNode);
        lastToNode = at;
        sim.at(at, () -> {
            if (!closing && !node.isDead()) {
                session.onText(json, sim.now(), node.wallMillis());
            }
        });
    }

    /** The client closes the connection (or its process ends): the node sees the TCP close. */
    void clientCloses() {
        long at = Math.max(sim.now() + delay(), lastToNode);
        lastToNode = at;
        sim.at(at, this::connectionGone);
    }

    /**
     * The path between client and node breaks: each side notices when its keep-alive runs out
     * (PROTOCOL.md "Server keep-alive"; the node's frame timeout), here after a seeded few seconds.
     */
    void breakConnection() {
        cut = true;
        sim.after(sim.millisBetween(2000, 6000), this::connectionGone);
        sim.after(sim.millisBetween(2000, 6000), () -> client.signalingClosed(1006));
    }

    private void connectionGone() {
        if (node.isDead()) {
            return;
        }
        closing = true;
        session.leaveRoom();
    }

    // ------------------------------------------------------------------ node side

    @Override
    public void send(ServerMessage message) {
        if (closing || cut || node.isDead()) {
            return;
        }
        String json = codec.encode(message);
        long at = Math.max(sim.now() + delay(), lastToClient);
        lastToClient = at;
        sim.at(at, () -> client.onServerText(json));
    }

    /** Any thread (a room's): the node closes the link after everything sent so far. */
    @Override
    public void close(int code, String reason) {
        sim.post(() -> decideClose(code));
    }

    @Override
    public void joinRefused() {
        sim.post(session::joinRefused);
    }

    private void decideClose(int code) {
        if (closing || node.isDead()) {
            return;
        }
        session.leaveRoom();
        closing = true;
        long at = Math.max(sim.now() + delay(), lastToClient);
        lastToClient = at;
        if (!cut) {
            sim.at(at, () -> client.signalingClosed(code));
        }
    }
}
