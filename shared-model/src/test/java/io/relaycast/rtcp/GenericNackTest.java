package io.relaycast.rtcp;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Generic NACK builder and expander (RFC 4585 §6.2.1). */
class GenericNackTest {

    @Test
    void lostNumbersAcrossTheWrapShareOnePair() {
        GenericNack nack = GenericNack.fromLostSequenceNumbers(1, 2, 65_534, 65_535, 0, 1, 17, 18);
        // 65535, 0 and 1 are PID+1..+3 (bits 0–2); 17 is 19 after 65534, so it starts a new pair.
        assertEquals(List.of(new GenericNack.Pair(65_534, 0b111), new GenericNack.Pair(17, 0b1)), nack.pairs());
        assertArrayEquals(new int[] {65_534, 65_535, 0, 1, 17, 18}, nack.lostSequenceNumbers());
    }

    @Test
    void sixteenAfterThePidIsTheLastBitAndSeventeenStartsAPair() {
        assertEquals(List.of(new GenericNack.Pair(100, 0x8000)),
                GenericNack.fromLostSequenceNumbers(1, 2, 100, 116).pairs());
        assertEquals(List.of(new GenericNack.Pair(100, 0), new GenericNack.Pair(117, 0)),
                GenericNack.fromLostSequenceNumbers(1, 2, 100, 117).pairs());
        assertEquals(List.of(new GenericNack.Pair(65_530, 0x8000)),
                GenericNack.fromLostSequenceNumbers(1, 2, 65_530, 10).pairs());
    }

    @Test
    void seededRandomLossesRoundTripThroughTheWire() throws RtcpException {
        for (long seed = 1; seed <= 500; seed++) {
            Random random = new Random(seed);
            int start = random.nextBoolean() ? 65_536 - random.nextInt(200) : random.nextInt(65_536);
            int n = 1 + random.nextInt(300);
            int[] lost = new int[n];
            int seq = start;
            for (int i = 0; i < n; i++) {
                lost[i] = seq & 0xFFFF;
                seq += 1 + (random.nextInt(4) == 0 ? random.nextInt(60) : random.nextInt(3));
            }
            GenericNack nack = GenericNack.fromLostSequenceNumbers(0xAB, 0xCD, lost);
            assertArrayEquals(lost, nack.lostSequenceNumbers(), "seed " + seed);
            GenericNack back = (GenericNack) RtcpCompound.parse(nack.toBytes()).get(0);
            assertEquals(nack, back, "seed " + seed);
            // The builder is compact: each pair's PID is more than 16 after the previous one's.
            for (int p = 1; p < nack.pairs().size(); p++) {
                int gap = (nack.pairs().get(p).pid() - nack.pairs().get(p - 1).pid()) & 0xFFFF;
                assertTrue(gap > 16, "seed " + seed);
            }
        }
    }

    @Test
    void duplicatesAndDisorderStillReportExactlyTheLostSet() {
        int[] messy = {10, 12, 10, 5, 12, 30, 6};
        GenericNack nack = GenericNack.fromLostSequenceNumbers(1, 2, messy);
        // 10 repeats its PID and is skipped; 5 goes backwards and starts a pair that covers 12
        // again; 6 goes backwards once more. Less compact, still exactly the lost set.
        assertEquals(List.of(new GenericNack.Pair(10, 0b10), new GenericNack.Pair(5, 0b100_0000),
                new GenericNack.Pair(30, 0), new GenericNack.Pair(6, 0)), nack.pairs());
        int[] got = nack.lostSequenceNumbers();
        assertArrayEquals(new int[] {10, 12, 5, 12, 30, 6}, got);
        assertArrayEquals(new int[] {5, 6, 10, 12, 30}, IntStream.of(got).distinct().sorted().toArray());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GenericNack.fromLostSequenceNumbers(1, 2));
        assertThrows(IllegalArgumentException.class, () -> GenericNack.fromLostSequenceNumbers(1, 2, 65_536));
        assertThrows(IllegalArgumentException.class, () -> GenericNack.fromLostSequenceNumbers(1, 2, -1));
        assertEquals(1, Arrays.stream(GenericNack.fromLostSequenceNumbers(1, 2, 7, 7, 7).lostSequenceNumbers()).count());
    }
}
