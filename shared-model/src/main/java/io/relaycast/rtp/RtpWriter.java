package io.relaycast.rtp;

import java.util.Arrays;
import java.util.Objects;

/**
 * Builds RTP packets (RFC 3550 §5.1) with RFC 8285 header extensions, for clients that
 * generate media (load tests, simulations).
 *
 * <p>Reusable: {@link #reset()}, set the fields, add extensions, then {@link #writeTo}. The
 * extension form is chosen when writing: the one-byte form (RFC 8285 §4.2) when every element
 * has an id of 1–14 and 1–16 bytes of data, otherwise the two-byte form (§4.3), which can also
 * be forced. Elements are written in the order they were added. After the first packets have
 * grown the internal buffer, writing allocates nothing.
 *
 * <p>Arguments out of range are programming errors and throw {@link IllegalArgumentException}.
 */
public final class RtpWriter {
    private int payloadType;
    private boolean marker;
    private int sequenceNumber;
    private int timestamp;
    private int ssrc;
    private final int[] csrcs = new int[15];
    private int csrcCount;
    private int padding;
    private boolean forceTwoByte;

    /** Added elements, each stored as id, length, data. */
    private byte[] elements = new byte[64];
    private int elementsLength;
    private int elementCount;
    private boolean needsTwoByte;

    /** Clears every field, CSRC, extension and padding. */
    public RtpWriter reset() {
        payloadType = 0;
        marker = false;
        sequenceNumber = 0;
        timestamp = 0;
        ssrc = 0;
        csrcCount = 0;
        padding = 0;
        forceTwoByte = false;
        clearExtensions();
        return this;
    }

    /** Removes the added extensions but keeps the other fields. */
    public RtpWriter clearExtensions() {
        elementsLength = 0;
        elementCount = 0;
        needsTwoByte = false;
        return this;
    }

    public RtpWriter payloadType(int pt) {
        if ((pt & ~0x7f) != 0) {
            throw new IllegalArgumentException("payload type out of range 0-127: " + pt);
        }
        payloadType = pt;
        return this;
    }

    public RtpWriter marker(boolean m) {
        marker = m;
        return this;
    }

    /** The low 16 bits are used. */
    public RtpWriter sequenceNumber(int seq) {
        sequenceNumber = seq & 0xffff;
        return this;
    }

    public RtpWriter timestamp(int ts) {
        timestamp = ts;
        return this;
    }

    public RtpWriter ssrc(int s) {
        ssrc = s;
        return this;
    }

    /** Appends a CSRC; at most 15 (RFC 3550 §5.1: the CC field is 4 bits). */
    public RtpWriter addCsrc(int csrc) {
        if (csrcCount == csrcs.length) {
            throw new IllegalArgumentException("at most 15 CSRCs");
        }
        csrcs[csrcCount++] = csrc;
        return this;
    }

    /**
     * Adds RFC 3550 §5.1 padding after the payload: {@code count} bytes whose last byte holds
     * the count; 0 for none.
     */
    public RtpWriter padding(int count) {
        if (count < 0 || count > 255) {
            throw new IllegalArgumentException("padding out of range 0-255: " + count);
        }
        padding = count;
        return this;
    }

    /** Uses the two-byte form even when the one-byte form would do. */
    public RtpWriter twoByteExtensions(boolean force) {
        forceTwoByte = force;
        return this;
    }

    /** Adds an element with {@code data[off, off + len)} as its value. */
    public RtpWriter addExtension(int id, byte[] data, int off, int len) {
        Objects.checkFromIndexSize(off, len, data.length);
        int at = reserve(id, len);
        System.arraycopy(data, off, elements, at, len);
        return this;
    }

    /** Adds an element holding the low {@code byteCount} bytes of {@code value}, big-endian. */
    public RtpWriter addExtension(int id, long value, int byteCount) {
        if (byteCount < 1 || byteCount > 8) {
            throw new IllegalArgumentException("byteCount out of range 1-8: " + byteCount);
        }
        int at = reserve(id, byteCount);
        for (int i = byteCount - 1; i >= 0; i--) {
            elements[at + i] = (byte) value;
            value >>>= 8;
        }
        return this;
    }

    /** RFC 6464 audio level. */
    public RtpWriter addAudioLevel(int id, boolean voiceActivity, int level) {
        return addExtension(id, AudioLevel.encode(voiceActivity, level), 1);
    }

    /** abs-send-time, 24 bits (see {@link AbsSendTime#fromNanos(long)}). */
    public RtpWriter addAbsSendTime(int id, int value) {
        return addExtension(id, value & 0xffffff, 3);
    }

