package io.relaycast.sdp;

/**
 * Bounds the parser enforces before doing any work on a description, so that hostile input
 * costs at most a bounded amount of memory and time. Browsers' offers are far below these:
 * the largest test vector (four m-lines with candidates) is about 11 KiB with 300-byte lines.
 */
public final class SdpLimits {
    /** Whole description, in UTF-8 bytes (64 KiB). */
    public static final int MAX_DESCRIPTION_BYTES = 64 * 1024;
    /** One line, in UTF-8 bytes without its line ending (4 KiB). */
    public static final int MAX_LINE_BYTES = 4 * 1024;
    /** Number of m= sections. */
    public static final int MAX_MEDIA_SECTIONS = 64;

    private SdpLimits() {
    }

    /**
     * Whether {@code text} is over {@link #MAX_DESCRIPTION_BYTES} in UTF-8. A char is one to three
     * UTF-8 bytes, so the exact count is needed only between the two bounds.
     */
    static boolean descriptionTooLarge(String text) {
        return text.length() > MAX_DESCRIPTION_BYTES
                || (text.length() * 3L > MAX_DESCRIPTION_BYTES
                && Syntax.utf8Length(text, 0, text.length()) > MAX_DESCRIPTION_BYTES);
    }
}
