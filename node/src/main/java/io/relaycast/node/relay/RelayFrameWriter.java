package io.relaycast.node.relay;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one {@link RelayFrame} at a time in a reusable array: records are appended as the media
 * worker produces them during an event-loop turn, and {@link #finish} copies the batch out once.
 * Nothing is allocated per record.
 */
final class RelayFrameWriter {
    private final byte[] buf;
    private final byte[] headerTail;
    private int len;
    private int records;

    /**
     * @param capacity the largest frame, header included
     */
    RelayFrameWriter(int capacity, int senderWorker, int receiverWorker, String senderBusNodeId,
                     String senderNodeId) {
        byte[] bus = ascii(senderBusNodeId);
        byte[] node = ascii(senderNodeId);
        headerTail = new byte[bus.length + 1 + node.length];
        System.arraycopy(bus, 0, headerTail, 0, bus.length);
        headerTail[bus.length] = (byte) node.length;
        System.arraycopy(node, 0, headerTail, bus.length + 1, node.length);
        buf = new byte[capacity];
        buf[0] = (byte) RelayFrame.VERSION;
        buf[1] = (byte) senderWorker;
        buf[2] = (byte) receiverWorker;
        buf[3] = (byte) bus.length;
        System.arraycopy(headerTail, 0, buf, RelayFrame.FIXED_HEADER, headerTail.length);
        reset();
    }

    private static byte[] ascii(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        if (b.length > 255) {
            throw new IllegalArgumentException("node id longer than 255 bytes: " + s);
        }
        return b;
    }

    private void reset() {
        len = RelayFrame.FIXED_HEADER + headerTail.length;
        records = 0;
    }

    int headerLength() {
        return RelayFrame.FIXED_HEADER + headerTail.length;
    }

    /** Bytes of records written since the last {@link #finish}. */
    int recordBytes() {
        return len - headerLength();
    }

    int records() {
        return records;
    }

    /** Whether a record with a body of {@code bodyLength} bytes still fits this frame. */
    boolean fits(int bodyLength) {
        return len + RelayFrame.RECORD_HEADER + bodyLength <= buf.length;
    }

    int capacity() {
        return buf.length;
    }

    /** An RTP or RETRANSMISSION record; the caller checked {@link #fits}. */
    void packet(int type, int stream, byte[] src, int off, int length) {
        begin(type, 4 + length);
        putInt(stream);
        System.arraycopy(src, off, buf, len, length);
        len += length;
    }

    void senderReport(int stream, long ntp, long rtpTimestamp) {
        begin(RelayFrame.SENDER_REPORT, 16);
        putInt(stream);
        putInt((int) (ntp >>> 32));
        putInt((int) ntp);
        putInt((int) rtpTimestamp);
    }

    void subscribe(int stream, byte[] roomId, byte[] trackKey) {
        begin(RelayFrame.SUBSCRIBE, 4 + 1 + roomId.length + 1 + trackKey.length);
        putInt(stream);
        buf[len++] = (byte) roomId.length;
        System.arraycopy(roomId, 0, buf, len, roomId.length);
        len += roomId.length;
        buf[len++] = (byte) trackKey.length;
        System.arraycopy(trackKey, 0, buf, len, trackKey.length);
        len += trackKey.length;
    }

    /** UNSUBSCRIBE or KEYFRAME_REQUEST: a stream number alone. */
    void streamOnly(int type, int stream) {
        begin(type, 4);
        putInt(stream);
    }

    void liveLayers(int stream, int mask) {
        begin(RelayFrame.LIVE_LAYERS, 5);
        putInt(stream);
        buf[len++] = (byte) mask;
    }

    void nack(int stream, int[] sequences, int count) {
        begin(RelayFrame.NACK, 4 + 2 + 2 * count);
        putInt(stream);
        putShort(count);
        for (int i = 0; i < count; i++) {
            putShort(sequences[i]);
        }
    }

    /** Body length of a NACK record for {@code count} sequence numbers. */
    static int nackBody(int count) {
        return 4 + 2 + 2 * count;
    }

    /**
     * Completes the frame: header fields patched in, the bytes copied out, the writer emptied
     * for the next batch.
     */
    RelayFrame finish(int frameSeq, int ackSeq, int ackDelayMicros) {
        int p = 4;
        p = putIntAt(p, frameSeq);
        p = putIntAt(p, ackSeq);
        putIntAt(p, ackDelayMicros);
        RelayFrame f = new RelayFrame(Arrays.copyOf(buf, len));
        reset();
        return f;
    }

    private void begin(int type, int bodyLength) {
        if (bodyLength > 0xffff || !fits(bodyLength)) {
            throw new IllegalStateException("record of " + bodyLength + " bytes does not fit");
        }
        buf[len++] = (byte) type;
        putShort(bodyLength);
        records++;
    }

    private void putShort(int v) {
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void putInt(int v) {
        len = putIntAt(len, v);
    }

    private int putIntAt(int p, int v) {
        buf[p] = (byte) (v >>> 24);
        buf[p + 1] = (byte) (v >>> 16);
        buf[p + 2] = (byte) (v >>> 8);
        buf[p + 3] = (byte) v;
        return p + 4;
    }
}
