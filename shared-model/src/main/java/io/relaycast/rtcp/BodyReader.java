package io.relaycast.rtcp;

/**
 * A bounds-checked cursor over one packet's body (the bytes after the common header, without
 * RFC 3550 padding). Reading past the end raises {@link RtcpException}, so the packet parsers
 * cannot over-read however their counts are corrupted.
 */
final class BodyReader {
    private final byte[] buf;
    private final int start;
    private final int end;
    private final String what;
    private int pos;

    BodyReader(byte[] buf, int start, int end, String what) {
        this.buf = buf;
        this.start = start;
        this.end = end;
        this.what = what;
        this.pos = start;
    }

    int remaining() {
        return end - pos;
    }

    /** Bytes read so far; the body starts on a word boundary, so this gives alignment too. */
    int consumed() {
        return pos - start;
    }

    void need(int n) throws RtcpException {
        if (n > end - pos) {
            throw fail("truncated: needs " + n + " more bytes, has " + (end - pos));
        }
    }

    int u8() throws RtcpException {
        need(1);
        return buf[pos++] & 0xff;
    }

    int u16() throws RtcpException {
        need(2);
        int v = RtcpWire.u16(buf, pos);
        pos += 2;
        return v;
    }

    int u24() throws RtcpException {
        need(3);
        int v = ((buf[pos] & 0xff) << 16) | ((buf[pos + 1] & 0xff) << 8) | (buf[pos + 2] & 0xff);
        pos += 3;
        return v;
    }

    long u32() throws RtcpException {
        need(4);
        long v = ((long) (buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16)
                | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long u64() throws RtcpException {
        return (u32() << 32) | u32();
    }

    byte[] bytes(int n) throws RtcpException {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(buf, pos, out, 0, n);
        pos += n;
        return out;
    }

    void skip(int n) throws RtcpException {
        need(n);
        pos += n;
    }

    RtcpException fail(String message) {
        return new RtcpException(what + ": " + message);
    }
}
