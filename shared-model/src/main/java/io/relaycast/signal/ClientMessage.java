package io.relaycast.signal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** Messages a client sends to a node (PROTOCOL.md "Client to server"). */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClientMessage.Join.class, name = "join"),
        @JsonSubTypes.Type(value = ClientMessage.Offer.class, name = "offer"),
        @JsonSubTypes.Type(value = ClientMessage.Answer.class, name = "answer"),
        @JsonSubTypes.Type(value = ClientMessage.IceCandidate.class, name = "iceCandidate"),
        @JsonSubTypes.Type(value = ClientMessage.Leave.class, name = "leave"),
        @JsonSubTypes.Type(value = ClientMessage.Ping.class, name = "ping"),
        @JsonSubTypes.Type(value = ClientMessage.SetPreferences.class, name = "setPreferences"),
})
public sealed interface ClientMessage {

    /** Enter a room; {@code name} and {@code token} are optional. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Join(String roomId, String name, String token) implements ClientMessage {
    }

    /** The client's offer: the first one or a renegotiation of its own tracks. */
    record Offer(String sdp) implements ClientMessage {
    }

    /** The client's answer to a server {@code offer}. */
    record Answer(String sdp) implements ClientMessage {
    }

    /** A trickled candidate; {@code candidate == null} is end-of-candidates. */
    record IceCandidate(@JsonInclude(JsonInclude.Include.ALWAYS) CandidateInit candidate) implements ClientMessage {
    }

    /** Leave the room; the node closes the socket after {@code peerLeft} went out. */
    record Leave() implements ClientMessage {
    }

    /** Application-level keep-alive, answered by {@code pong}. */
    record Ping() implements ClientMessage {
    }

    /**
     * How this client wants to receive one remote track (PROTOCOL.md "Layers, preferences and
     * speakers"); a field left out (null) keeps its previous value.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SetPreferences(String trackId, Integer maxHeight, Integer maxFps, Boolean paused) implements ClientMessage {
    }
}
