package io.relaycast.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns WebSocket text frames into validated {@link ClientMessage}s (and {@link ServerMessage}s,
 * for clients), and messages back into frames.
 *
 * <p>Decoding is two-step on purpose: the frame is first read as a tree so that the distinct
 * failures PROTOCOL.md names can be told apart (not JSON, not an object, no string
 * {@code type}, unknown {@code type}); only then is it bound to the record and its fields
 * validated. Unknown fields are ignored, as the protocol requires.
 */
public final class SignalCodec {

    /** PROTOCOL.md: a frame larger than 64 KiB gets {@code bad_request}. */
    public static final int MAX_FRAME_BYTES = 64 * 1024;

    /** PROTOCOL.md: {@code roomId} is 1–128 characters of {@code [A-Za-z0-9_.-]}. */
    private static final Pattern ROOM_ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");
    private static final int MAX_NAME_CHARS = 64;

    private static final Set<String> CLIENT_TYPES = Set.of("join", "offer", "answer", "iceCandidate", "leave", "ping",
            "setPreferences");
    private static final Set<String> SERVER_TYPES = Set.of("welcome", "answer", "offer", "iceCandidate", "peerJoined",
            "peerLeft", "pong", "error", "dominantSpeaker", "layer");

    private final ObjectMapper mapper;

    public SignalCodec() {
        JsonMapper m = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        // A 64 KiB frame cannot legitimately nest deeply; bound it so hostile input stays cheap.
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(32).maxStringLength(MAX_FRAME_BYTES).build());
        // "roomId": 5 is a client bug, not the room "5": refuse scalar coercion into strings.
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        // Likewise "maxHeight": 180.5 or "180" and "paused": "true" are refused, not guessed at.
        m.coercionConfigFor(LogicalType.Integer)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        m.coercionConfigFor(LogicalType.Boolean)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        this.mapper = m;
    }

    /** Decodes and validates one client frame. */
    public ClientMessage decodeClient(String frame) throws SignalException {
        ObjectNode node = readObject(frame, CLIENT_TYPES);
        ClientMessage msg = bind(node, ClientMessage.class);
        validate(msg);
        return msg;
    }

    /** Decodes one server frame (used by clients: the demo page's twin in Java, load tests, tests). */
    public ServerMessage decodeServer(String frame) throws SignalException {
        ObjectNode node = readObject(frame, SERVER_TYPES);
        return bind(node, ServerMessage.class);
    }

    public String encode(ServerMessage msg) {
        return write(msg);
    }

    public String encode(ClientMessage msg) {
        return write(msg);
    }

    private String write(Object msg) {
        try {
            return mapper.writeValueAsString(msg);
        } catch (JsonProcessingException e) {
            // Records of strings and lists always serialize; reaching this is a programming error.
            throw new IllegalStateException("cannot encode " + msg.getClass().getSimpleName(), e);
        }
    }

    private ObjectNode readObject(String frame, Set<String> knownTypes) throws SignalException {
        if (frame.length() > MAX_FRAME_BYTES || utf8Length(frame) > MAX_FRAME_BYTES) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "frame larger than 64 KiB");
        }
        JsonNode node;
        try {
            node = mapper.readTree(frame);
        } catch (JsonProcessingException e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "frame is not valid JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "frame is not a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "frame has no string field 'type'");
        }
        if (!knownTypes.contains(type.asText())) {
            throw new UnknownTypeException(type.asText());
        }
        return (ObjectNode) node;
    }

    private <T> T bind(ObjectNode node, Class<T> type) throws SignalException {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String what = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw new SignalException(ErrorCode.BAD_REQUEST,
                    "invalid '" + node.get("type").asText() + "' message: " + firstLine(what));
        }
    }

    private static void validate(ClientMessage msg) throws SignalException {
        if (msg instanceof ClientMessage.Join join) {
            if (join.roomId() == null || !ROOM_ID.matcher(join.roomId()).matches()) {
                throw new SignalException(ErrorCode.BAD_REQUEST,
                        "join.roomId must be 1-128 characters of [A-Za-z0-9_.-]");
            }
            if (join.name() != null && join.name().codePointCount(0, join.name().length()) > MAX_NAME_CHARS) {
                throw new SignalException(ErrorCode.BAD_REQUEST, "join.name must be at most 64 characters");
            }
        } else if (msg instanceof ClientMessage.Offer offer) {
            requireSdp(offer.sdp(), "offer");
        } else if (msg instanceof ClientMessage.Answer answer) {
            requireSdp(answer.sdp(), "answer");
        } else if (msg instanceof ClientMessage.SetPreferences p) {
            if (p.trackId() == null || p.trackId().isEmpty() || p.trackId().length() > 256) {
                throw new SignalException(ErrorCode.BAD_REQUEST, "setPreferences.trackId must be a non-empty string");
            }
            if (p.maxHeight() != null && p.maxHeight() < 0) {
                throw new SignalException(ErrorCode.BAD_REQUEST, "setPreferences.maxHeight must be an integer >= 0");
            }
            if (p.maxFps() != null && p.maxFps() < 1) {
                throw new SignalException(ErrorCode.BAD_REQUEST, "setPreferences.maxFps must be an integer >= 1");
            }
        } else if (msg instanceof ClientMessage.IceCandidate ice) {
            CandidateInit c = ice.candidate();
            if (c != null && c.candidate() == null) {
                throw new SignalException(ErrorCode.BAD_REQUEST,
                        "iceCandidate.candidate must be null or an object with a string 'candidate'");
            }
        }
    }

    private static void requireSdp(String sdp, String type) throws SignalException {
        if (sdp == null || sdp.isBlank()) {
            throw new SignalException(ErrorCode.BAD_REQUEST, type + ".sdp must be a non-empty string");
        }
    }

    private static int utf8Length(String s) {
        // Cheap upper bound first: most frames are ASCII-sized far below the limit.
        if (s.length() * 3L <= MAX_FRAME_BYTES) {
            return s.length();
        }
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A well-formed frame whose {@code type} this protocol version does not know. */
    public static final class UnknownTypeException extends SignalException {
        private static final long serialVersionUID = 1L;

        UnknownTypeException(String type) {
            super(ErrorCode.BAD_REQUEST, "unknown message type '" + truncate(type) + "'");
        }

        private static String truncate(String t) {
            return t.length() > 40 ? t.substring(0, 40) + "..." : t;
        }
    }
}
