package io.relaycast.rtp;

/**
 * A reusable cursor over the elements of an RFC 8285 header-extension block.
 *
 * <p>Obtained from {@link RtpHeader#extensionElements()}, which rewinds it; the same instance is
 * handed out every time, so iterating allocates nothing. The header's own value readers and
 * rewriters use this cursor too, so do not call them in the middle of an iteration. The block
 * was checked when the header was wrapped, so every element the cursor yields lies inside the
 * packet.
 *
 * <pre>{@code
 * RtpExtensionElements e = header.extensionElements();
 * while (e.next()) {
 *     use(e.id(), buf, e.dataOffset(), e.dataLength());
 * }
 * }</pre>
 */
public final class RtpExtensionElements {
    /** Result of {@link #advance()}: an element was found. */
    static final int ELEMENT = 1;
    /** Result of {@link #advance()}: no more elements. */
    static final int END = 0;
    /** Result of {@link #advance()}: an element runs past the end of the block. */
    static final int MALFORMED = -1;

    private byte[] buf;
    private int start;
    private int end;
    private boolean twoByte;
    private int pos;

    private int id;
    private int elementOffset;
    private int dataOffset;
    private int dataLength;

    RtpExtensionElements() {
    }

    /** Points the cursor at a block; {@code twoByte} selects the RFC 8285 §4.3 form. */
    void reset(byte[] buf, int start, int end, boolean twoByte) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.twoByte = twoByte;
        rewind();
    }

    /** Starts the iteration again from the first element. */
    public void rewind() {
        pos = start;
        id = 0;
        elementOffset = -1;
        dataOffset = -1;
        dataLength = -1;
    }

    /** Moves to the next element; false when there is none left. */
    public boolean next() {
        return advance() == ELEMENT;
    }

    /**
     * Rewinds and moves to the first element with this id.
     *
     * @return false when the packet has no such element (the cursor is then exhausted)
     */
    public boolean find(int wantedId) {
        rewind();
        while (advance() == ELEMENT) {
            if (id == wantedId) {
                return true;
            }
        }
        return false;
    }

    int advance() {
        while (pos < end) {
            int b = buf[pos] & 0xff;
            if (twoByte) {
                // RFC 8285 §4.3: a zero id byte is padding, one byte long.
                if (b == 0) {
                    pos++;
                    continue;
                }
                if (pos + 2 > end) {
                    return MALFORMED;
                }
                int length = buf[pos + 1] & 0xff;
                if (pos + 2 + length > end) {
                    return MALFORMED;
                }
                return found(b, pos, pos + 2, length);
            }
            int elementId = b >>> 4;
            // RFC 8285 §4.2: padding bytes are 0; like libwebrtc we skip any byte with id 0
            // one at a time rather than trusting its length nibble.
            if (elementId == 0) {
                pos++;
                continue;
            }
            // RFC 8285 §4.2: id 15 is reserved; processing of the block stops there and only
            // the elements before it count.
            if (elementId == 15) {
                pos = end;
                return END;
            }
            int length = (b & 0x0f) + 1;
            if (pos + 1 + length > end) {
                return MALFORMED;
            }
            return found(elementId, pos, pos + 1, length);
        }
        return END;
    }

    private int found(int elementId, int elementStart, int data, int length) {
        id = elementId;
        elementOffset = elementStart;
        dataOffset = data;
        dataLength = length;
        pos = data + length;
        return ELEMENT;
    }

    /** The current element's local identifier (1–14 one-byte form, 1–255 two-byte form). */
    public int id() {
        return id;
    }

    /** Absolute offset in the packet buffer of the current element's data. */
    public int dataOffset() {
        return dataOffset;
    }

    /** Length of the current element's data in bytes (0 is possible in the two-byte form). */
    public int dataLength() {
        return dataLength;
    }

    /** Absolute offset of the current element's id byte. */
    public int elementOffset() {
        return elementOffset;
    }

    /** Whether the block uses the two-byte form (RFC 8285 §4.3). */
    public boolean twoByteForm() {
        return twoByte;
    }
}
