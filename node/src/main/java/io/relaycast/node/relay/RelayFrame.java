package io.relaycast.node.relay;

/**
 * One event-bus message between two media workers on two nodes: a header and a batch of
 * length-prefixed records (RTP, retransmissions, sender reports, and the relay's control:
 * subscribe, unsubscribe, keyframe request, NACK, live layers). The bytes are immutable once built: the event
 * bus may encode or deliver them on another thread.
 *
 * <p>Wire layout (big-endian), written by {@link RelayFrameWriter}, read by {@link RelayFrameReader}:
 * <pre>
 *  0  u8  version (1)
 *  1  u8  sender worker index
 *  2  u8  receiver worker index
 *  3  u8  length n of the sender's event-bus node id
 *  4  u32 frame sequence number (0: an acknowledgement-only frame, itself never acknowledged)
 *  8  u32 highest frame sequence number received from the receiver (0: none yet)
 * 12  u32 how long that acknowledgement was held, in microseconds (subtracted from the RTT)
 * 16  n   sender's event-bus node id (ASCII)
 *     u8  length m, then m bytes: the sender's Relaycast node id (for metrics labels)
 *     records until the end: u8 type, u16 body length, body
 * </pre>
 * Record bodies (every stream number is chosen by the subscribing node's worker):
 * <pre>
 * RTP, RETRANSMISSION  u32 stream, the RTP packet (decrypted, publisher's numbering)
 * SENDER_REPORT        u32 stream, u64 NTP timestamp, u32 RTP timestamp
 * SUBSCRIBE            u32 stream, u8 room id length, room id, u8 track key length, track key
 * UNSUBSCRIBE          u32 stream
 * KEYFRAME_REQUEST     u32 stream
 * NACK                 u32 stream, u16 count, count x u16 publisher sequence numbers
 * LIVE_LAYERS          u32 stream, u8 mask: bit i set when the publisher sends layer i of the
 *                      stream's simulcast track (its rid order) now
 * </pre>
 * Unknown record types are skipped, so a newer node can add records an older one ignores.
 */
public final class RelayFrame {
    public static final int VERSION = 1;
    static final int FIXED_HEADER = 16;
    static final int RECORD_HEADER = 3;

    /** A media packet to forward to the node's subscribers of the stream. */
    public static final int RTP = 1;
    /** A packet answering a NACK: refills the subscribing node's cache, is not forwarded again. */
    public static final int RETRANSMISSION = 2;
    public static final int SENDER_REPORT = 3;
    public static final int SUBSCRIBE = 4;
    public static final int UNSUBSCRIBE = 5;
    public static final int KEYFRAME_REQUEST = 6;
    public static final int NACK = 7;
    /**
     * Publisher's node to subscriber's: which layers of a simulcast track flow at the publisher, so
     * that the subscribing node does not aim at a layer the publisher does not send (it cannot
     * see one it does not subscribe to). Sent on each subscribed layer's stream when the set
     * changes and right after a SUBSCRIBE.
     */
    public static final int LIVE_LAYERS = 8;

    private final byte[] bytes;

    RelayFrame(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The frame as it goes on the wire; never modified. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }
}
