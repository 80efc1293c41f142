package io.relaycast.rtcp;

import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NTP timestamps, LSR/DLSR round-trip time and the RFC 3550 Appendix A.3 loss helpers. */
class NtpAndReportBlockTest {

    @Test
    void roundTripTimeMatchesTheRfc3550Example() {
        // RFC 3550 §6.4.1, Figure 2: A = 0xb7108000 (46864.500 s), LSR = 0xb7052000 (46853.125 s),
        // DLSR = 0x00054000 (5.250 s): round trip 0x00062000 = 6.125 s.
        ReportBlock block = new ReportBlock(1, 0, 0, 0, 0, 0xB705_2000L, 0x0005_4000L);
        assertEquals(0x0006_2000L, block.roundTripCompact(0xB710_8000L));
        assertEquals(6_125_000_000L, block.roundTripNanos(0xB710_8000L));
        assertEquals(0x0005_4000L, NtpTime.nanosToCompact(5_250_000_000L));
        assertEquals(5_250_000_000L, NtpTime.compactToNanos(0x0005_4000L));
    }

    @Test
    void roundTripTimeWrapsWithTheMiddleBitsAndNeedsAnLsr() {
        ReportBlock block = new ReportBlock(1, 0, 0, 0, 0, 0xFFFF_F000L, 0x0000_1000L);
        assertEquals(0x0000_1000L, block.roundTripCompact(0x0000_1000L), "A wrapped past 2^32");
        assertEquals(-1, new ReportBlock(1, 0, 0, 0, 0, 0, 0).roundTripCompact(0x1234), "no SR seen yet");
        assertEquals(-1, block.roundTripCompact(0xFFFF_F000L), "A before LSR + DLSR: skew, no RTT");
    }

    @Test
    void ntpTimestampsConvertToAndFromUnixTime() {
        assertEquals(2_208_988_800L << 32, NtpTime.fromUnixNanos(0));
        assertEquals(0, NtpTime.toUnixNanos(2_208_988_800L << 32));
        long halfSecond = NtpTime.fromUnixNanos(1_500_000_000L);
        assertEquals(0x8000_0000L, halfSecond & 0xFFFF_FFFFL);
        // RFC 4330 §3: seconds with the top bit clear belong to era 1, from 2036-02-07T06:28:16Z.
        assertEquals(Instant.parse("2036-02-07T06:28:16Z").getEpochSecond() * 1_000_000_000L, NtpTime.toUnixNanos(0));
        long after2036 = Instant.parse("2040-01-01T00:00:00Z").getEpochSecond() * 1_000_000_000L + 123_456_789;
        assertTrue(Math.abs(NtpTime.toUnixNanos(NtpTime.fromUnixNanos(after2036)) - after2036) <= 1);
        long now = Instant.parse("2024-05-01T12:34:56.789Z").getEpochSecond() * 1_000_000_000L + 789_000_000;
        long ntp = NtpTime.fromUnixNanos(now);
        assertTrue(Math.abs(NtpTime.toUnixNanos(ntp) - now) <= 1);
        assertEquals((ntp >>> 16) & 0xFFFF_FFFFL, NtpTime.middle32(ntp));
    }

    @Test
    void theSampleSenderReportGivesItsLsr() throws RtcpException {
        byte[] sr = TestVectors.hex("81c8000c6d2453eade46475b151a005c66a8dd3e0000010d000034f58ef891ed"
                + "00000000000000f60000007f0000000000000000");
        SenderReport report = (SenderReport) RtcpCompound.parse(sr).get(0);
        assertEquals(0x475B_151AL, report.ntpMiddle32());
        // 0xde46475b seconds after 1900 = 2018-03-04T10:22:19Z; fraction 0x151a005c = 0.082427999 s.
        assertEquals(Instant.parse("2018-03-04T10:22:19Z").getEpochSecond() * 1_000_000_000L + 82_427_999,
                NtpTime.toUnixNanos(report.ntpTimestamp()));
    }

    @Test
    void fractionLostFollowsAppendixA3() {
        assertEquals(64, ReportBlock.fractionLost(100, 75));
        assertEquals(0, ReportBlock.fractionLost(100, 100));
        assertEquals(0, ReportBlock.fractionLost(100, 120), "duplicates: no negative loss fraction");
        assertEquals(0, ReportBlock.fractionLost(0, 0));
        assertEquals(255, ReportBlock.fractionLost(10, 0), "all lost saturates at 255/256");
        assertEquals(0.25, new ReportBlock(1, 64, 0, 0, 0, 0, 0).fractionLostRatio());
    }

    @Test
    void cumulativeLostIsTwentyFourBitSignedOnTheWire() throws RtcpException {
        assertEquals(0x7F_FFFF, ReportBlock.clampCumulativeLost(1L << 40));
        assertEquals(-0x80_0000, ReportBlock.clampCumulativeLost(-(1L << 40)));
        assertEquals(-5, ReportBlock.clampCumulativeLost(-5));
        for (int lost : new int[] {-3, -0x80_0000, 0x7F_FFFF, 0, 1}) {
            ReceiverReport rr = new ReceiverReport(1, List.of(new ReportBlock(2, 7, lost, 3, 4, 5, 6)));
            byte[] bytes = rr.toBytes();
            assertEquals(String.format("%06x", lost & 0xFF_FFFF), TestVectors.toHex(bytes, 13, 3));
            assertEquals(rr, RtcpCompound.parse(bytes).get(0));
        }
    }
}
