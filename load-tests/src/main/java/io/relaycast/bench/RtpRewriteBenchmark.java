package io.relaycast.bench;

import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpExtensionIdMap;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the SFU does to every forwarded RTP packet before protecting it for a subscriber:
 * parse the header, rewrite SSRC, sequence number, timestamp and payload type, and map the
 * header-extension ids to the subscriber's.
 *
 * <p>Run: {@code java -jar load-tests/target/relaycast-benchmarks.jar RtpRewriteBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class RtpRewriteBenchmark {
    private final RtpHeader header = new RtpHeader();
    /** Swaps ids pairwise, so applying it on every call keeps the packet valid forever. */
    private final RtpExtensionIdMap swap = new RtpExtensionIdMap().map(1, 5).map(5, 1).map(2, 6).map(6, 2)
            .map(3, 7).map(7, 3).map(4, 8).map(8, 4);
    private byte[] packet;
    private int length;
    private int seq;

    @Setup
    public void setUp() {
        byte[] payload = new byte[1200];
        RtpWriter w = new RtpWriter().payloadType(96).marker(true).sequenceNumber(100).timestamp(90_000).ssrc(0x1234)
                .addAudioLevel(1, true, 40).addAbsSendTime(2, 0xabcdef).addTransportSequenceNumber(3, 7)
                .addExtension(4, new byte[]{'0'}, 0, 1);
        packet = new byte[w.length(payload.length)];
        length = w.writeTo(packet, 0, payload, 0, payload.length);
    }

    @Benchmark
    public int rewrite() throws RtpException {
        RtpHeader h = header.wrap(packet, 0, length);
        int s = seq++;
        h.setSsrc(0x0badcafe);
        h.setSequenceNumber(s);
        h.setTimestamp(h.timestamp() + 3000);
        h.setPayloadType(96 + (s & 1));
        h.remapExtensionIds(swap);
        return h.sequenceNumber();
    }
}
