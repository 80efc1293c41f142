package io.relaycast.rtcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The transport-cc decoder and {@link TransportCcFeedbackEncoder}. */
class TransportCcFeedbackTest {

    private static final long TICK = TransportCcFeedback.DELTA_UNIT_MICROS;
    private static final long REFERENCE_UNIT = TransportCcFeedback.REFERENCE_TIME_UNIT_MICROS;

    @Test
    void encoderReproducesTheSampleFeedbacksByteForByte() throws RtcpException {
        int checked = 0;
        for (JsonNode sample : TestVectors.json("rtcp-samples.json").get("rtcp_packets")) {
            if (!sample.get("name").asText().startsWith("transport_cc")) {
                continue;
            }
            JsonNode decoded = sample.get("decoded");
            JsonNode twcc = decoded.get("twcc");
            long reference = twcc.get("reference_time_ms").asLong() * 1000;
            List<PacketArrival> arrivals = new ArrayList<>();
            for (JsonNode p : twcc.get("packets")) {
                arrivals.add(PacketArrival.received(p.get("seq").asInt(),
                        reference + p.get("arrival_time_us_from_reference").asLong()));
            }
            TransportCcFeedbackEncoder encoder = new TransportCcFeedbackEncoder(decoded.get("sender_ssrc").asLong(),
                    1000, twcc.get("feedback_packet_count").asInt());
            List<TransportCcFeedback> out = encoder.encode(decoded.get("media_ssrc").asLong(),
                    twcc.get("base_sequence_number").asInt(), arrivals);
            assertEquals(1, out.size());
            assertEquals(sample.get("hex").asText(), TestVectors.toHex(out.get(0).toBytes()));
            assertEquals(arrivals, out.get(0).packets());
            checked++;
        }
        assertEquals(2, checked);
    }

