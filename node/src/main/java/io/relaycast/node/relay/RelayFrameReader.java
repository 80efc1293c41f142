package io.relaycast.node.relay;

import java.nio.charset.StandardCharsets;

/**
 * Reads a {@link RelayFrame} in place: the header once, then one record at a time. Every length
 * is checked against the frame before it is used; a frame that lies about a length is rejected
 * whole with {@link RelayFrameException} (nothing of it is applied after the bad record).
 */
final class RelayFrameReader {
    private byte[] b;
    private int end;
    private int pos;
    private int senderWorker;
    private int receiverWorker;
    private int frameSeq;
    private int ackSeq;
    private int ackDelayMicros;
    private String senderBusNodeId;
    private String senderNodeId;
    private int type;
    private int bodyOff;
    private int bodyLen;

    /** Parses the header of {@code frame}; records follow through {@link #next}. */
    void wrap(byte[] frame, int off, int len) throws RelayFrameException {
        b = frame;
        end = off + len;
        if (len < RelayFrame.FIXED_HEADER) {
            throw new RelayFrameException("frame of " + len + " bytes is shorter than its header");
        }
        if ((b[off] & 0xff) != RelayFrame.VERSION) {
            throw new RelayFrameException("unknown relay frame version " + (b[off] & 0xff));
        }
        senderWorker = b[off + 1] & 0xff;
        receiverWorker = b[off + 2] & 0xff;
        int busLen = b[off + 3] & 0xff;
        frameSeq = intAt(off + 4);
        ackSeq = intAt(off + 8);
        ackDelayMicros = intAt(off + 12);
        int p = off + RelayFrame.FIXED_HEADER;
        if (p + busLen + 1 > end) {
            throw new RelayFrameException("node id runs past the frame");
        }
        senderBusNodeId = new String(b, p, busLen, StandardCharsets.US_ASCII);
        p += busLen;
        int nodeLen = b[p++] & 0xff;
        if (p + nodeLen > end) {
            throw new RelayFrameException("node id runs past the frame");
        }
        senderNodeId = new String(b, p, nodeLen, StandardCharsets.US_ASCII);
        pos = p + nodeLen;
    }

    /** Advances to the next record; false at the end of the frame. */
    boolean next() throws RelayFrameException {
        if (pos == end) {
            return false;
        }
        if (pos + RelayFrame.RECORD_HEADER > end) {
            throw new RelayFrameException("truncated record header");
        }
        type = b[pos] & 0xff;
        bodyLen = ((b[pos + 1] & 0xff) << 8) | (b[pos + 2] & 0xff);
        bodyOff = pos + RelayFrame.RECORD_HEADER;
        if (bodyOff + bodyLen > end) {
            throw new RelayFrameException("record of " + bodyLen + " bytes runs past the frame");
        }
        pos = bodyOff + bodyLen;
        return true;
    }

    int type() {
        return type;
    }

    byte[] buffer() {
        return b;
    }

    /** The record's stream number; every record type defined so far starts with one. */
    int stream() throws RelayFrameException {
        need(4);
        return intAt(bodyOff);
    }

    /** Offset and length of an RTP/RETRANSMISSION record's packet. */
    int packetOffset() {
        return bodyOff + 4;
    }

    int packetLength() throws RelayFrameException {
        need(4);
        return bodyLen - 4;
    }

    long ntp() throws RelayFrameException {
        need(16);
        return ((long) intAt(bodyOff + 4) << 32) | (intAt(bodyOff + 8) & 0xffffffffL);
    }

    long rtpTimestamp() throws RelayFrameException {
        need(16);
        return intAt(bodyOff + 12) & 0xffffffffL;
    }

    /** SUBSCRIBE: the room id. */
    String subscribeRoom() throws RelayFrameException {
        need(5);
        int n = b[bodyOff + 4] & 0xff;
        need(5 + n + 1);
        return new String(b, bodyOff + 5, n, StandardCharsets.UTF_8);
    }

    /** SUBSCRIBE: the track key. */
    String subscribeTrack() throws RelayFrameException {
        need(5);
        int n = b[bodyOff + 4] & 0xff;
        need(5 + n + 1);
        int k = b[bodyOff + 5 + n] & 0xff;
        need(5 + n + 1 + k);
        return new String(b, bodyOff + 6 + n, k, StandardCharsets.UTF_8);
    }

    /** LIVE_LAYERS: bit i set when the publisher sends layer i. */
    int liveLayerMask() throws RelayFrameException {
        need(5);
        return b[bodyOff + 4] & 0xff;
    }

    /** NACK: copies up to {@code into.length} sequence numbers and returns how many. */
    int nackSequences(int[] into) throws RelayFrameException {
        need(6);
        int count = ((b[bodyOff + 4] & 0xff) << 8) | (b[bodyOff + 5] & 0xff);
        need(6 + 2 * count);
        int n = Math.min(count, into.length);
        for (int i = 0; i < n; i++) {
            int p = bodyOff + 6 + 2 * i;
            into[i] = ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
        }
        return n;
    }

    int senderWorker() {
        return senderWorker;
    }

    int receiverWorker() {
        return receiverWorker;
    }

    int frameSeq() {
        return frameSeq;
    }

    int ackSeq() {
        return ackSeq;
    }

    int ackDelayMicros() {
        return ackDelayMicros;
    }

    String senderBusNodeId() {
        return senderBusNodeId;
    }

    String senderNodeId() {
        return senderNodeId;
    }

    private void need(int n) throws RelayFrameException {
        if (bodyLen < n) {
            throw new RelayFrameException("record type " + type + " of " + bodyLen + " bytes, needs " + n);
        }
    }

    private int intAt(int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }
}
