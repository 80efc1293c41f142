package io.relaycast.rtcp;

import java.util.Arrays;
import java.util.Objects;

/** Big-endian field access, argument checks and the common header writer shared by all packets. */
final class RtcpWire {
    /** RFC 3550 §6.4.1: version (2 bits), padding, count (5 bits), packet type, length. */
    static final int HEADER_LENGTH = 4;
    /** The 16-bit length field counts 32-bit words minus one, so no packet can be longer. */
    static final int MAX_PACKET_LENGTH = (0xFFFF + 1) * 4;
    static final int VERSION = 2;

    private RtcpWire() {
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }

    static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }

    static void put32(byte[] b, int i, long v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    static void put64(byte[] b, int i, long v) {
        put32(b, i, v >>> 32);
        put32(b, i + 4, v);
    }

    /** Rounds a content length up to whole 32-bit words (RFC 3550 §6.4.1 length field). */
    static int paddedLength(int contentLength) {
        return (contentLength + 3) & ~3;
    }

    /** Fails with an index exception when {@code len} bytes do not fit at {@code off}. */
    static void checkRoom(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
    }

    /**
     * Writes the common header at {@code start} for a packet whose header plus content is
     * {@code contentLength} bytes long. Content that does not end on a word boundary is padded
     * the RFC 3550 §6.4.1 way: P bit set, zero octets, the last octet counting the padding
     * (this is how libwebrtc pads transport-cc feedback). Returns the total length.
     */
    static int finish(byte[] buf, int start, int contentLength, int countOrFormat, int packetType) {
        int total = paddedLength(contentLength);
        int padding = total - contentLength;
        if (padding > 0) {
            Arrays.fill(buf, start + contentLength, start + total - 1, (byte) 0);
            buf[start + total - 1] = (byte) padding;
        }
        buf[start] = (byte) ((VERSION << 6) | (padding > 0 ? 0x20 : 0) | countOrFormat);
        buf[start + 1] = (byte) packetType;
        put16(buf, start + 2, total / 4 - 1);
        return total;
    }

    static long checkU32(long value, String name) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " is not an unsigned 32-bit value: " + value);
        }
        return value;
    }

    static int checkRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " out of range [" + min + ", " + max + "]: " + value);
        }
        return value;
    }

    static void checkPacketLength(int length, String what) {
        if (length > MAX_PACKET_LENGTH) {
            throw new IllegalArgumentException(what + " of " + length + " bytes does not fit the 16-bit length field");
        }
    }

    static int signed24(int raw) {
        return (raw << 8) >> 8;
    }

    /** RFC 4585 §6.1: the sender and media SSRCs that follow every feedback header. */
    static void putFeedbackSsrcs(byte[] buf, int off, long senderSsrc, long mediaSsrc) {
        put32(buf, off + 4, senderSsrc);
        put32(buf, off + 8, mediaSsrc);
    }
}
