package io.relaycast.rtcp;

import io.relaycast.testing.HostileInputs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100 000 mutated datagrams from the sample corpus and built packets of every kind: the
 * parser must accept or throw {@link RtcpException}, nothing else. Whatever it accepts must
 * also survive write and re-parse unchanged.
 */
class RtcpHostileInputTest {

    @Test
    void onlyRtcpExceptionEscapesAndAcceptedInputRoundTrips() {
        List<byte[]> corpus = new ArrayList<>(RtcpSamplesTest.sampleBytes());
        for (RtcpPacket packet : RtcpPacketsTest.everyKind()) {
            corpus.add(packet.toBytes());
        }
        List<PacketArrival> arrivals = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            arrivals.add(i % 3 == 0 ? PacketArrival.lost(i) : PacketArrival.received(i, 1_000_000 - i * 3000L));
        }
        corpus.add(new TransportCcFeedbackEncoder(1, 100, 0).encode(2, 0, arrivals).get(0).toBytes());
        corpus.add(RtcpCompound.toBytes(RtcpPacketsTest.everyKind()));

        HostileInputs.Outcome outcome = HostileInputs.check(0x5EED_0001L, 100_000, corpus, RtcpException.class,
                input -> {
                    List<RtcpPacket> packets = RtcpCompound.parse(input, 0, input.length);
                    byte[] again = RtcpCompound.toBytes(packets);
                    List<RtcpPacket> reparsed = RtcpCompound.parse(again);
                    if (!packets.equals(reparsed)) {
                        throw new AssertionError("re-parse differs: " + packets + " vs " + reparsed);
                    }
                });
        assertEquals(100_000, outcome.accepted() + outcome.rejected());
        assertTrue(outcome.accepted() > 5_000, "mutations still reach valid packets: " + outcome);
        assertTrue(outcome.rejected() > 5_000, "and malformed ones: " + outcome);
    }
}
