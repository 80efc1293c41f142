package io.relaycast.rtp;

import java.util.Objects;

/**
 * A reusable, mutable view of an RTP packet (RFC 3550 §5.1) with its RFC 8285 header
 * extensions, over {@code (buf, off, len)}.
 *
 * <p>This is the forwarding hot path, so nothing here allocates: {@link #wrap} checks the packet
 * and records offsets; accessors read the buffer; setters rewrite it in place. One instance is
 * meant to be kept per thread and re-wrapped for every packet. After a failed {@code wrap} the
 * view must not be used until the next successful one.
 *
 * <p>Values are returned as Java ints holding the wire bits: {@link #ssrc()},
 * {@link #timestamp()} and {@link #csrc(int)} are 32-bit values to be read with
 * {@link Integer#toUnsignedLong(int)} where an unsigned number is needed.
 *
 * <p>The view never looks at the payload. Note that on an SRTP packet the padding count lives
 * in the encrypted payload, so wrap the packet after it has been unprotected.
 */
public final class RtpHeader {
    /** The RTP version this codec accepts (RFC 3550 §5.1). */
    public static final int VERSION = 2;
    /** Length of the fixed part of the header. */
    public static final int FIXED_HEADER_LENGTH = 12;
    /** RFC 8285 §4.2: "defined by profile" value of the one-byte form. */
    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** RFC 8285 §4.3: the two-byte form is 0x100 in the top 12 bits, app bits below. */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    private final RtpExtensionElements elements = new RtpExtensionElements();

    private byte[] buf;
    private int off;
    private int len;
    private int headerLength;
    private int paddingLength;
    private int extensionProfile;
    private int extensionStart;
    private int extensionEnd;
    /** 0: no RFC 8285 elements, 1: one-byte form, 2: two-byte form. */
    private int extensionForm;

    /**
     * Points this view at a packet and checks its structure.
     *
     * @throws RtpException when the version is not 2, the CSRC list, the extension block or an
     *                      extension element runs past the packet, or the padding count is 0 or
     *                      larger than what follows the header
     * @throws IndexOutOfBoundsException when {@code (off, len)} is not inside {@code buf}
     */
    public RtpHeader wrap(byte[] buf, int off, int len) throws RtpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        this.buf = null;
        if (len < FIXED_HEADER_LENGTH) {
            throw new RtpException("shorter than the 12-byte fixed header: " + len);
        }
        int b0 = buf[off] & 0xff;
        if ((b0 >>> 6) != VERSION) {
            throw new RtpException("RTP version " + (b0 >>> 6) + ", expected 2");
        }
        int pos = FIXED_HEADER_LENGTH + 4 * (b0 & 0x0f);
        if (pos > len) {
            throw new RtpException("CSRC list runs past the packet");
        }
        int profile = -1;
        int extStart = pos;
        int extEnd = pos;
        int form = 0;
        if ((b0 & 0x10) != 0) {
            // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the data.
            if (pos + 4 > len) {
                throw new RtpException("extension header runs past the packet");
            }
            profile = readU16(buf, off + pos);
            int words = readU16(buf, off + pos + 2);
            extStart = pos + 4;
            extEnd = extStart + 4 * words;
            if (extEnd > len) {
                throw new RtpException("extension block of " + words + " words runs past the packet");
            }
            pos = extEnd;
            if (profile == ONE_BYTE_PROFILE) {
                form = 1;
            } else if ((profile & 0xfff0) == TWO_BYTE_PROFILE) {
                form = 2;
            }
        }
        int padding = 0;
        if ((b0 & 0x20) != 0) {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            padding = buf[off + len - 1] & 0xff;
            if (padding == 0) {
                throw new RtpException("padding bit set but padding count is 0");
            }
            if (pos + padding > len) {
                throw new RtpException("padding count " + padding + " exceeds what follows the header");
            }
        }
        if (form != 0) {
            elements.reset(buf, off + extStart, off + extEnd, form == 2);
            // Walk every element once so later lookups cannot run off the block.
            int r;
            do {
                r = elements.advance();
            } while (r == RtpExtensionElements.ELEMENT);
            if (r == RtpExtensionElements.MALFORMED) {
                throw new RtpException("header-extension element runs past its block");
            }
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.headerLength = pos;
        this.paddingLength = padding;
        this.extensionProfile = profile;
        this.extensionStart = extStart;
        this.extensionEnd = extEnd;
        this.extensionForm = form;
        return this;
    }

    // ---------------------------------------------------------------- fixed header

    /** The wrapped buffer. */
    public byte[] buffer() {
        return buf;
    }