    /** Transport-wide sequence number, 16 bits. */
    public RtpWriter addTransportSequenceNumber(int id, int sequence) {
        return addExtension(id, sequence & 0xffff, 2);
    }

    private int reserve(int id, int len) {
        if (id < 1 || id > 255) {
            throw new IllegalArgumentException("extension id out of range 1-255: " + id);
        }
        if (len > 255) {
            throw new IllegalArgumentException("extension value longer than 255 bytes: " + len);
        }
        if (id > 14 || len < 1 || len > 16) {
            needsTwoByte = true;
        }
        if (elementsLength + 2 + len > elements.length) {
            elements = Arrays.copyOf(elements, Math.max(elements.length * 2, elementsLength + 2 + len));
        }
        elements[elementsLength] = (byte) id;
        elements[elementsLength + 1] = (byte) len;
        elementCount++;
        elementsLength += 2 + len;
        return elementsLength - len;
    }

    private boolean twoByte() {
        return forceTwoByte || needsTwoByte;
    }

    /** Bytes of extension data, padded to a multiple of 4; 0 without elements. */
    private int extensionDataLength() {
        if (elementCount == 0) {
            return 0;
        }
        // elementsLength counts 2 header bytes per element; the one-byte form uses 1.
        int raw = twoByte() ? elementsLength : elementsLength - elementCount;
        return (raw + 3) & ~3;
    }

    /** The header length the next {@link #writeTo} will produce. */
    public int headerLength() {
        int ext = extensionDataLength();
        return RtpHeader.FIXED_HEADER_LENGTH + 4 * csrcCount + (elementCount == 0 ? 0 : 4 + ext);
    }

    /** Total packet length for a payload of {@code payloadLength} bytes. */
    public int length(int payloadLength) {
        return headerLength() + payloadLength + padding;
    }

    /**
     * Writes the packet: header, extensions, {@code payload[payloadOff, payloadOff + payloadLen)}
     * and padding.
     *
     * @return the number of bytes written
     * @throws IndexOutOfBoundsException when {@code buf} cannot hold the packet from {@code off}
     */
    public int writeTo(byte[] buf, int off, byte[] payload, int payloadOff, int payloadLen) {
        Objects.checkFromIndexSize(payloadOff, payloadLen, payload.length);
        int extLen = extensionDataLength();
        if (extLen / 4 > 0xffff) {
            throw new IllegalArgumentException("extension block too long: " + extLen + " bytes");
        }
        int total = length(payloadLen);
        Objects.checkFromIndexSize(off, total, buf.length);
        buf[off] = (byte) (0x80 | (padding > 0 ? 0x20 : 0) | (elementCount > 0 ? 0x10 : 0) | csrcCount);
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        RtpHeader.writeU16(buf, off + 2, sequenceNumber);
        RtpHeader.writeInt(buf, off + 4, timestamp);
        RtpHeader.writeInt(buf, off + 8, ssrc);
        int pos = off + RtpHeader.FIXED_HEADER_LENGTH;
        for (int i = 0; i < csrcCount; i++, pos += 4) {
            RtpHeader.writeInt(buf, pos, csrcs[i]);
        }
        if (elementCount > 0) {
            boolean two = twoByte();
            RtpHeader.writeU16(buf, pos, two ? RtpHeader.TWO_BYTE_PROFILE : RtpHeader.ONE_BYTE_PROFILE);
            RtpHeader.writeU16(buf, pos + 2, extLen / 4);
            pos += 4;
            int end = pos + extLen;
            for (int e = 0; e < elementsLength; ) {
                int id = elements[e] & 0xff;
                int len = elements[e + 1] & 0xff;
                if (two) {
                    buf[pos++] = (byte) id;
                    buf[pos++] = (byte) len;
                } else {
                    buf[pos++] = (byte) ((id << 4) | (len - 1));
                }
                System.arraycopy(elements, e + 2, buf, pos, len);
                pos += len;
                e += 2 + len;
            }
            while (pos < end) {
                buf[pos++] = 0; // RFC 8285 §4.2/§4.3: zero padding after the last element fills the block to 32 bits
            }
        }
        System.arraycopy(payload, payloadOff, buf, pos, payloadLen);
        pos += payloadLen;
        if (padding > 0) {
            for (int i = 0; i < padding - 1; i++) {
                buf[pos++] = 0;
            }
            buf[pos++] = (byte) padding;
        }
        return pos - off;
    }
}
