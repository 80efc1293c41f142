package io.relaycast.rtp;

/**
 * The RFC 6464 client-to-mixer audio level byte: the top bit is the voice-activity flag V, the
 * low seven bits the level in -dBov (0 loudest, 127 silence).
 */
public final class AudioLevel {
    private AudioLevel() {
    }

    /** The V flag (RFC 6464 §3). */
    public static boolean voiceActivity(int levelByte) {
        return (levelByte & 0x80) != 0;
    }

    /** The level as a positive number of -dBov, 0–127 (RFC 6464 §3). */
    public static int level(int levelByte) {
        return levelByte & 0x7f;
    }

    /**
     * Builds the byte from its parts.
     *
     * @throws IllegalArgumentException when {@code level} is outside 0–127
     */
    public static int encode(boolean voiceActivity, int level) {
        if ((level & ~0x7f) != 0) {
            throw new IllegalArgumentException("audio level out of range 0-127: " + level);
        }
        return (voiceActivity ? 0x80 : 0) | level;
    }
}
