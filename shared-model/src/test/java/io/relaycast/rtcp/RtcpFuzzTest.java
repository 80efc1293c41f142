package io.relaycast.rtcp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.testing.FuzzBudget;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of the compound RTCP parser and writer (docs/fuzzing.md). What the
 * package promises ({@link RtcpPacket}): a datagram is parsed or refused with {@link
 * RtcpException}; every packet writes a multiple of four bytes, {@code parse(write(x))} equals
 * {@code x}, and so writing what was parsed is a fixed point after one step.
 */
class RtcpFuzzTest {

    /** rtcp-samples.json's packets, one built packet of every kind, a transport-cc feedback, a compound of all. */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>(RtcpSamplesTest.sampleBytes());
        for (RtcpPacket packet : RtcpPacketsTest.everyKind()) {
            seeds.add(packet.toBytes());
        }
        List<PacketArrival> arrivals = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            arrivals.add(i % 3 == 0 ? PacketArrival.lost(i) : PacketArrival.received(i, 1_000_000 - i * 3000L));
        }
        seeds.add(new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 0, arrivals).get(0).toBytes());
        seeds.add(RtcpCompound.toBytes(RtcpPacketsTest.everyKind()));
        return seeds;
    }

    @MethodSource("seeds")
    @FuzzTest
    void compoundRoundTrip(byte[] datagram) {
        FuzzBudget.run(datagram.length, () -> check(datagram));
    }

    private static void check(byte[] datagram) {
        List<RtcpPacket> packets;
        try {
            packets = RtcpCompound.parse(datagram, 0, datagram.length);
        } catch (RtcpException refused) {
            return;
        }
        for (RtcpPacket p : packets) {
            if (p.length() % 4 != 0 || p.length() < 4) {
                throw new AssertionError(p + " writes " + p.length() + " bytes");
            }
            readEverything(p);
        }
        byte[] written = RtcpCompound.toBytes(packets);
        List<RtcpPacket> reparsed;
        try {
            reparsed = RtcpCompound.parse(written);
        } catch (RtcpException e) {
            throw new AssertionError("what was parsed does not write a parseable datagram", e);
        }
        if (!packets.equals(reparsed)) {
            throw new AssertionError("parse(write(x)) != x: " + packets + " vs " + reparsed);
        }
        if (!Arrays.equals(written, RtcpCompound.toBytes(reparsed))) {
            throw new AssertionError("writing is not a fixed point after one step");
        }
    }

    private static void readEverything(RtcpPacket p) {
        p.toString();
        p.hashCode();
        if (p instanceof TransportCcFeedback t) {
            // The decoded view must agree with the header: one arrival per announced status.
            List<PacketArrival> arrivals = t.packets();
            if (arrivals.size() != t.packetStatusCount()) {
                throw new AssertionError(arrivals.size() + " arrivals for a status count of " + t.packetStatusCount());
            }
            t.receiveDeltas();
            t.referenceTimeMicros();
        } else if (p instanceof GenericNack n) {
            n.lostSequenceNumbers();
        }
    }
}
