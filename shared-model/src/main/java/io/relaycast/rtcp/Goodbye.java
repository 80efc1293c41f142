package io.relaycast.rtcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * RTCP BYE, PT 203 (RFC 3550 §6.6): the sources leaving, and optionally a reason.
 *
 * @param ssrcs  up to 31 SSRC/CSRC identifiers
 * @param reason the reason octets (UTF-8 text, at most 255), or {@code null} when the packet
 *               carries no reason field at all (distinct from an empty reason)
 */
public record Goodbye(List<Long> ssrcs, byte[] reason) implements RtcpPacket {

    public Goodbye {
        ssrcs = List.copyOf(ssrcs);
        RtcpWire.checkRange(ssrcs.size(), 0, 31, "source count");
        for (long ssrc : ssrcs) {
            RtcpWire.checkU32(ssrc, "ssrc");
        }
        if (reason != null) {
            reason = reason.clone();
            RtcpWire.checkRange(reason.length, 0, 255, "reason length");
        }
    }

    /** A BYE for the given sources, without reason. */
    public static Goodbye of(long... ssrcs) {
        List<Long> list = new ArrayList<>(ssrcs.length);
        for (long ssrc : ssrcs) {
            list.add(ssrc);
        }
        return new Goodbye(list, null);
    }

    /** The same BYE carrying {@code reason} as UTF-8 text. */
    public Goodbye withReason(String reason) {
        return new Goodbye(ssrcs, reason.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public byte[] reason() {
        return reason == null ? null : reason.clone();
    }

    /** The reason decoded as UTF-8, if present. */
    public Optional<String> reasonText() {
        return reason == null ? Optional.empty() : Optional.of(new String(reason, StandardCharsets.UTF_8));
    }

    @Override
    public int packetType() {
        return GOODBYE;
    }

    @Override
    public int length() {
        int length = RtcpWire.HEADER_LENGTH + 4 * ssrcs.size();
        // RFC 3550 §6.6: the reason is padded with null octets to the next 32-bit boundary.
        return reason == null ? length : RtcpWire.paddedLength(length + 1 + reason.length);
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int total = length();
        RtcpWire.checkRoom(buf, off, total);
        int p = off + RtcpWire.HEADER_LENGTH;
        for (long ssrc : ssrcs) {
            RtcpWire.put32(buf, p, ssrc);
            p += 4;
        }
        if (reason != null) {
            buf[p] = (byte) reason.length;
            System.arraycopy(reason, 0, buf, p + 1, reason.length);
            p += 1 + reason.length;
            Arrays.fill(buf, p, off + total, (byte) 0);
        }
        return RtcpWire.finish(buf, off, total, ssrcs.size(), GOODBYE);
    }

    static Goodbye parse(BodyReader r, int sourceCount) throws RtcpException {
        r.need(4 * sourceCount);
        List<Long> ssrcs = new ArrayList<>(sourceCount);
        for (int i = 0; i < sourceCount; i++) {
            ssrcs.add(r.u32());
        }
        byte[] reason = null;
        if (r.remaining() > 0) {
            int length = r.u8();
            reason = r.bytes(length);
            // Only the null padding up to the next word boundary may follow the reason.
            if (r.remaining() >= 4) {
                throw r.fail(r.remaining() + " bytes after the reason");
            }
        }
        return new Goodbye(ssrcs, reason);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Goodbye other && ssrcs.equals(other.ssrcs) && Arrays.equals(reason, other.reason);
    }

    @Override
    public int hashCode() {
        return ssrcs.hashCode() * 31 + Arrays.hashCode(reason);
    }

    @Override
    public String toString() {
        return "Goodbye[ssrcs=" + ssrcs + ", reason=" + reasonText().orElse(null) + "]";
    }
}
