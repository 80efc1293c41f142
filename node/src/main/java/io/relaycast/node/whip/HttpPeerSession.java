package io.relaycast.node.whip;

import io.relaycast.node.room.Peer;
import io.relaycast.node.room.PeerChannel;
import io.relaycast.node.room.Room;
import io.relaycast.node.room.RoomManager;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.ServerMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One WHIP publisher or WHEP viewer. The room sees a {@link Peer} whose signaling link is this
 * object instead of a WebSocket: the room's {@code welcome} is the go-ahead to hand it the HTTP
 * offer, its {@code answer} becomes the 201 body, an {@code error} before the answer refuses the
 * POST, and the events an HTTP client cannot receive ({@code peerJoined}, {@code peerLeft}...) are
 * dropped. A WHIP peer may not subscribe and a viewer's session never renegotiates, so the room
 * never sends either an {@code offer}.
 */
final class HttpPeerSession implements PeerChannel {
    private static final Logger LOG = Logger.getLogger(HttpPeerSession.class.getName());

    enum Kind { WHIP, WHEP }

    /** Why a POST was refused, as an HTTP status and a one-line reason. */
    static final class Refusal extends Exception {
        final int status;

        Refusal(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    final Kind kind;
    final String roomId;
    final String resourcePath;
    final String etag;
    /** The client's ICE ufrag from its offer: a PATCH with another one asks for an ICE restart. */
    final String clientUfrag;
    /** The token's {@code sub} that created the resource (null in dev mode): only it may PATCH or DELETE. */
    final String subject;
    private final String offerSdp;
    private final String watched;
    private final RoomManager rooms;
    /** The room as of the last welcome: a room that closed while the join was in flight hands it to its successor. */
    private volatile Room room;
    private final Consumer<HttpPeerSession> onEnd;
    private final Promise<String> outcome = Promise.promise();
    private Peer peer;
    // Touched only on the room's thread.
    private String answer;
    private ServerMessage.Error lastError;
    private volatile boolean ended;

    HttpPeerSession(Kind kind, String roomId, String resourcePath, String etag, String clientUfrag, String subject,
                    String offerSdp, String watched, RoomManager rooms, Consumer<HttpPeerSession> onEnd) {
        this.kind = kind;
        this.roomId = roomId;
        this.resourcePath = resourcePath;
        this.etag = etag;
        this.clientUfrag = clientUfrag;
        this.subject = subject;
        this.offerSdp = offerSdp;
        this.watched = watched;
        this.rooms = rooms;
        this.room = rooms.roomForJoin(roomId);
        this.onEnd = onEnd;
    }

    /** Joins (WHIP) or starts watching (WHEP); the future completes with the answer SDP or fails with a {@link Refusal}. */
    Future<String> start(Peer peer) {
        this.peer = peer;
        if (kind == Kind.WHIP) {
            room.executeSignaling(() -> room.join(peer));
        } else {
            room.executeSignaling(() -> room.watch(peer, watched));
        }
        return outcome.future();
    }

    Peer peer() {
        return peer;
    }

    /** DELETE, or a POST that never completed: leaves the room (WHIP: the others get {@code peerLeft}). */
    void end(String why) {
        ended = true;
        room.executeSignaling(() -> room.leave(peer));
        outcome.tryFail(new Refusal(503, why));
    }

    boolean isEnded() {
        return ended;
    }

    /** On the room's thread, after the welcome: the offer, handled like one from a WebSocket. */
    private void handleOffer() {
        room.handle(peer, new ClientMessage.Offer(offerSdp));
        if (answer != null && lastError == null) {
            outcome.tryComplete(answer);
            return;
        }
        // The offer was refused (or, for WHIP, part of it could not be published): no half sessions.
        room.leave(peer);
        ended = true;
        onEnd.accept(this);
        outcome.tryFail(refusal(lastError));
    }

    @Override
    public void admitted(Room room) {
        this.room = room;
    }

    @Override
    public void send(ServerMessage message) {
        if (message instanceof ServerMessage.Welcome) {
            // Sent by the live room on its own thread, which admitted() named (the successor, if
            // the first one closed meanwhile).
            // Queued behind the join, so the others' peerJoined goes out before this member's tracks.
            room.executeSignaling(this::handleOffer);
        } else if (message instanceof ServerMessage.Answer a) {
            answer = a.sdp();
        } else if (message instanceof ServerMessage.Error e) {
            if (!outcome.future().isComplete()) {
                lastError = e;
            } else {
                LOG.fine(() -> kind + " " + peer.peerId() + ": " + e.code().wire() + ": " + e.message());
            }
        } else if (message instanceof ServerMessage.Offer) {
            LOG.warning(() -> kind + " " + peer.peerId() + ": the room sent an offer, which an HTTP client cannot receive");
        }
        // peerJoined, peerLeft, pong...: nothing an HTTP client can be told.
    }

    @Override
    public void close(int code, String reason) {
        // The room removed the peer (media transport lost, member gone, drain): the resource goes too.
        ended = true;
        onEnd.accept(this);
        outcome.tryFail(new Refusal(503, "session ended: " + reason));
        LOG.info(() -> kind + " " + resourcePath + " ended: " + reason);
    }

    @Override
    public void joinRefused() {
        ended = true;
        onEnd.accept(this);
        outcome.tryFail(refusal(lastError));
    }

    private static Refusal refusal(ServerMessage.Error e) {
        if (e == null) {
            return new Refusal(500, "the offer was not answered");
        }
        return new Refusal(statusFor(e.code()), e.message());
    }

    /** The HTTP status for a signaling error code (OPERATIONS.md "WHIP and WHEP"). */
    static int statusFor(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, UNSUPPORTED -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_JOINED -> 404;
            case ROOM_FULL, OVERLOADED -> 503;
            default -> 500;
        };
    }
}
