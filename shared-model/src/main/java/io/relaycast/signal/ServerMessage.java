package io.relaycast.signal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/** Messages a node sends to a client (PROTOCOL.md "Server to client"). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ServerMessage.Welcome.class, name = "welcome"),
        @JsonSubTypes.Type(value = ServerMessage.Answer.class, name = "answer"),
        @JsonSubTypes.Type(value = ServerMessage.Offer.class, name = "offer"),
        @JsonSubTypes.Type(value = ServerMessage.IceCandidate.class, name = "iceCandidate"),
        @JsonSubTypes.Type(value = ServerMessage.PeerJoined.class, name = "peerJoined"),
        @JsonSubTypes.Type(value = ServerMessage.PeerLeft.class, name = "peerLeft"),
        @JsonSubTypes.Type(value = ServerMessage.Pong.class, name = "pong"),
        @JsonSubTypes.Type(value = ServerMessage.DominantSpeaker.class, name = "dominantSpeaker"),
        @JsonSubTypes.Type(value = ServerMessage.Layer.class, name = "layer"),
        @JsonSubTypes.Type(value = ServerMessage.Error.class, name = "error"),
})
public sealed interface ServerMessage {

    /** The join succeeded; {@code peers} is everyone else already in the room, on any node. */
    record Welcome(String peerId, String roomId, List<PeerInfo> peers, String nodeId) implements ServerMessage {
        public Welcome {
            peers = List.copyOf(peers);
        }
    }

    /** The node's answer to the client's offer. */
    record Answer(String sdp) implements ServerMessage {
    }

    /** Server-initiated renegotiation: the set of remote tracks changed. */
    record Offer(String sdp) implements ServerMessage {
    }

    /** A server candidate (also present in every SDP the server sends). */
    record IceCandidate(@JsonInclude(JsonInclude.Include.ALWAYS) CandidateInit candidate) implements ServerMessage {
    }

    /** Someone joined the room, on any node. */
    record PeerJoined(PeerInfo peer) implements ServerMessage {
    }

    /** Someone left, or their node died. */
    record PeerLeft(String peerId) implements ServerMessage {
    }

    /**
     * The member whose audio has been the loudest lately changed; {@code peerId} is null when
     * nobody is (PROTOCOL.md "Layers, preferences and speakers").
     */
    record DominantSpeaker(@JsonInclude(JsonInclude.Include.ALWAYS) String peerId) implements ServerMessage {
    }

    /**
     * The layer of a remote track this client receives changed: a simulcast {@code rid}, null for a
     * track without simulcast, or {@code "paused"} (PROTOCOL.md "Layers, preferences and speakers").
     */
    record Layer(String trackId, @JsonInclude(JsonInclude.Include.ALWAYS) String rid) implements ServerMessage {
        public static final String PAUSED = "paused";
    }

    /** Reply to {@code ping}. */
    record Pong() implements ServerMessage {
    }

    /** A request that could not be served. */
    record Error(ErrorCode code, String message) implements ServerMessage {
    }
}
