package io.relaycast.rtp;

/**
 * Tells whether an RTP payload starts a video keyframe, without decoding it: what an SFU needs
 * to resume or switch a stream at a point the subscriber's decoder can start from.
 *
 * <p>Only the first bytes of the payload are read, with bounds checks; a payload too short or of
 * an unknown codec is "not a keyframe start" (the caller keeps waiting, it never forwards from a
 * point the decoder cannot use).
 */
public final class Keyframes {
    private Keyframes() {
    }

    /**
     * @param codecName the SDP encoding name (case-insensitive): {@code VP8} or {@code H264}
     * @return true when this packet is the first packet of a keyframe
     */
    public static boolean isKeyframeStart(String codecName, byte[] buf, int off, int len) {
        if (codecName.equalsIgnoreCase("VP8")) {
            return vp8(buf, off, len);
        }
        if (codecName.equalsIgnoreCase("H264")) {
            return h264(buf, off, len);
        }
        return false;
    }

    /**
     * VP8 (RFC 7741 §4.2 payload descriptor, §4.3 payload header): the first packet of partition 0
     * (S=1, PID=0) whose frame tag has P=0 (RFC 6386 §9.1: the inverse key-frame flag).
     */
    static boolean vp8(byte[] b, int off, int len) {
        int p = vp8PayloadHeader(b, off, len);
        return p >= 0 && p < off + len && (b[p] & 0x01) == 0;
    }

    /**
     * The frame height a VP8 keyframe's first packet declares (RFC 6386 §9.1: after the 3-byte
     * frame tag, the start code 9d 01 2a, then 14-bit width and height, little-endian, each with
     * 2 scaling bits on top), or -1 for anything else.
     */
    public static int vp8KeyframeHeight(String codecName, byte[] b, int off, int len) {
        if (!codecName.equalsIgnoreCase("VP8")) {
            return -1;
        }
        int p = vp8PayloadHeader(b, off, len);
        if (p < 0 || p + 10 > off + len || (b[p] & 0x01) != 0) {
            return -1;
        }
        if ((b[p + 3] & 0xff) != 0x9d || (b[p + 4] & 0xff) != 0x01 || (b[p + 5] & 0xff) != 0x2a) {
            return -1;
        }
        return ((b[p + 9] & 0x3f) << 8) | (b[p + 8] & 0xff);
    }

    /**
     * Offset of the VP8 payload header (RFC 7741 §4.3) when this packet starts partition 0 of a
     * frame (S=1, PID=0), past the payload descriptor (§4.2); -1 otherwise or when truncated.
     */
    private static int vp8PayloadHeader(byte[] b, int off, int len) {
        if (len < 1) {
            return -1;
        }
        int end = off + len;
        int first = b[off] & 0xff;
        boolean start = (first & 0x10) != 0;
        int pid = first & 0x07;
        if (!start || pid != 0) {
            return -1;
        }
        int p = off + 1;
        if ((first & 0x80) != 0) { // X: the extension byte follows
            if (p >= end) {
                return -1;
            }
            int x = b[p++] & 0xff;
            if ((x & 0x80) != 0) { // I: picture id, 7 or 15 bits (M)
                if (p >= end) {
                    return -1;
                }
                p += (b[p] & 0x80) != 0 ? 2 : 1;
            }
            if ((x & 0x40) != 0) { // L: TL0PICIDX
                p++;
            }
            if ((x & 0x30) != 0) { // T or K: TID/Y/KEYIDX
                p++;
            }
        }
        return p < end ? p : -1;
    }

    /**
     * H.264 (RFC 6184 §5.3): an IDR slice (NAL type 5) or a sequence parameter set (7, which
     * encoders send right before an IDR) in a single NAL unit, inside a STAP-A (24, §5.7.1), or at
     * the start of an FU-A (28, §5.8, S bit set).
     */
    static boolean h264(byte[] b, int off, int len) {
        if (len < 1) {
            return false;
        }
        int type = b[off] & 0x1f;
        if (type == 5 || type == 7) {
            return true;
        }
        if (type == 24) {
            int p = off + 1;
            int end = off + len;
            while (p + 2 < end) {
                int size = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
                int nal = b[p + 2] & 0x1f;
                if (nal == 5 || nal == 7) {
                    return true;
                }
                p += 2 + size;
            }
            return false;
        }
        if (type == 28 && len >= 2) {
            int fu = b[off + 1] & 0xff;
            return (fu & 0x80) != 0 && ((fu & 0x1f) == 5 || (fu & 0x1f) == 7);
        }
        return false;
    }
}
