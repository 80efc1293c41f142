package io.relaycast.node.cluster;

import io.vertx.core.buffer.Buffer;

/**
 * The wire form of one relayed item: a type byte, the stream number the subscribing node chose
 * for the track, and the body. RTP travels decrypted (SRTP is per hop; node-to-node links are
 * protected by event-bus TLS when configured), in the publisher's numbering.
 */
final class RelayPacket {
    /** An RTP packet to forward to the node's subscribers. */
    static final byte RTP = 0;
    /** A sender report: 8 bytes NTP, 4 bytes RTP timestamp. */
    static final byte SENDER_REPORT = 1;
    /** An RTP packet for the retransmission cache only (an answered NACK). */
    static final byte RETRANSMISSION = 2;
    static final int HEADER = 5;

    private RelayPacket() {
    }

    static Buffer rtp(byte type, int stream, byte[] buf, int off, int len) {
        return Buffer.buffer(HEADER + len).appendByte(type).appendInt(stream).appendBytes(buf, off, len);
    }

    static Buffer senderReport(int stream, long ntp, long rtpTimestamp) {
        return Buffer.buffer(HEADER + 12).appendByte(SENDER_REPORT).appendInt(stream).appendLong(ntp)
                .appendInt((int) rtpTimestamp);
    }
}
