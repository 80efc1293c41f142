package io.relaycast.node.media;

import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.rtp.RtpExtensionIdMap;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.sdp.Codec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An audio DownTrack the room's loudest-audio selection turns off and on again: nothing is sent
 * while it is off (each packet counted), and when it is back its sequence numbers go on from the
 * last one sent, so the subscriber's jitter buffer sees no loss; the timestamps keep the
 * publisher's clock (a gap, as after Opus DTX).
 */
class DownTrackAudioTest {
    private static final long MS = 1_000_000L;
    private static TransportContext context;

    private final MediaCounters counters = new MediaCounters();
    private final MediaWorker worker = new MediaWorker(0, 0, context, new NodeMetrics("t"));
    private final List<int[]> sent = new ArrayList<>(); // sequence number, timestamp
    private final RtpWriter writer = new RtpWriter();
    private final UpTrack mic;
    private final DownTrack down;
    private int seq = 65_500;
    private int ts = 123_456;

    @BeforeAll
    static void context() {
        context = new TransportContext(List.of("127.0.0.1"), 4);
    }

    @AfterAll
    static void close() {
        context.close();
    }

    DownTrackAudioTest() {
        mic = new UpTrack("p/1", "p", "p", "a", false, new TrackCodec(Codec.of(111, "opus", 48000), -1),
                new String[256], DownTrackFixture.ignoringUpstream(), counters);
        mic.bindSsrc(0x200);
        DownTrack.Sink sink = DownTrackFixture.recordingSink(
                h -> sent.add(new int[]{h.sequenceNumber(), h.timestamp()}));
        down = new DownTrack(mic, sink, worker, 0xaaa, 0, 111, -1, new RtpExtensionIdMap(), 9, 0, "p");
        down.activate(0);
    }

    /** {@code n} Opus packets of 20 ms from the publisher. */
    private void packets(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            byte[] buf = new byte[200];
            int len = writer.reset().payloadType(111).sequenceNumber(seq & 0xffff).timestamp(ts).ssrc(0x200)
                    .writeTo(buf, 0, new byte[40], 0, 40);
            mic.onRtp(new RtpHeader().wrap(buf, 0, len), (long) ts / 48 * MS);
            seq++;
            ts += 960;
        }
    }

    @Test
    void offSendsNothingAndBackOnContinuesTheNumbering() throws Exception {
        packets(10);
        assertEquals(10, sent.size());
        long before = worker.counters().audioNotLoudestPackets();
        down.setAudible(false);
        packets(50); // a second not among the loudest, across the 16-bit wrap of the publisher's numbers
        assertEquals(10, sent.size(), "nothing while not among the loudest");
        assertEquals(50, worker.counters().audioNotLoudestPackets() - before);
        down.setAudible(true);
        packets(10);
        assertEquals(20, sent.size());
        for (int i = 1; i < sent.size(); i++) {
            assertEquals((sent.get(i - 1)[0] + 1) & 0xffff, sent.get(i)[0], "a sequence gap at packet " + i);
        }
        assertEquals(960 * 51, sent.get(10)[1] - sent.get(9)[1], "the timestamps keep the publisher's clock");
    }

    /** PROTOCOL.md setPreferences on an audio track: found by the simulation, audio never came back. */
    @Test
    void aPausedAudioTrackResumesAtTheNextPacket() throws Exception {
        packets(5);
        assertEquals(5, sent.size());
        down.setPreferences(null, null, true, (long) ts / 48 * MS);
        packets(20);
        assertEquals(5, sent.size(), "nothing while paused");
        down.setPreferences(null, null, false, (long) ts / 48 * MS);
        packets(5);
        assertEquals(10, sent.size(), "audio has no keyframe to wait for: it resumes at once");
        assertEquals((sent.get(4)[0] + 1) & 0xffff, sent.get(5)[0], "the subscriber's numbering continues");
    }
}
