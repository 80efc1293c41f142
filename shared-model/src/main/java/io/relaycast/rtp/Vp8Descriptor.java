package io.relaycast.rtp;

/**
 * Reads and rewrites, in place, the fields of a VP8 payload descriptor (RFC 7741 §4.2) that an
 * SFU must keep continuous when it splices simulcast streams into one: the picture id (7 or 15
 * bits, §4.2 "M") and TL0PICIDX (8 bits). Reusable: {@link #parse} fills it for one packet.
 */
public final class Vp8Descriptor {
    private int pictureIdOffset = -1;
    private boolean longPictureId;
    private int tl0Offset = -1;

    /** Parses the descriptor at {@code b[off..off+len)}; false when it is truncated. */
    public boolean parse(byte[] b, int off, int len) {
        pictureIdOffset = -1;
        tl0Offset = -1;
        if (len < 1) {
            return false;
        }
        int end = off + len;
        int first = b[off] & 0xff;
        int p = off + 1;
        if ((first & 0x80) == 0) { // X=0: no extension, nothing to rewrite
            return true;
        }
        if (p >= end) {
            return false;
        }
        int x = b[p++] & 0xff;
        if ((x & 0x80) != 0) { // I
            if (p >= end) {
                return false;
            }
            longPictureId = (b[p] & 0x80) != 0;
            if (longPictureId && p + 1 >= end) {
                return false;
            }
            pictureIdOffset = p;
            p += longPictureId ? 2 : 1;
        }
        if ((x & 0x40) != 0) { // L
            if (p >= end) {
                return false;
            }
            tl0Offset = p;
        }
        return true;
    }

    public boolean hasPictureId() {
        return pictureIdOffset >= 0;
    }

    /** The picture id's modulus: 2^15 for the long form, 2^7 for the short one. */
    public int pictureIdModulus() {
        return longPictureId ? 0x8000 : 0x80;
    }

    public int pictureId(byte[] b) {
        if (longPictureId) {
            return ((b[pictureIdOffset] & 0x7f) << 8) | (b[pictureIdOffset + 1] & 0xff);
        }
        return b[pictureIdOffset] & 0x7f;
    }

    /** Writes {@code id} (reduced to the field's width), keeping the M bit. */
    public void setPictureId(byte[] b, int id) {
        if (longPictureId) {
            b[pictureIdOffset] = (byte) (0x80 | ((id >>> 8) & 0x7f));
            b[pictureIdOffset + 1] = (byte) id;
        } else {
            b[pictureIdOffset] = (byte) (id & 0x7f);
        }
    }

    public boolean hasTl0PicIdx() {
        return tl0Offset >= 0;
    }

    public int tl0PicIdx(byte[] b) {
        return b[tl0Offset] & 0xff;
    }

    public void setTl0PicIdx(byte[] b, int v) {
        b[tl0Offset] = (byte) v;
    }
}
