package io.relaycast.sdp;

/**
 * A session description (or one of its values) that cannot be accepted: malformed syntax
 * (RFC 8866 §9 grammar, or the grammar of the attribute's own RFC), a structure JSEP
 * (RFC 8829 §5.8) says a parser must refuse, a size beyond {@link SdpLimits}, or, from
 * {@link SdpValidator}, something the node cannot work with.
 *
 * <p>{@link #lineNumber()} is the 1-based line the problem was found on, or 0 when the problem
 * is not tied to one line (a value parsed on its own, or a whole-document limit).
 */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String reason;

    /** A problem with a value parsed on its own (no line). */
    public SdpException(String reason) {
        this(0, reason);
    }

    /** A problem found on line {@code lineNumber} (1-based; 0 for none). */
    public SdpException(int lineNumber, String reason) {
        super(lineNumber > 0 ? "line " + lineNumber + ": " + reason : reason);
        this.lineNumber = lineNumber;
        this.reason = reason;
    }

    /** The 1-based line number, or 0 when the problem is not tied to a line. */
    public int lineNumber() {
        return lineNumber;
    }

    /** What is wrong, without the line number. */
    public String reason() {
        return reason;
    }

    /** The same reason placed on a line, for a value parser's error raised while reading a document. */
    SdpException atLine(int line) {
        return lineNumber == line ? this : new SdpException(line, reason);
    }
}
