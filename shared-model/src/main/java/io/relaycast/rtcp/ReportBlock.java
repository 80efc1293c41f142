package io.relaycast.rtcp;

/**
 * One reception report block of an SR or RR (RFC 3550 §6.4.1), 24 bytes on the wire.
 *
 * @param ssrc                         the source this block reports on
 * @param fractionLost                 packets lost since the previous report, in 1/256 (0–255)
 * @param cumulativeLost               packets lost since reception began, a 24-bit signed value
 *                                     (duplicates can make it negative)
 * @param extendedHighestSequence      cycles count (high 16 bits) and highest sequence number
 * @param jitter                       interarrival jitter in RTP timestamp units
 * @param lastSenderReport             LSR: middle 32 bits of the last SR's NTP timestamp, 0 if none
 * @param delaySinceLastSenderReport   DLSR: delay since that SR in units of 1/65536 s
 */
public record ReportBlock(long ssrc, int fractionLost, int cumulativeLost, long extendedHighestSequence,
                          long jitter, long lastSenderReport, long delaySinceLastSenderReport) {

    /** Encoded length of one block. */
    public static final int LENGTH = 24;
    /** RFC 3550 §6.4.1: cumulative lost is a signed 24-bit number. */
    public static final int MAX_CUMULATIVE_LOST = 0x7F_FFFF;
    public static final int MIN_CUMULATIVE_LOST = -0x80_0000;

    public ReportBlock {
        RtcpWire.checkU32(ssrc, "ssrc");
        RtcpWire.checkRange(fractionLost, 0, 255, "fractionLost");
        RtcpWire.checkRange(cumulativeLost, MIN_CUMULATIVE_LOST, MAX_CUMULATIVE_LOST, "cumulativeLost");
        RtcpWire.checkU32(extendedHighestSequence, "extendedHighestSequence");
        RtcpWire.checkU32(jitter, "jitter");
        RtcpWire.checkU32(lastSenderReport, "lastSenderReport");
        RtcpWire.checkU32(delaySinceLastSenderReport, "delaySinceLastSenderReport");
    }

    /**
     * RFC 3550 Appendix A.3: the loss fraction since the last report, in 1/256, from the
     * packets expected and received in the interval. Zero when nothing was lost or more
     * arrived than expected (duplicates).
     */
    public static int fractionLost(long expectedInInterval, long receivedInInterval) {
        long lost = expectedInInterval - receivedInInterval;
        if (expectedInInterval <= 0 || lost <= 0) {
            return 0;
        }
        return (int) Math.min(255, (lost << 8) / expectedInInterval);
    }

    /**
     * RFC 3550 Appendix A.3: the cumulative number of packets lost, clamped to the 24-bit
     * signed field (0x7fffff for positive loss, 0x800000 for negative loss).
     */
    public static int clampCumulativeLost(long cumulativeLost) {
        return (int) Math.max(MIN_CUMULATIVE_LOST, Math.min(MAX_CUMULATIVE_LOST, cumulativeLost));
    }

    /** The fraction lost as a ratio between 0 and 255/256. */
    public double fractionLostRatio() {
        return fractionLost / 256.0;
    }

    /**
     * RFC 3550 §6.4.1: the round-trip time A − LSR − DLSR in units of 1/65536 s, where
     * {@code arrivalCompactNtp} (A) is the middle 32 bits of the NTP time this block arrived
     * ({@link NtpTime#middle32}). Returns -1 when the block carries no LSR (no SR received yet)
     * or when the result is negative, which only clock skew or a corrupt block can cause.
     */
    public long roundTripCompact(long arrivalCompactNtp) {
        if (lastSenderReport == 0) {
            return -1;
        }
        // Modular arithmetic: the middle 32 bits wrap every 65536 s.
        long rtt = (arrivalCompactNtp - lastSenderReport - delaySinceLastSenderReport) & 0xFFFF_FFFFL;
        return rtt >= 0x8000_0000L ? -1 : rtt;
    }

    /** {@link #roundTripCompact} in nanoseconds, or -1. */
    public long roundTripNanos(long arrivalCompactNtp) {
        long compact = roundTripCompact(arrivalCompactNtp);
        return compact < 0 ? -1 : NtpTime.compactToNanos(compact);
    }

    static ReportBlock parse(BodyReader r) throws RtcpException {
        long ssrc = r.u32();
        int fraction = r.u8();
        int cumulative = RtcpWire.signed24(r.u24());
        return new ReportBlock(ssrc, fraction, cumulative, r.u32(), r.u32(), r.u32(), r.u32());
    }

    void writeTo(byte[] buf, int off) {
        RtcpWire.put32(buf, off, ssrc);
        buf[off + 4] = (byte) fractionLost;
        RtcpWire.put24(buf, off + 5, cumulativeLost & 0xFF_FFFF);
        RtcpWire.put32(buf, off + 8, extendedHighestSequence);
        RtcpWire.put32(buf, off + 12, jitter);
        RtcpWire.put32(buf, off + 16, lastSenderReport);
        RtcpWire.put32(buf, off + 20, delaySinceLastSenderReport);
    }
}
