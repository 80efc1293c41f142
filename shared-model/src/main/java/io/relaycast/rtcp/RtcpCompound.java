package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes compound RTCP datagrams (RFC 3550 §6.1): packets back to back, each
 * starting with the common header whose length field gives its size in 32-bit words minus one.
 *
 * <p>The parser is strict about framing and lenient about content: every packet must have
 * version 2 and the length fields must tile the buffer exactly, but the compound need not
 * start with SR/RR (RFC 5506 reduced-size RTCP is what browsers send for feedback) and
 * unknown packet types and feedback formats become {@link UnknownRtcpPacket}.
 */
public final class RtcpCompound {

    private RtcpCompound() {
    }

    /**
     * Parses the RTCP packets in {@code buf[off..off+len)}.
     *
     * @throws RtcpException if the datagram is empty or any packet is malformed
     */
    public static List<RtcpPacket> parse(byte[] buf, int off, int len) throws RtcpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0) {
            throw new RtcpException("empty RTCP datagram");
        }
        List<RtcpPacket> packets = new ArrayList<>();
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < RtcpWire.HEADER_LENGTH) {
                throw new RtcpException((end - pos) + " bytes after the last packet, too few for a header");
            }
            int version = (buf[pos] & 0xff) >>> 6;
            if (version != RtcpWire.VERSION) {
                throw new RtcpException("version " + version + " at offset " + (pos - off));
            }
            int total = (RtcpWire.u16(buf, pos + 2) + 1) * 4;
            if (total > end - pos) {
                throw new RtcpException("length field says " + total + " bytes at offset " + (pos - off)
                        + ", only " + (end - pos) + " remain");
            }
            packets.add(parsePacket(buf, pos, total));
            pos += total;
        }
        return packets;
    }

    /** Parses the whole datagram {@code buf}. */
    public static List<RtcpPacket> parse(byte[] buf) throws RtcpException {
        return parse(buf, 0, buf.length);
    }

    private static RtcpPacket parsePacket(byte[] buf, int start, int total) throws RtcpException {
        int count = buf[start] & 0x1f;
        int type = buf[start + 1] & 0xff;
        int bodyEnd = start + total;
        if ((buf[start] & 0x20) != 0) {
            // RFC 3550 §6.4.1: the last octet counts the padding octets, itself included.
            int padding = buf[bodyEnd - 1] & 0xff;
            if (padding == 0 || padding > total - RtcpWire.HEADER_LENGTH) {
                throw new RtcpException("padding count " + padding + " in a packet of " + total + " bytes");
            }
            bodyEnd -= padding;
        }
        int bodyStart = start + RtcpWire.HEADER_LENGTH;
        switch (type) {
            case RtcpPacket.SENDER_REPORT:
                return SenderReport.parse(new BodyReader(buf, bodyStart, bodyEnd, "SR"), count);
            case RtcpPacket.RECEIVER_REPORT:
                return ReceiverReport.parse(new BodyReader(buf, bodyStart, bodyEnd, "RR"), count);
            case RtcpPacket.SOURCE_DESCRIPTION:
                return SourceDescription.parse(new BodyReader(buf, bodyStart, bodyEnd, "SDES"), count);
            case RtcpPacket.GOODBYE:
                return Goodbye.parse(new BodyReader(buf, bodyStart, bodyEnd, "BYE"), count);
            case RtcpPacket.TRANSPORT_FEEDBACK:
                if (count == GenericNack.FORMAT) {
                    return GenericNack.parse(new BodyReader(buf, bodyStart, bodyEnd, "Generic NACK"));
                }
                if (count == TransportCcFeedback.FORMAT) {
                    return TransportCcFeedback.parse(new BodyReader(buf, bodyStart, bodyEnd, "transport-cc"));
                }
                break;
            case RtcpPacket.PAYLOAD_FEEDBACK:
                if (count == PictureLossIndication.FORMAT) {
                    return PictureLossIndication.parse(new BodyReader(buf, bodyStart, bodyEnd, "PLI"));
                }
                if (count == FullIntraRequest.FORMAT) {
                    return FullIntraRequest.parse(new BodyReader(buf, bodyStart, bodyEnd, "FIR"));
                }
                if (count == ReceiverEstimatedMaxBitrate.FORMAT
                        && ReceiverEstimatedMaxBitrate.isRemb(buf, bodyStart + 8, bodyEnd)) {
                    return ReceiverEstimatedMaxBitrate.parse(new BodyReader(buf, bodyStart, bodyEnd, "REMB"));
                }
                break;
            default:
                break;
        }
        return new UnknownRtcpPacket(Arrays.copyOfRange(buf, start, start + total));
    }

    /** The number of bytes {@link #write} needs for {@code packets}. */
    public static int length(List<? extends RtcpPacket> packets) {
        int length = 0;
        for (RtcpPacket packet : packets) {
            length += packet.length();
        }
        return length;
    }

    /**
     * Writes {@code packets} back to back at {@code off} and returns the bytes written.
     *
     * @throws IndexOutOfBoundsException if they do not fit in {@code buf}
     */
    public static int write(List<? extends RtcpPacket> packets, byte[] buf, int off) {
        RtcpWire.checkRoom(buf, off, length(packets));
        int p = off;
        for (RtcpPacket packet : packets) {
            p += packet.writeTo(buf, p);
        }
        return p - off;
    }

    /** {@code packets} written into a fresh array. */
    public static byte[] toBytes(List<? extends RtcpPacket> packets) {
        byte[] out = new byte[length(packets)];
        write(packets, out, 0);
        return out;
    }
}
