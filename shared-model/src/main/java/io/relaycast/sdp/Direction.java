package io.relaycast.sdp;

import java.util.Optional;

/**
 * Media direction attributes (RFC 8866 §6.7; offer/answer use in RFC 3264 §6.1). Also the
 * optional direction of an {@code a=extmap} entry (RFC 8285 §8).
 */
public enum Direction {
    SENDRECV("sendrecv", true, true),
    SENDONLY("sendonly", true, false),
    RECVONLY("recvonly", false, true),
    INACTIVE("inactive", false, false);

    private final String attributeName;
    private final boolean sends;
    private final boolean receives;

    Direction(String attributeName, boolean sends, boolean receives) {
        this.attributeName = attributeName;
        this.sends = sends;
        this.receives = receives;
    }

    /** The attribute name as written in SDP, e.g. {@code sendonly}. */
    public String attributeName() {
        return attributeName;
    }

    /** Whether the side that wrote this direction sends media. */
    public boolean sends() {
        return sends;
    }

    /** Whether the side that wrote this direction receives media. */
    public boolean receives() {
        return receives;
    }

    /** The same direction seen from the other side: what an answer mirrors (RFC 3264 §6.1). */
    public Direction reversed() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    /** Looks a direction up by its exact (case-sensitive) attribute name. */
    public static Optional<Direction> fromName(String name) {
        for (Direction d : values()) {
            if (d.attributeName.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return attributeName;
    }
}