    @Test
    void seededRandomPatternsDecodeToExactlyWhatWasEncoded() throws RtcpException {
        int[] bounds = {1, 7, 14, 100, 1000, 0xFFFF};
        int feedbacks = 0;
        int splitsForDeltas = 0;
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            int base = random.nextInt(0x10000);
            List<PacketArrival> input = randomPattern(random, base);
            int bound = bounds[random.nextInt(bounds.length)];
            int firstCount = random.nextInt(256);
            TransportCcFeedbackEncoder encoder = new TransportCcFeedbackEncoder(0x1234, bound, firstCount);
            List<TransportCcFeedback> out = encoder.encode(0x5678, base, shuffled(input, random));

            List<PacketArrival> decoded = new ArrayList<>();
            int expectedBase = base;
            for (int i = 0; i < out.size(); i++) {
                TransportCcFeedback fb = out.get(i);
                assertEquals(expectedBase, fb.baseSequence(), "seed " + seed);
                assertTrue(fb.packetStatusCount() <= bound, "seed " + seed);
                assertEquals((firstCount + i) & 0xFF, fb.feedbackPacketCount(), "seed " + seed);
                byte[] bytes = fb.toBytes();
                assertEquals(List.of(fb), RtcpCompound.parse(bytes), "seed " + seed);
                decoded.addAll(fb.packets());
                expectedBase = (expectedBase + fb.packetStatusCount()) & 0xFFFF;
                if (fb.packetStatusCount() < bound && i < out.size() - 1) {
                    splitsForDeltas++;
                }
            }
            assertEquals(input, decoded, "seed " + seed);
            assertEquals((firstCount + out.size()) & 0xFF, encoder.nextFeedbackCount());
            feedbacks += out.size();
        }
        assertTrue(feedbacks > 300, "bounds split long patterns");
        assertTrue(splitsForDeltas > 10, "some patterns need a new reference time: " + splitsForDeltas);
    }

    /**
     * Arrivals on the 250 µs grid, so decoding reproduces them exactly: bursts of losses
     * (sometimes longer than one run length chunk holds), steady arrivals, reordering that
     * needs large and negative deltas, and now and then a jump no delta can express.
     */
    private static List<PacketArrival> randomPattern(Random random, int base) {
        int n = 1 + random.nextInt(random.nextInt(10) == 0 ? 20_000 : 600);
        long ticks = random.nextInt(1 << 22) * (REFERENCE_UNIT / TICK) + random.nextInt(256);
        List<PacketArrival> out = new ArrayList<>(n);
        int lossRun = 0;
        for (int i = 0; i < n; i++) {
            int seq = (base + i) & 0xFFFF;
            if (lossRun > 0) {
                lossRun--;
                out.add(PacketArrival.lost(seq));
                continue;
            }
            int kind = random.nextInt(100);
            if (kind < 3) {
                lossRun = random.nextInt(10) == 0 ? 8000 + random.nextInt(10_000) : random.nextInt(30);
                out.add(PacketArrival.lost(seq));
                continue;
            }
            if (kind < 80) {
                ticks += random.nextInt(20);             // small delta
            } else if (kind < 90) {
                ticks += 256 + random.nextInt(30_000);   // large positive delta
            } else if (kind < 98) {
                ticks -= random.nextInt(8_000);          // reordered: arrived before its predecessor
            } else {
                ticks += 40_000 + random.nextInt(400_000); // beyond ±8.19 s: needs a new feedback
            }
            out.add(PacketArrival.received(seq, ticks * TICK));
        }
        return out;
    }

    private static List<PacketArrival> shuffled(List<PacketArrival> list, Random random) {
        List<PacketArrival> copy = new ArrayList<>(list);
        Collections.shuffle(copy, random);
        return copy;
    }

    @Test
    void arrivalTimesByOffsetEncodeExactlyAsTheListDoes() {
        // The node's recorder hands the encoder an array (one slot per sequence number from the
        // base, NOT_RECEIVED where nothing arrived) instead of a PacketArrival per packet.
        for (long seed = 1; seed <= 300; seed++) {
            Random random = new Random(seed);
            int base = random.nextInt(0x10000);
            List<PacketArrival> input = randomPattern(random, base);
            int span = 0;
            for (PacketArrival p : input) {
                span = Math.max(span, ((p.sequence() - base) & 0xFFFF) + 1);
            }
            long[] byOffset = new long[span + random.nextInt(5)]; // slots past the span are ignored
            java.util.Arrays.fill(byOffset, 123_456_789L);
            java.util.Arrays.fill(byOffset, 0, span, TransportCcFeedbackEncoder.NOT_RECEIVED);
            for (PacketArrival p : input) {
                if (p.received()) {
                    byOffset[(p.sequence() - base) & 0xFFFF] = p.arrivalMicros();
                }
            }
            int firstCount = random.nextInt(256);
            List<TransportCcFeedback> fromList = new TransportCcFeedbackEncoder(0x1234, 100, firstCount)
                    .encode(0x5678, base, input);
            List<TransportCcFeedback> fromArray = new TransportCcFeedbackEncoder(0x1234, 100, firstCount)
                    .encode(0x5678, base, byOffset, span);
            assertEquals(fromList, fromArray, "seed " + seed);
        }
        TransportCcFeedbackEncoder encoder = new TransportCcFeedbackEncoder(1, 100, 0);
        assertEquals(List.of(), encoder.encode(2, 0, new long[4], 0));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(2, 0, new long[4], 5));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(2, 0, new long[0x10001], 0x10001));
    }

    @Test
    void arrivalsOffTheGridAreRoundedDownWithoutDrift() {
        List<PacketArrival> input = new ArrayList<>();
        long t = 1_000_000_123;
        for (int i = 0; i < 500; i++) {
            input.add(PacketArrival.received(i, t));
            t += 333; // never a multiple of 250: naive per-delta rounding would drift by ~40 ms
        }
        List<TransportCcFeedback> out = new TransportCcFeedbackEncoder(1, 1000, 0).encode(2, 0, input);
        assertEquals(1, out.size());
        List<PacketArrival> decoded = out.get(0).packets();
        for (int i = 0; i < input.size(); i++) {
            long want = Math.floorDiv(input.get(i).arrivalMicros(), TICK) * TICK;
            assertEquals(want, decoded.get(i).arrivalMicros(), "packet " + i);
        }
    }

    @Test
    void sequenceNumbersWrapPastTheTopOfTheRange() {
        List<PacketArrival> input = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int seq = (65_520 + i) & 0xFFFF;
            input.add(i % 5 == 0 ? PacketArrival.lost(seq) : PacketArrival.received(seq, 5_000_000 + i * 1000L));
        }
        List<TransportCcFeedback> out = new TransportCcFeedbackEncoder(1, 30, 0).encode(2, 65_520, input);
        assertEquals(2, out.size());
        assertEquals(65_520, out.get(0).baseSequence());
        assertEquals(14, out.get(1).baseSequence());
        List<PacketArrival> decoded = new ArrayList<>(out.get(0).packets());
        decoded.addAll(out.get(1).packets());
        assertEquals(input, decoded);
    }

    @Test
    void missingSequenceNumbersCountAsNotReceived() {
        List<TransportCcFeedback> out = new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 100,
                List.of(PacketArrival.received(104, 64_000), PacketArrival.received(100, 64_000)));
        assertEquals(List.of(PacketArrival.received(100, 64_000), PacketArrival.lost(101), PacketArrival.lost(102),
                PacketArrival.lost(103), PacketArrival.received(104, 64_000)), out.get(0).packets());
        assertEquals(List.of(), new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 0,
                List.of(PacketArrival.lost(5), PacketArrival.received(5, 0))));
    }

    @Test
    void chunkKindsFollowThePattern() {
        long t = 64_000_000;
        // 20 000 losts then one packet: three run length chunks of at most 8191, then a run of 1.
        List<PacketArrival> longLoss = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            longLoss.add(PacketArrival.lost(i));
        }
        longLoss.add(PacketArrival.received(20_000, t));
        TransportCcFeedback fb = new TransportCcFeedbackEncoder(1, 0xFFFF, 0).encode(2, 0, longLoss).get(0);
        assertEquals(List.of(PacketStatusChunk.runLength(0, 8191), PacketStatusChunk.runLength(0, 8191),
                PacketStatusChunk.runLength(0, 3618), PacketStatusChunk.runLength(1, 1)), fb.chunks());
        assertEquals(32, fb.length(), "20 fixed + 4 chunks of 2 bytes + 1 delta = 29, padded to 32");

        // Alternating lost/received with small deltas: 1-bit vectors of 14.
        List<PacketArrival> alternating = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            alternating.add(i % 2 == 0 ? PacketArrival.received(i, t + i * 1000L) : PacketArrival.lost(i));
        }
        fb = new TransportCcFeedbackEncoder(1, 0xFFFF, 0).encode(2, 0, alternating).get(0);
        assertEquals(2, fb.chunks().size());
        for (PacketStatusChunk chunk : fb.chunks()) {
            assertFalse(chunk.isRunLength());
            assertFalse(chunk.isTwoBitVector());
            assertEquals(0b10_1010_1010_1010, chunk.raw() & 0x3FFF, "14 symbols: received, lost, ...");
        }

        // A reordered packet needs a negative (large) delta: 2-bit vector.
        fb = new TransportCcFeedbackEncoder(1, 0xFFFF, 0).encode(2, 0, List.of(
                PacketArrival.received(0, t + 10_000), PacketArrival.lost(1),
                PacketArrival.received(2, t + 9_000))).get(0);
        assertEquals(1, fb.chunks().size());
        assertTrue(fb.chunks().get(0).isTwoBitVector());
        assertEquals(List.of(1, 0, 2), List.of(fb.chunks().get(0).symbol(0), fb.chunks().get(0).symbol(1),
                fb.chunks().get(0).symbol(2)));
        assertArrayEquals(new int[] {40, -4}, fb.receiveDeltas());
    }

    @Test
    void aDeltaBeyondSixteenBitsStartsANewFeedbackWithItsOwnReference() {
        long t = 640_000_000;
        List<PacketArrival> input = List.of(PacketArrival.received(7, t), PacketArrival.lost(8),
                PacketArrival.received(9, t + 8_191_750), // 32767 ticks: the largest delta
                PacketArrival.received(10, t + 8_191_750 + 8_192_000)); // 32768 ticks: too large
        List<TransportCcFeedback> out = new TransportCcFeedbackEncoder(1, 100, 255).encode(2, 7, input);
        assertEquals(2, out.size());
        assertEquals(3, out.get(0).packetStatusCount());
        assertArrayEquals(new int[] {0, 32_767}, out.get(0).receiveDeltas());
        assertEquals(10, out.get(1).baseSequence());
        assertEquals(255, out.get(0).feedbackPacketCount());
        assertEquals(0, out.get(1).feedbackPacketCount(), "the 8-bit counter wraps");
        assertEquals((t + 8_191_750 + 8_192_000) / REFERENCE_UNIT, out.get(1).referenceTime());
        List<PacketArrival> decoded = new ArrayList<>(out.get(0).packets());
        decoded.addAll(out.get(1).packets());
        assertEquals(input, decoded);
    }

    @Test
    void referenceTimeIsTwentyFourBitsAndSigned() {
        // 2^24 reference units later than representable: the field wraps, differences stay exact.
        long wrap = (1L << 24) * REFERENCE_UNIT;
        long t = wrap + 5 * REFERENCE_UNIT + 1000;
        TransportCcFeedback fb = new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 0, List.of(
                PacketArrival.received(0, t), PacketArrival.received(1, t + 2500))).get(0);
        assertEquals(5, fb.referenceTime());
        assertEquals(List.of(PacketArrival.received(0, t - wrap), PacketArrival.received(1, t + 2500 - wrap)),
                fb.packets());
        // A negative arrival clock gives a negative reference: 0xFFFFFF is -64 ms.
        fb = new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 0, List.of(PacketArrival.received(0, -1000))).get(0);
        assertEquals(0xFF_FFFF, fb.referenceTime());
        assertEquals(-REFERENCE_UNIT, fb.referenceTimeMicros());
        assertEquals(List.of(PacketArrival.received(0, -1000)), fb.packets());
    }

    @Test
    void zeroPaddingWithoutThePBitIsAcceptedToo() throws RtcpException {
        // Example 1 of the samples, padded with a zero octet instead of the RFC 3550 P bit. The
        // fields are the same; the rewrite uses the P bit, so only the fields are compared.
        byte[] zeroPadded = TestVectors.hex("8fcd0005fa17fa1743032fa0009900013de8021720019400");
        byte[] canonical = TestVectors.hex("afcd0005fa17fa1743032fa0009900013de8021720019401");
        assertEquals(RtcpCompound.parse(canonical), RtcpCompound.parse(zeroPadded));
    }

    @Test
    void malformedFeedbackIsRejected() {
        String head = "cd"; // PT 205 follows the first octet
        String ssrcs = "0000000100000002";
        String[][] bad = {
                {"8f" + head + "0004" + ssrcs + "0000" + "0000" + "00000000", "status count 0"},
                {"8f" + head + "0005" + ssrcs + "0000" + "0002" + "00000000" + "2003" + "0000", "overruns"},
                {"8f" + head + "0005" + ssrcs + "0000" + "0001" + "00000000" + "6001" + "0000", "reserved"},
                {"8f" + head + "0005" + ssrcs + "0000" + "0002" + "00000000" + "f000" + "0000", "reserved"},
                {"8f" + head + "0005" + ssrcs + "0000" + "0002" + "00000000" + "4002" + "0000", "truncated"},
                {"8f" + head + "0006" + ssrcs + "0000" + "0001" + "00000000" + "2001" + "05" + "00" + "00000000", "after the receive deltas"},
                {"8f" + head + "0004" + ssrcs + "0000" + "0001" + "00000000", "truncated"},
                {"8f" + head + "0003" + ssrcs + "00000000", "truncated"},
        };
        for (String[] c : bad) {
            byte[] bytes = TestVectors.hex(c[0]);
            RtcpException e = assertThrows(RtcpException.class, () -> RtcpCompound.parse(bytes), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
        }
    }

    @Test
    void vectorSlotsPastTheStatusCountArePaddingAndIgnored() throws RtcpException {
        // Count 2: a 2-bit vector (small, large, then five slots holding the reserved symbol,
        // which describe no packet), deltas 8 and 1 ticks, 3 octets of P-bit padding.
        byte[] bytes = TestVectors.hex("afcd0006" + "0000000100000002" + "0010" + "0002" + "00000000"
                + "dbff" + "08" + "0001" + "000003");
        TransportCcFeedback fb = (TransportCcFeedback) RtcpCompound.parse(bytes).get(0);
        assertEquals(List.of(PacketArrival.received(16, 2000), PacketArrival.received(17, 2250)), fb.packets());
        assertEquals(TestVectors.toHex(bytes), TestVectors.toHex(fb.toBytes()));
    }

    @Test
    void constructorRejectsInconsistentFields() {
        List<PacketStatusChunk> oneSmall = List.of(PacketStatusChunk.runLength(1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new TransportCcFeedback(1, 2, 0, 1, 0, 0, oneSmall, new int[0]));
        assertThrows(IllegalArgumentException.class,
                () -> new TransportCcFeedback(1, 2, 0, 1, 0, 0, oneSmall, new int[] {256}));
        assertThrows(IllegalArgumentException.class,
                () -> new TransportCcFeedback(1, 2, 0, 2, 0, 0, oneSmall, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new TransportCcFeedback(1, 2, 0, 1, 0, 0,
                List.of(PacketStatusChunk.runLength(1, 1), PacketStatusChunk.runLength(0, 1)), new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> new TransportCcFeedback(1, 2, 0, 1, 0, 0,
                List.of(PacketStatusChunk.runLength(2, 1)), new int[] {40_000}));
        assertThrows(IllegalArgumentException.class,
                () -> new TransportCcFeedback(1, 2, 0, 0, 0, 0, List.of(), new int[0]));
    }
}
