package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Receiver Estimated Maximum Bitrate, PSFB FMT 15 (application layer feedback) with the
 * "REMB" identifier (draft-alvestrand-rmcat-remb-03 §2.2): the receiver's estimate of the
 * total bitrate it can take for the listed SSRCs, as an 18-bit mantissa shifted left by a
 * 6-bit exponent.
 *
 * @param senderSsrc SSRC of the sender of the estimate
 * @param mediaSsrc  unused by REMB, always 0 from conforming senders (kept for exact round trips)
 * @param exponent   BR Exp, 0–63
 * @param mantissa   BR Mantissa, 0–2^18−1
 * @param ssrcs      the media SSRCs the estimate applies to, at most 255
 */
public record ReceiverEstimatedMaxBitrate(long senderSsrc, long mediaSsrc, int exponent, int mantissa,
                                          List<Long> ssrcs) implements FeedbackPacket {
    public static final int FORMAT = 15;
    /** "REMB" in ASCII, the unique identifier that tells REMB apart from other AFB messages. */
    static final long IDENTIFIER = 0x52454D42L;
    private static final int MAX_MANTISSA = (1 << 18) - 1;

    public ReceiverEstimatedMaxBitrate {
        RtcpWire.checkU32(senderSsrc, "senderSsrc");
        RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
        RtcpWire.checkRange(exponent, 0, 63, "exponent");
        RtcpWire.checkRange(mantissa, 0, MAX_MANTISSA, "mantissa");
        ssrcs = List.copyOf(ssrcs);
        RtcpWire.checkRange(ssrcs.size(), 0, 255, "SSRC count");
        for (long ssrc : ssrcs) {
            RtcpWire.checkU32(ssrc, "ssrc");
        }
    }

    /**
     * A REMB announcing {@code bitrateBps} for {@code ssrcs}: the smallest exponent whose
     * mantissa fits 18 bits, rounding the bitrate down so the estimate is never overstated.
     */
    public static ReceiverEstimatedMaxBitrate of(long senderSsrc, long bitrateBps, List<Long> ssrcs) {
        if (bitrateBps < 0) {
            throw new IllegalArgumentException("negative bitrate: " + bitrateBps);
        }
        int exponent = 0;
        while ((bitrateBps >>> exponent) > MAX_MANTISSA) {
            exponent++;
        }
        return new ReceiverEstimatedMaxBitrate(senderSsrc, 0, exponent, (int) (bitrateBps >>> exponent), ssrcs);
    }

    /** mantissa × 2^exponent in bits per second, saturated at {@link Long#MAX_VALUE}. */
    public long bitrateBps() {
        if (mantissa != 0 && Long.numberOfLeadingZeros(mantissa) <= exponent) {
            return Long.MAX_VALUE;
        }
        return (long) mantissa << exponent;
    }

    @Override
    public int format() {
        return FORMAT;
    }

    @Override
    public int packetType() {
        return PAYLOAD_FEEDBACK;
    }

    @Override
    public int length() {
        return 20 + 4 * ssrcs.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int total = length();
        RtcpWire.checkRoom(buf, off, total);
        RtcpWire.putFeedbackSsrcs(buf, off, senderSsrc, mediaSsrc);
        RtcpWire.put32(buf, off + 12, IDENTIFIER);
        buf[off + 16] = (byte) ssrcs.size();
        RtcpWire.put24(buf, off + 17, (exponent << 18) | mantissa);
        int p = off + 20;
        for (long ssrc : ssrcs) {
            RtcpWire.put32(buf, p, ssrc);
            p += 4;
        }
        return RtcpWire.finish(buf, off, total, FORMAT, PAYLOAD_FEEDBACK);
    }

    /** True when the AFB body (after the two SSRCs at {@code fciOff}) starts with "REMB". */
    static boolean isRemb(byte[] buf, int fciOff, int bodyEnd) {
        return bodyEnd - fciOff >= 4
                && ((long) RtcpWire.u16(buf, fciOff) << 16 | RtcpWire.u16(buf, fciOff + 2)) == IDENTIFIER;
    }

    static ReceiverEstimatedMaxBitrate parse(BodyReader r) throws RtcpException {
        long sender = r.u32();
        long media = r.u32();
        r.skip(4); // "REMB", checked by the caller
        int count = r.u8();
        int bitrate = r.u24();
        if (r.remaining() != 4 * count) {
            throw r.fail("Num SSRC " + count + " needs " + 4 * count + " bytes, FCI has " + r.remaining());
        }
        List<Long> ssrcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ssrcs.add(r.u32());
        }
        return new ReceiverEstimatedMaxBitrate(sender, media, bitrate >>> 18, bitrate & MAX_MANTISSA, ssrcs);
    }
}
