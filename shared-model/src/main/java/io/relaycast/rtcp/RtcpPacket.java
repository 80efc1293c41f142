package io.relaycast.rtcp;

/**
 * One RTCP packet of a compound datagram (RFC 3550 §6.1).
 *
 * <p>Packets are immutable values: {@link RtcpCompound#parse} builds them from a datagram and
 * {@link #writeTo} serialises them again, so {@code parse(write(x))} equals {@code x}. Types the
 * package does not model (APP, XR, other feedback formats) arrive as {@link UnknownRtcpPacket}
 * and are written back byte for byte.
 */
public sealed interface RtcpPacket
        permits SenderReport, ReceiverReport, SourceDescription, Goodbye, FeedbackPacket, UnknownRtcpPacket {

    /** RFC 3550 §12.1 packet types. */
    int SENDER_REPORT = 200;
    int RECEIVER_REPORT = 201;
    int SOURCE_DESCRIPTION = 202;
    int GOODBYE = 203;
    int APPLICATION_DEFINED = 204;
    /** RFC 4585 §6.1: transport layer feedback (RTPFB). */
    int TRANSPORT_FEEDBACK = 205;
    /** RFC 4585 §6.1: payload-specific feedback (PSFB). */
    int PAYLOAD_FEEDBACK = 206;
    /** RFC 3611: extended reports. */
    int EXTENDED_REPORT = 207;

    /** The packet type octet of the common header. */
    int packetType();

    /** The number of bytes {@link #writeTo} writes, a multiple of four. */
    int length();

    /**
     * Writes this packet, header included, at {@code off} and returns {@link #length()}.
     *
     * @throws IndexOutOfBoundsException if the packet does not fit in {@code buf}
     */
    int writeTo(byte[] buf, int off);

    /** The packet serialised into a fresh array. */
    default byte[] toBytes() {
        byte[] out = new byte[length()];
        writeTo(out, 0);
        return out;
    }
}
