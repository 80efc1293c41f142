package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * RTCP receiver report, PT 201 (RFC 3550 §6.4.2): the reporter's SSRC and up to 31 reception
 * report blocks, optionally followed by a profile-specific extension kept as raw bytes.
 *
 * @param ssrc             SSRC of the reporter
 * @param reports          reception report blocks (at most 31; zero is valid)
 * @param profileExtension bytes after the report blocks, empty when there are none
 */
public record ReceiverReport(long ssrc, List<ReportBlock> reports, byte[] profileExtension)
        implements RtcpPacket {

    public ReceiverReport {
        RtcpWire.checkU32(ssrc, "ssrc");
        reports = List.copyOf(reports);
        RtcpWire.checkRange(reports.size(), 0, 31, "report count");
        profileExtension = profileExtension.clone();
        RtcpWire.checkPacketLength(contentLength(reports, profileExtension), "receiver report");
    }

    /** A receiver report without profile extension. */
    public ReceiverReport(long ssrc, List<ReportBlock> reports) {
        this(ssrc, reports, new byte[0]);
    }

    @Override
    public byte[] profileExtension() {
        return profileExtension.clone();
    }

    @Override
    public int packetType() {
        return RECEIVER_REPORT;
    }

    @Override
    public int length() {
        return RtcpWire.paddedLength(contentLength(reports, profileExtension));
    }

    private static int contentLength(List<ReportBlock> reports, byte[] extension) {
        return RtcpWire.HEADER_LENGTH + 4 + reports.size() * ReportBlock.LENGTH + extension.length;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int content = contentLength(reports, profileExtension);
        RtcpWire.checkRoom(buf, off, RtcpWire.paddedLength(content));
        int p = off + RtcpWire.HEADER_LENGTH;
        RtcpWire.put32(buf, p, ssrc);
        p += 4;
        for (ReportBlock block : reports) {
            block.writeTo(buf, p);
            p += ReportBlock.LENGTH;
        }
        System.arraycopy(profileExtension, 0, buf, p, profileExtension.length);
        return RtcpWire.finish(buf, off, content, reports.size(), RECEIVER_REPORT);
    }

    static ReceiverReport parse(BodyReader r, int reportCount) throws RtcpException {
        long ssrc = r.u32();
        List<ReportBlock> reports = parseBlocks(r, reportCount);
        return new ReceiverReport(ssrc, reports, r.bytes(r.remaining()));
    }

    /** Reads the RC report blocks; a count the length cannot hold is malformed. */
    static List<ReportBlock> parseBlocks(BodyReader r, int reportCount) throws RtcpException {
        r.need(reportCount * ReportBlock.LENGTH);
        List<ReportBlock> reports = new ArrayList<>(reportCount);
        for (int i = 0; i < reportCount; i++) {
            reports.add(ReportBlock.parse(r));
        }
        return reports;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceiverReport other && ssrc == other.ssrc && reports.equals(other.reports)
                && Arrays.equals(profileExtension, other.profileExtension);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ssrc) * 31 + reports.hashCode() + Arrays.hashCode(profileExtension);
    }

    @Override
    public String toString() {
        return "ReceiverReport[ssrc=" + Long.toHexString(ssrc) + ", reports=" + reports
                + ", profileExtension=" + HexFormat.of().formatHex(profileExtension) + "]";
    }
}
