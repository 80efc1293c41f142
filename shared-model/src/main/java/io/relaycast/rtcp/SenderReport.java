package io.relaycast.rtcp;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * RTCP sender report, PT 200 (RFC 3550 §6.4.1): sender info plus up to 31 reception report
 * blocks, optionally followed by a profile-specific extension kept as raw bytes.
 *
 * @param ssrc             SSRC of the sender
 * @param ntpTimestamp     64-bit NTP wall-clock time of this report, raw bits (see {@link NtpTime})
 * @param rtpTimestamp     the same instant in the sender's RTP clock
 * @param packetCount      RTP data packets sent since starting transmission
 * @param octetCount       payload octets sent since starting transmission
 * @param reports          reception report blocks (at most 31)
 * @param profileExtension bytes after the report blocks, empty when there are none
 */
public record SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount,
                           long octetCount, List<ReportBlock> reports, byte[] profileExtension)
        implements RtcpPacket {

    private static final int SENDER_INFO_LENGTH = 20;

    public SenderReport {
        RtcpWire.checkU32(ssrc, "ssrc");
        RtcpWire.checkU32(rtpTimestamp, "rtpTimestamp");
        RtcpWire.checkU32(packetCount, "packetCount");
        RtcpWire.checkU32(octetCount, "octetCount");
        reports = List.copyOf(reports);
        RtcpWire.checkRange(reports.size(), 0, 31, "report count");
        profileExtension = profileExtension.clone();
        RtcpWire.checkPacketLength(contentLength(reports, profileExtension), "sender report");
    }

    /** A sender report without profile extension. */
    public SenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount, long octetCount,
                        List<ReportBlock> reports) {
        this(ssrc, ntpTimestamp, rtpTimestamp, packetCount, octetCount, reports, new byte[0]);
    }

    /** RFC 3550 §6.4.1: what receivers put in the LSR field of their report blocks about this SR. */
    public long ntpMiddle32() {
        return NtpTime.middle32(ntpTimestamp);
    }

    @Override
    public byte[] profileExtension() {
        return profileExtension.clone();
    }

    @Override
    public int packetType() {
        return SENDER_REPORT;
    }

    @Override
    public int length() {
        return RtcpWire.paddedLength(contentLength(reports, profileExtension));
    }

    private static int contentLength(List<ReportBlock> reports, byte[] extension) {
        return RtcpWire.HEADER_LENGTH + 4 + SENDER_INFO_LENGTH + reports.size() * ReportBlock.LENGTH
                + extension.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int content = contentLength(reports, profileExtension);
        RtcpWire.checkRoom(buf, off, RtcpWire.paddedLength(content));
        int p = off + RtcpWire.HEADER_LENGTH;
        RtcpWire.put32(buf, p, ssrc);
        RtcpWire.put64(buf, p + 4, ntpTimestamp);
        RtcpWire.put32(buf, p + 12, rtpTimestamp);
        RtcpWire.put32(buf, p + 16, packetCount);
        RtcpWire.put32(buf, p + 20, octetCount);
        p += 24;
        for (ReportBlock block : reports) {
            block.writeTo(buf, p);
            p += ReportBlock.LENGTH;
        }
        System.arraycopy(profileExtension, 0, buf, p, profileExtension.length);
        return RtcpWire.finish(buf, off, content, reports.size(), SENDER_REPORT);
    }

    static SenderReport parse(BodyReader r, int reportCount) throws RtcpException {
        long ssrc = r.u32();
        long ntp = r.u64();
        long rtpTimestamp = r.u32();
        long packetCount = r.u32();
        long octetCount = r.u32();
        List<ReportBlock> reports = ReceiverReport.parseBlocks(r, reportCount);
        return new SenderReport(ssrc, ntp, rtpTimestamp, packetCount, octetCount, reports,
                r.bytes(r.remaining()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SenderReport other && ssrc == other.ssrc && ntpTimestamp == other.ntpTimestamp
                && rtpTimestamp == other.rtpTimestamp && packetCount == other.packetCount
                && octetCount == other.octetCount && reports.equals(other.reports)
                && Arrays.equals(profileExtension, other.profileExtension);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ssrc) * 31 + Long.hashCode(ntpTimestamp) * 17 + reports.hashCode()
                + Arrays.hashCode(profileExtension);
    }

    @Override
    public String toString() {
        return "SenderReport[ssrc=" + Long.toHexString(ssrc) + ", ntp=" + Long.toHexString(ntpTimestamp)
                + ", rtpTimestamp=" + rtpTimestamp + ", packetCount=" + packetCount + ", octetCount="
                + octetCount + ", reports=" + reports + ", profileExtension="
                + HexFormat.of().formatHex(profileExtension) + "]";
    }
}
