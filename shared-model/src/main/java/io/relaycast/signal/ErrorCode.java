package io.relaycast.signal;

import com.fasterxml.jackson.annotation.JsonValue;

/** The error codes of PROTOCOL.md, with their wire spelling. */
public enum ErrorCode {
    /** Malformed frame: not a JSON object, over 64 KiB, missing or invalid fields, unknown type, unparsable SDP. */
    BAD_REQUEST("bad_request"),
    /** Anything but {@code join} (or {@code ping}) before a successful join. */
    NOT_JOINED("not_joined"),
    /** Missing, malformed, expired or wrong-room token. */
    UNAUTHORIZED("unauthorized"),
    /** The token does not allow publishing or subscribing. */
    FORBIDDEN("forbidden"),
    /** The room has reached its peer cap. */
    ROOM_FULL("room_full"),
    /** A media request the room cannot serve, e.g. no codec it can forward. */
    UNSUPPORTED("unsupported"),
    /** The node is draining or at capacity; reconnect, possibly elsewhere. */
    OVERLOADED("overloaded"),
    /** A fault on the node's side. */
    INTERNAL("internal");

    private final String wire;

    ErrorCode(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The code with this wire spelling, or {@code null}. */
    public static ErrorCode fromWire(String wire) {
        for (ErrorCode c : values()) {
            if (c.wire.equals(wire)) {
                return c;
            }
        }
        return null;
    }
}