    /** Offset of the packet in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** Length of the whole packet, padding included. */
    public int length() {
        return len;
    }

    public int version() {
        return (buf[off] & 0xff) >>> 6;
    }

    /** The P bit. */
    public boolean hasPadding() {
        return (buf[off] & 0x20) != 0;
    }

    /** The X bit. */
    public boolean hasExtension() {
        return (buf[off] & 0x10) != 0;
    }

    public int csrcCount() {
        return buf[off] & 0x0f;
    }

    /** CSRC number {@code i} (0-based), as 32 raw bits. */
    public int csrc(int i) {
        Objects.checkIndex(i, csrcCount());
        return readInt(buf, off + FIXED_HEADER_LENGTH + 4 * i);
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7f;
    }

    public int sequenceNumber() {
        return readU16(buf, off + 2);
    }

    /** The RTP timestamp, as 32 raw bits. */
    public int timestamp() {
        return readInt(buf, off + 4);
    }

    /** The SSRC, as 32 raw bits. */
    public int ssrc() {
        return readInt(buf, off + 8);
    }

    /** Fixed header + CSRCs + extension block. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload length, padding excluded. */
    public int payloadLength() {
        return len - headerLength - paddingLength;
    }

    /** Number of padding bytes at the end (0 without the P bit). */
    public int paddingLength() {
        return paddingLength;
    }

    // ---------------------------------------------------------------- extension block

    /** The 16-bit "defined by profile" field, or -1 without the X bit. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Absolute offset of the extension data (after the 4-byte extension header). */
    public int extensionDataOffset() {
        return off + extensionStart;
    }

    /** Length of the extension data in bytes (a multiple of 4), 0 without the X bit. */
    public int extensionDataLength() {
        return extensionEnd - extensionStart;
    }

    /** Whether the block uses the RFC 8285 one-byte form. */
    public boolean oneByteExtensions() {
        return extensionForm == 1;
    }

    /** Whether the block uses the RFC 8285 two-byte form. */
    public boolean twoByteExtensions() {
        return extensionForm == 2;
    }

    /**
     * The cursor over the RFC 8285 elements, rewound. Always the same instance; a packet without
     * an RFC 8285 block (no X bit, or another profile) yields no elements.
     */
    public RtpExtensionElements extensionElements() {
        if (extensionForm == 0) {
            elements.reset(buf, 0, 0, false);
        } else {
            elements.reset(buf, off + extensionStart, off + extensionEnd, extensionForm == 2);
        }
        return elements;
    }

    /** Whether an element with this id is present. */
    public boolean hasExtensionElement(int id) {
        return extensionElements().find(id);
    }

    /**
     * Copies the data of element {@code id} into {@code dst} (for RFC 8852 / RFC 8843 string
     * values such as mid, rid and repaired-rid, which are US-ASCII).
     *
     * @return the number of bytes copied, or -1 when the element is absent
     * @throws RtpException when the value does not fit in {@code dst} from {@code dstOff}
     */
    public int readExtension(int id, byte[] dst, int dstOff) throws RtpException {
        RtpExtensionElements e = extensionElements();
        if (!e.find(id)) {
            return -1;
        }
        if (dstOff < 0 || dstOff > dst.length || e.dataLength() > dst.length - dstOff) {
            throw new RtpException("extension " + id + " value of " + e.dataLength()
                    + " bytes does not fit the caller's buffer");
        }
        System.arraycopy(buf, e.dataOffset(), dst, dstOff, e.dataLength());
        return e.dataLength();
    }

