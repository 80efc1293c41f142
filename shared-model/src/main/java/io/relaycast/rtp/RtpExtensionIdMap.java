package io.relaycast.rtp;

/**
 * A table from header-extension ids as a publisher negotiated them to the ids a subscriber
 * negotiated, used by {@link RtpHeader#remapExtensionIds(RtpExtensionIdMap)}.
 *
 * <p>Ids are negotiated per peer connection (RFC 8285 §5, {@code a=extmap}), so the same URI may
 * carry a different id on each side of the SFU. Every id starts mapped to itself; {@link #drop}
 * marks an extension the subscriber did not negotiate, which the rewrite turns into padding.
 * Build the table once per (publisher, subscriber) pair; lookups do not allocate.
 */
public final class RtpExtensionIdMap {
    /** Target value meaning "remove this element". */
    public static final int DROP = 0;

    private final short[] target = new short[256];

    /** An identity map: every id maps to itself. */
    public RtpExtensionIdMap() {
        for (int i = 0; i < target.length; i++) {
            target[i] = (short) i;
        }
    }

    /**
     * Maps {@code from} to {@code to}.
     *
     * @throws IllegalArgumentException when an id is outside 1–255
     */
    public RtpExtensionIdMap map(int from, int to) {
        checkId(from);
        checkId(to);
        target[from] = (short) to;
        return this;
    }

    /** Marks {@code id} for removal. */
    public RtpExtensionIdMap drop(int id) {
        checkId(id);
        target[id] = DROP;
        return this;
    }

    /** The id that {@code id} becomes, or {@link #DROP}; {@code id} must be 0–255. */
    public int target(int id) {
        return target[id & 0xff];
    }

    private static void checkId(int id) {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id out of range 1-255: " + id);
        }
    }
}
