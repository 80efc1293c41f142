package io.relaycast.rtcp;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An RTCP packet of a type or feedback format this package does not model (APP, XR, RRR,
 * TMMBR, non-REMB application feedback, ...), kept whole, header and padding included, so it
 * can be relayed unchanged or ignored. RFC 3550 §6.1: unknown types are skipped, not errors.
 *
 * @param raw the complete packet, a valid common header whose length field covers all of it
 */
public record UnknownRtcpPacket(byte[] raw) implements RtcpPacket {

    public UnknownRtcpPacket {
        raw = raw.clone();
        if (raw.length < RtcpWire.HEADER_LENGTH || raw.length % 4 != 0
                || (raw[0] & 0xff) >>> 6 != RtcpWire.VERSION
                || (RtcpWire.u16(raw, 2) + 1) * 4 != raw.length) {
            throw new IllegalArgumentException("not one whole RTCP packet of " + raw.length + " bytes");
        }
    }

    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public int packetType() {
        return raw[1] & 0xff;
    }

    /** The 5-bit count field: a report count, or the FMT of a feedback message. */
    public int countOrFormat() {
        return raw[0] & 0x1f;
    }

    @Override
    public int length() {
        return raw.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        RtcpWire.checkRoom(buf, off, raw.length);
        System.arraycopy(raw, 0, buf, off, raw.length);
        return raw.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownRtcpPacket other && Arrays.equals(raw, other.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return "UnknownRtcpPacket[type=" + packetType() + ", count=" + countOrFormat() + ", raw="
                + HexFormat.of().formatHex(raw) + "]";
    }
}