    /**
     * Whether element {@code id} is present and its data equals
     * {@code expected[off, off + len)}; used to match a mid or rid without building a String.
     */
    public boolean extensionEquals(int id, byte[] expected, int expectedOff, int expectedLen) {
        RtpExtensionElements e = extensionElements();
        if (!e.find(id) || e.dataLength() != expectedLen) {
            return false;
        }
        int d = e.dataOffset();
        for (int i = 0; i < expectedLen; i++) {
            if (buf[d + i] != expected[expectedOff + i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The abs-send-time value (24-bit 6.18 fixed-point seconds, see {@link AbsSendTime}).
     *
     * @return the 24 raw bits, or -1 when absent
     * @throws RtpException when the element is not 3 bytes long
     */
    public int absSendTime(int id) throws RtpException {
        int d = valueOffset(id, 3, "abs-send-time");
        return d < 0 ? -1 : (readU16(buf, d) << 8) | (buf[d + 2] & 0xff);
    }

    /**
     * The transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01
     * §2: 16 bits, network order).
     *
     * @return the value, or -1 when absent
     * @throws RtpException when the element is not 2 bytes long
     */
    public int transportSequenceNumber(int id) throws RtpException {
        int d = valueOffset(id, 2, "transport-wide sequence number");
        return d < 0 ? -1 : readU16(buf, d);
    }

    /**
     * Overwrites the transport-wide sequence number in place: an SFU numbers the packets it
     * sends on each transport itself.
     *
     * @return false when the element is absent (nothing written)
     * @throws RtpException when the element is not 2 bytes long
     */
    public boolean setTransportSequenceNumber(int id, int sequence) throws RtpException {
        int d = valueOffset(id, 2, "transport-wide sequence number");
        if (d < 0) {
            return false;
        }
        writeU16(buf, d, sequence);
        return true;
    }

    /**
     * The RFC 6464 audio level byte: V flag in the top bit, level in -dBov below; decode it with
     * {@link AudioLevel}.
     *
     * @return the byte 0–255, or -1 when absent
     * @throws RtpException when the element is not 1 byte long
     */
    public int audioLevel(int id) throws RtpException {
        int d = valueOffset(id, 1, "audio level");
        return d < 0 ? -1 : buf[d] & 0xff;
    }

    private int valueOffset(int id, int expectedLength, String what) throws RtpException {
        RtpExtensionElements e = extensionElements();
        if (!e.find(id)) {
            return -1;
        }
        if (e.dataLength() != expectedLength) {
            throw new RtpException(what + " extension " + id + " has " + e.dataLength()
                    + " bytes, expected " + expectedLength);
        }
        return e.dataOffset();
    }

    // ---------------------------------------------------------------- in-place rewrite

    public void setSsrc(int ssrc) {
        writeInt(buf, off + 8, ssrc);
    }

    /** Writes the low 16 bits of {@code sequence}. */
    public void setSequenceNumber(int sequence) {
        writeU16(buf, off + 2, sequence);
    }

    public void setTimestamp(int timestamp) {
        writeInt(buf, off + 4, timestamp);
    }

    /**
     * Rewrites the payload type, keeping the marker bit.
     *
     * @throws IllegalArgumentException when {@code payloadType} is outside 0–127
     */
    public void setPayloadType(int payloadType) {
        if ((payloadType & ~0x7f) != 0) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + payloadType);
        }
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | payloadType);
    }

    public void setMarker(boolean marker) {
        buf[off + 1] = (byte) (marker ? buf[off + 1] | 0x80 : buf[off + 1] & 0x7f);
    }

    /**
     * Rewrites every element's id through {@code map}; elements mapped to
     * {@link RtpExtensionIdMap#DROP} become padding. Nothing is written unless every target fits
     * the packet's form: the one-byte form (RFC 8285 §4.2) can only hold ids 1–14.
     *
     * @throws RtpException when a target id cannot be expressed in this packet's form
     */
    public void remapExtensionIds(RtpExtensionIdMap map) throws RtpException {
        if (extensionForm == 0) {
            return;
        }
        RtpExtensionElements e = extensionElements();
        if (extensionForm == 1) {
            while (e.next()) {
                int to = map.target(e.id());
                if (to > 14) {
                    throw new RtpException("extension id " + e.id() + " maps to " + to
                            + ", which the one-byte form cannot carry");
                }
            }
            e.rewind();
        }
        while (e.next()) {
            int to = map.target(e.id());
            if (to == RtpExtensionIdMap.DROP) {
                erase(e);
            } else if (extensionForm == 1) {
                buf[e.elementOffset()] = (byte) ((to << 4) | (buf[e.elementOffset()] & 0x0f));
            } else {
                buf[e.elementOffset()] = (byte) to;
            }
        }
    }

    /**
     * Removes element {@code id} by overwriting it with padding bytes (RFC 8285 §4.2/§4.3:
     * padding is zero bytes, which receivers skip), so no other byte moves.
     *
     * @return false when the element is absent
     */
    public boolean removeExtension(int id) {
        RtpExtensionElements e = extensionElements();
        boolean removed = false;
        while (e.next()) {
            if (e.id() == id) {
                erase(e);
                removed = true;
            }
        }
        return removed;
    }

    private void erase(RtpExtensionElements e) {
        int end = e.dataOffset() + e.dataLength();
        for (int i = e.elementOffset(); i < end; i++) {
            buf[i] = 0;
        }
    }

    // ---------------------------------------------------------------- byte helpers

    static int readU16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static int readInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    static void writeU16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void writeInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
