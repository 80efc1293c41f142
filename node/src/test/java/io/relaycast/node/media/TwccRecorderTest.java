package io.relaycast.node.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaycast.rtcp.PacketArrival;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.TransportCcFeedback;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The arrivals a publisher's packets are fed back with (transport-cc), and what a flush costs. */
class TwccRecorderTest {

    private static List<PacketArrival> decoded(List<RtcpPacket> out) {
        List<PacketArrival> all = new ArrayList<>();
        for (RtcpPacket p : out) {
            all.addAll(((TransportCcFeedback) p).packets());
        }
        return all;
    }

    @Test
    void feedbackListsEverySequenceNumberWithItsArrivalOrAsLost() {
        TwccRecorder twcc = new TwccRecorder(0x1234);
        long t0 = 5_000_000_000L;
        // 65534, 65535, 0, 2, 1 (reordered), 4: 3 is lost; numbers wrap.
        int[] seqs = {65534, 65535, 0, 2, 1, 4};
        for (int i = 0; i < seqs.length; i++) {
            twcc.record(seqs[i], t0 + i * 1_000_000L);
        }
        List<RtcpPacket> out = new ArrayList<>();
        twcc.drainInto(0xabcd, out);
        List<PacketArrival> got = decoded(out);
        assertEquals(7, got.size(), got.toString());
        int[] order = {65534, 65535, 0, 1, 2, 3, 4};
        long[] at = {0, 1, 2, 4, 3, -1, 5};
        long reference = got.get(0).arrivalMicros() - 0; // decoded times are on the 250 us grid
        for (int i = 0; i < order.length; i++) {
            assertEquals(order[i], got.get(i).sequence());
            assertEquals(at[i] >= 0, got.get(i).received(), "seq " + order[i]);
            if (at[i] >= 0) {
                assertEquals(reference + at[i] * 1000, got.get(i).arrivalMicros(), "seq " + order[i]);
            }
        }
        // The next flush starts after the highest number reported; nothing new, nothing sent.
        out.clear();
        twcc.drainInto(0xabcd, out);
        assertTrue(out.isEmpty());
        twcc.record(5, t0 + 10_000_000L);
        twcc.drainInto(0xabcd, out);
        assertEquals(5, decoded(out).get(0).sequence());
    }

    @Test
    void aJumpFarAheadIsCutToTheLatestNumbersInsteadOfFailing() {
        TwccRecorder twcc = new TwccRecorder(1);
        twcc.record(100, 1_000_000_000L);
        for (int i = 0; i < 3; i++) {
            twcc.record(100 + 30_000 + i, 1_001_000_000L + i * 1000L); // 30 000 ahead: unwrapped forward
        }
        List<RtcpPacket> out = new ArrayList<>();
        twcc.drainInto(7, out);
        List<PacketArrival> got = decoded(out);
        assertEquals(TwccRecorder.MAX_SPAN, got.size());
        assertTrue(got.get(got.size() - 1).received());
        assertEquals((100 + 30_002) & 0xffff, got.get(got.size() - 1).sequence());
    }

    @Test
    void aFlushAllocatesNoObjectPerPacket() {
        // Before, each flush built a PacketArrival per packet, a list of them, three arrays per
        // packet in the encoder and a string per delta: over 100 bytes per packet.
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        TwccRecorder twcc = new TwccRecorder(1);
        List<RtcpPacket> out = new ArrayList<>(64);
        int seq = 0;
        long now = 1_000_000_000L;
        for (int warm = 0; warm < 2000; warm++) { // let the JIT settle
            for (int i = 0; i < 100; i++) {
                twcc.record(seq++ & 0xffff, now += 700_000L);
            }
            out.clear();
            twcc.drainInto(9, out);
        }
        int packets = 0;
        long before = threads.getThreadAllocatedBytes(tid);
        for (int flush = 0; flush < 1000; flush++) {
            for (int i = 0; i < 100; i++) {
                if (i % 10 != 3) { // some loss
                    twcc.record(seq & 0xffff, now += 700_000L);
                    packets++;
                }
                seq++;
            }
            out.clear();
            twcc.drainInto(9, out);
        }
        double perPacket = (double) (threads.getThreadAllocatedBytes(tid) - before) / packets;
        assertTrue(perPacket < 40, perPacket + " bytes allocated per packet");
    }
}
