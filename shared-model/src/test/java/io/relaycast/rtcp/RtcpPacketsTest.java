package io.relaycast.rtcp;

import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Round trips of built packets of every type, padding rules, and malformed framing. */
class RtcpPacketsTest {

    private static final ReportBlock BLOCK = new ReportBlock(0xCAFEBABEL, 25, -3, 0x0001_FFF0L, 77,
            0x1234_5678L, 0x0002_8000L);

    static List<RtcpPacket> everyKind() {
        List<RtcpPacket> packets = new ArrayList<>();
        packets.add(new SenderReport(0xDEADBEEFL, 0xE8C3_5D2A_8000_0000L, 0xFFFF_FFFFL, 12, 34_567,
                List.of(BLOCK, new ReportBlock(1, 0, ReportBlock.MAX_CUMULATIVE_LOST, 0, 0, 0, 0))));
        packets.add(new ReceiverReport(7, List.of()));
        packets.add(new ReceiverReport(8, List.of(BLOCK), new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
        packets.add(new SourceDescription(List.of(
                new SourceDescription.Chunk(0x11, List.of(SourceDescription.Item.text(SourceDescription.CNAME, "a"),
                        SourceDescription.Item.text(SourceDescription.TOOL, "relaycast ✓"))),
                new SourceDescription.Chunk(0x22, List.of()))));
        packets.add(Goodbye.of(1, 2, 0xFFFF_FFFFL).withReason("bye"));
        packets.add(Goodbye.of());
        packets.add(new PictureLossIndication(0, 0x4BC4FCB4L));
        packets.add(new FullIntraRequest(5, 0, List.of(new FullIntraRequest.Entry(6, 255),
                new FullIntraRequest.Entry(7, 0))));
        packets.add(GenericNack.fromLostSequenceNumbers(9, 10, 65534, 65535, 0, 3, 40));
        packets.add(ReceiverEstimatedMaxBitrate.of(11, 2_500_000, List.of(12L, 13L)));
        packets.add(new TransportCcFeedbackEncoder(14, 1000, 200).encode(15, 65530, List.of(
                PacketArrival.received(65530, 1_000_000), PacketArrival.lost(65531),
                PacketArrival.received(65532, 900_000), PacketArrival.received(1, 1_000_250))).get(0));
        packets.add(new UnknownRtcpPacket(TestVectors.hex("80cc00034baae1ab4e414d4541424344")));
        return packets;
    }

    @Test
    void everyKindRoundTripsAloneAndAsOneCompoundAtAnOffset() throws RtcpException {
        List<RtcpPacket> packets = everyKind();
        for (RtcpPacket packet : packets) {
            byte[] bytes = packet.toBytes();
            assertEquals(packet.length(), bytes.length);
            assertEquals(0, bytes.length % 4, packet.toString());
            assertEquals(packet.length() / 4 - 1, RtcpWire.u16(bytes, 2), "length field of " + packet);
            assertEquals(List.of(packet), RtcpCompound.parse(bytes), packet.toString());
        }
        byte[] buf = new byte[RtcpCompound.length(packets) + 13];
        Arrays.fill(buf, (byte) 0x5A);
        int written = RtcpCompound.write(packets, buf, 7);
        assertEquals(RtcpCompound.length(packets), written);
        assertEquals(0x5A, buf[6]);
        assertEquals(0x5A, buf[7 + written]);
        assertEquals(packets, RtcpCompound.parse(buf, 7, written));
    }

    @Test
    void writingPastTheBufferFailsBeforeWritingAnything() {
        RtcpPacket sr = everyKind().get(0);
        byte[] small = new byte[sr.length() - 1];
        assertThrows(IndexOutOfBoundsException.class, () -> sr.writeTo(small, 0));
        assertTrue(Arrays.equals(new byte[small.length], small));
    }

    @Test
    void contentOffTheWordGridIsPaddedWithThePBit() throws RtcpException {
        // A 3-byte profile extension leaves the RR one byte short of a word.
        ReceiverReport rr = new ReceiverReport(1, List.of(), new byte[] {9, 9, 9});
        byte[] bytes = rr.toBytes();
        assertEquals("a0c9000200000001090909" + "01", TestVectors.toHex(bytes));
        assertEquals(List.of(rr), RtcpCompound.parse(bytes));
    }

    @Test
    void paddingOfAReceivedPacketIsStrippedBeforeItsBodyIsRead() throws RtcpException {
        // RR without blocks plus 4 octets of RFC 3550 padding (as added before encryption).
        byte[] padded = TestVectors.hex("a0c9000200000001" + "00000004");
        assertEquals(List.of(new ReceiverReport(1, List.of())), RtcpCompound.parse(padded));
        // Bad padding counts are in malformedPacketsAreRejectedForTheRightReason.
    }

    @Test
    void byeReasonsOfEveryLengthArePaddedWithNullsAndRoundTrip() throws RtcpException {
        for (int n = 0; n <= 9; n++) {
            Goodbye bye = Goodbye.of(0x1234).withReason("x".repeat(n));
            byte[] bytes = bye.toBytes();
            assertEquals(0, bytes[0] & 0x20, "no P bit: the reason is null padded");
            assertEquals(8 + (1 + n + 3) / 4 * 4, bytes.length);
            Goodbye back = assertInstanceOf(Goodbye.class, RtcpCompound.parse(bytes).get(0));
            assertEquals("x".repeat(n), back.reasonText().orElseThrow());
            assertEquals(bye, back);
        }
        assertEquals(Goodbye.of(0x1234), RtcpCompound.parse(TestVectors.hex("81cb000100001234")).get(0));
    }

    @Test
    void sdesChunksEndWithAtLeastOneNullAndArePaddedToAWord() throws RtcpException {
        for (int n = 0; n <= 8; n++) {
            SourceDescription sdes = SourceDescription.cname(0x77, "c".repeat(n));
            byte[] bytes = sdes.toBytes();
            // header + SSRC + type + length + text + at least one null, rounded up to a word
            assertEquals(4 + (4 + 2 + n + 1 + 3) / 4 * 4, bytes.length);
            assertEquals(0, bytes[bytes.length - 1]);
            assertEquals(List.of(sdes), RtcpCompound.parse(bytes));
            assertEquals("c".repeat(n), sdes.cnameOf(0x77).orElseThrow());
        }
        byte[] raw = {(byte) 0xC3, (byte) 0xA9, (byte) 0xFF}; // not valid UTF-8, kept exactly
        SourceDescription odd = new SourceDescription(List.of(new SourceDescription.Chunk(1,
                List.of(new SourceDescription.Item(SourceDescription.PRIV, raw)))));
        SourceDescription back = (SourceDescription) RtcpCompound.parse(odd.toBytes()).get(0);
        assertArrayEquals(raw, back.chunks().get(0).items().get(0).value());
        assertArrayEquals(odd.toBytes(), back.toBytes());
    }

    @Test
    void unknownTypesAndFeedbackFormatsPassThroughUnchanged() throws RtcpException {
        String xr = "80cf0002000000010a0b0c0d";            // XR, arbitrary block
        String tmmbr = "83cd0004000000010000000200000003abcdef01"; // RTPFB FMT 3
        String afb = "8fce00030000000100000000" + "41424344"; // PSFB FMT 15 without "REMB"
        String shortAfb = "8fce000200000001" + "00000000";   // PSFB FMT 15 with no FCI at all
        String app = "80cc00034baae1ab4e414d4541424344";
        String padded = "a0cc0004" + "00000001" + "41424344" + "dddddddd" + "00000004"; // APP, 4 padding octets
        for (String hex : List.of(xr, tmmbr, afb, shortAfb, app)) {
            byte[] bytes = TestVectors.hex(hex);
            UnknownRtcpPacket unknown = assertInstanceOf(UnknownRtcpPacket.class, RtcpCompound.parse(bytes).get(0));
            assertEquals(hex, TestVectors.toHex(unknown.toBytes()));
        }
        UnknownRtcpPacket withPadding = assertInstanceOf(UnknownRtcpPacket.class,
                RtcpCompound.parse(TestVectors.hex(padded)).get(0));
        assertEquals(padded, TestVectors.toHex(withPadding.raw()), "unknown packets keep their padding");
        assertEquals(RtcpPacket.EXTENDED_REPORT, RtcpCompound.parse(TestVectors.hex(xr)).get(0).packetType());
    }

    @Test
    void fullIntraRequestMatchesTheRfc5104Layout() throws RtcpException {
        FullIntraRequest fir = FullIntraRequest.of(0x01020304L, 0x0A0B0C0DL, 42);
        // FMT 4, PT 206, sender, media SSRC 0, then the entry: SSRC, seq nr, 24 reserved bits.
        assertEquals("84ce0004" + "01020304" + "00000000" + "0a0b0c0d" + "2a000000",
                TestVectors.toHex(fir.toBytes()));
        // Reserved bits are ignored on receipt (RFC 5104 §4.3.1.2), so they are not kept.
        FullIntraRequest dirty = (FullIntraRequest) RtcpCompound.parse(
                TestVectors.hex("84ce0004" + "01020304" + "00000000" + "0a0b0c0d" + "2affffff")).get(0);
        assertEquals(fir, dirty);
    }

    @Test
    void rembBuilderPicksTheSmallestExponentAndRoundsDown() throws RtcpException {
        ReceiverEstimatedMaxBitrate small = ReceiverEstimatedMaxBitrate.of(1, 262_143, List.of(2L));
        assertEquals(0, small.exponent());
        assertEquals(262_143, small.bitrateBps());
        ReceiverEstimatedMaxBitrate chrome = ReceiverEstimatedMaxBitrate.of(1, 8_927_168, List.of(0x4874ED16L));
        assertEquals(6, chrome.exponent());
        assertEquals(139_487, chrome.mantissa());
        assertEquals("8fce0005000000010000000052454d42011a20df4874ed16", TestVectors.toHex(chrome.toBytes()));
        ReceiverEstimatedMaxBitrate odd = ReceiverEstimatedMaxBitrate.of(1, 8_927_169, List.of());
        assertEquals(8_927_168, odd.bitrateBps(), "rounded down, never overstated");
        ReceiverEstimatedMaxBitrate max = ReceiverEstimatedMaxBitrate.of(1, Long.MAX_VALUE, List.of());
        // 2^63 - 1 needs exponent 45 for an 18-bit mantissa; rounding down gives 2^63 - 2^45.
        assertEquals(45, max.exponent());
        assertEquals((1 << 18) - 1, max.mantissa());
        assertEquals(Long.MAX_VALUE - (1L << 45) + 1, max.bitrateBps());
        assertEquals(Long.MAX_VALUE, new ReceiverEstimatedMaxBitrate(1, 0, 63, 1, List.of()).bitrateBps());
        assertEquals(List.of(max), RtcpCompound.parse(max.toBytes()));
    }

    @Test
    void malformedPacketsAreRejectedForTheRightReason() {
        String rr = "81c90007902f9e2ebc5e9a4000000000000046e10000011109f3643200024a79";
        String[][] bad = {
                {"", "empty"},
                {"41c90007" + rr.substring(8), "version 1"},
                {"c1c90007" + rr.substring(8), "version 3"},
                {rr.substring(0, rr.length() - 8), "length field says 32 bytes"},
                {rr + "80", "too few for a header"},
                {rr + "81c9", "too few for a header"},
                {"81c90006" + rr.substring(8), "RR: truncated"},                  // length shorter than RC needs
                {"82c90007" + rr.substring(8), "RR: truncated: needs 48"},        // RC 2, one block
                {"81c80006" + "00000001" + "00".repeat(20), "SR: truncated: needs 24"}, // RC 1, no block
                {"81ca0002" + "00000001" + "01026162", "SDES: truncated"},        // chunk without its null
                {"82ca0002" + "00000001" + "00000000", "SDES: truncated: needs 16"}, // SC 2, one chunk
                {"81ca0004" + "00000001" + "01016100" + "00000000" + "00000000", "after the last of 1 chunks"},
                {"81cb0000", "BYE: truncated"},                                   // SC 1, no SSRC
                {"81cb0003" + "00000001" + "03414243" + "00000000", "after the reason"},
                {"81ce0003" + "00000001" + "00000002" + "0000000a", "expected none"}, // PLI length MUST be 2
                {"81cd0002" + "00000001" + "0000000f", "NACK entries"},           // no FCI
                {"a1cd0003" + "00000001" + "00000002" + "00010002", "NACK entries"}, // 2 FCI bytes after padding
                {"8fce0005" + "00000001" + "00000000" + "52454d42" + "02000001" + "00000003", "Num SSRC 2"},
                {"84ce0003" + "00000001" + "00000000" + "00000005", "FIR entries"},
                {"a0c90002" + "00000001" + "00000000", "padding count 0"},
                {"a0c90002" + "00000001" + "0000000d", "padding count 13"},
                {"a0c90002" + "00000001" + "00000005", "RR: truncated"},          // padding eats the SSRC
        };
        for (String[] c : bad) {
            byte[] bytes = TestVectors.hex(c[0]);
            RtcpException e = assertThrows(RtcpException.class, () -> RtcpCompound.parse(bytes), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void aCompoundNeedNotStartWithAReport() throws RtcpException {
        // RFC 5506 reduced-size RTCP: browsers send feedback alone.
        byte[] pli = new PictureLossIndication(1, 2).toBytes();
        byte[] nack = GenericNack.fromLostSequenceNumbers(1, 2, 100).toBytes();
        byte[] both = new byte[pli.length + nack.length];
        System.arraycopy(pli, 0, both, 0, pli.length);
        System.arraycopy(nack, 0, both, pli.length, nack.length);
        List<RtcpPacket> packets = RtcpCompound.parse(both);
        assertInstanceOf(PictureLossIndication.class, packets.get(0));
        assertArrayEquals(new int[] {100}, ((GenericNack) packets.get(1)).lostSequenceNumbers());
    }

    @Test
    void constructorsRejectValuesTheWireCannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> new PictureLossIndication(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new PictureLossIndication(0, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> new ReportBlock(1, 256, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new ReportBlock(1, 0, 0x800000, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new ReceiverReport(1, java.util.Collections.nCopies(32, BLOCK)));
        assertThrows(IllegalArgumentException.class, () -> Goodbye.of(1).withReason("r".repeat(256)));
        assertThrows(IllegalArgumentException.class,
                () -> SourceDescription.cname(1, "c".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> new GenericNack(1, 2, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FullIntraRequest(1, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new FullIntraRequest.Entry(1, 256));
        assertThrows(IllegalArgumentException.class, () -> ReceiverEstimatedMaxBitrate.of(1, -1, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new UnknownRtcpPacket(new byte[] {(byte) 0x80, 1, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> new SourceDescription.Item(0, new byte[0]));
        byte[] reason = "reason".getBytes(StandardCharsets.UTF_8);
        Goodbye bye = new Goodbye(List.of(1L), reason);
        reason[0] = 'X';
        assertEquals("reason", bye.reasonText().orElseThrow(), "byte arrays are copied in");
    }
}
