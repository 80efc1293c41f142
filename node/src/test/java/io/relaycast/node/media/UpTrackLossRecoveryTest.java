package io.relaycast.node.media;

import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.sdp.Codec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publisher's side of loss recovery in {@link UpTrack}: gaps are NACKed through the track's
 * upstream, an RTX that repairs a hole goes to the sinks once, in the original's form, and
 * nothing reaches them twice.
 */
class UpTrackLossRecoveryTest {
    private static final long MS = 1_000_000L;
    private static final int SSRC = 0x1111;
    private static final int RTX_SSRC = 0x2222;
    private static final int PT = 96;
    private static final int RTX_PT = 97;

    /** What a relay to another node would send: every forwarded packet, copied. */
    private static final class RecordingSink implements PacketSink {
        final List<RtpHeader> packets = new ArrayList<>();

        @Override
        public void onPacket(RtpHeader header, long nowNanos) {
            byte[] copy = Arrays.copyOfRange(header.buffer(), header.offset(), header.offset() + header.length());
            try {
                packets.add(new RtpHeader().wrap(copy, 0, copy.length));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        @Override
        public void onSenderReport(long ntp, long rtpTimestamp, long nowNanos) {
        }

        int[] sequences() {
            return packets.stream().mapToInt(RtpHeader::sequenceNumber).toArray();
        }
    }

    /** The publisher's side: the NACKs it is sent. */
    private static final class RecordingUpstream implements Upstream {
        final List<int[]> nacks = new ArrayList<>();

        @Override
        public void requestKeyframe(UpTrack track) {
        }

        @Override
        public void nack(UpTrack track, int[] sequences, int count) {
            nacks.add(Arrays.copyOf(sequences, count));
        }
    }

    private final RecordingUpstream upstream = new RecordingUpstream();
    private final RecordingSink sink = new RecordingSink();
    private final MediaCounters counters = new MediaCounters();
    private final UpTrack track = new UpTrack("p/1", "p", "p", "v", true,
            new TrackCodec(Codec.of(PT, "VP8", 90000), RTX_PT), new String[256], upstream, counters);
    private final RtpWriter writer = new RtpWriter();

    UpTrackLossRecoveryTest() {
        track.bindSsrc(SSRC);
        track.bindRtxSsrc(RTX_SSRC);
        track.addSink(sink);
    }

    private static byte[] payloadOf(int seq) {
        byte[] p = new byte[40];
        Arrays.fill(p, (byte) seq);
        return p;
    }

    private RtpHeader media(int seq) throws Exception {
        byte[] payload = payloadOf(seq);
        byte[] buf = new byte[1500];
        int n = writer.reset().payloadType(PT).sequenceNumber(seq).timestamp(seq * 3000).ssrc(SSRC)
                .marker(true).writeTo(buf, 0, payload, 0, payload.length);
        return new RtpHeader().wrap(buf, 0, n);
    }

    /** RFC 4588 §4: the original sequence number, then the original payload, on the RTX stream. */
    private RtpHeader rtx(int rtxSeq, int osn) throws Exception {
        byte[] original = payloadOf(osn);
        byte[] payload = new byte[original.length + 2];
        payload[0] = (byte) (osn >>> 8);
        payload[1] = (byte) osn;
        System.arraycopy(original, 0, payload, 2, original.length);
        byte[] buf = new byte[1500];
        int n = writer.reset().payloadType(RTX_PT).sequenceNumber(rtxSeq).timestamp(osn * 3000).ssrc(RTX_SSRC)
                .marker(true).writeTo(buf, 0, payload, 0, payload.length);
        return new RtpHeader().wrap(buf, 0, n);
    }

    @Test
    void aRepairIsForwardedOnceAsTheOriginal() throws Exception {
        track.recoverUplinkLoss();
        track.onRtp(media(10), 0);
        track.onRtp(media(11), MS);
        track.onRtp(media(13), 2 * MS);
        assertEquals(1, upstream.nacks.size(), "the gap is NACKed on the packet that shows it");
        assertArrayEquals(new int[]{12}, upstream.nacks.get(0));

        track.onRtx(rtx(500, 12), 0L);
        assertArrayEquals(new int[]{10, 11, 13, 12}, sink.sequences());
        RtpHeader repaired = sink.packets.get(3);
        assertEquals(SSRC, repaired.ssrc());
        assertEquals(PT, repaired.payloadType());
        assertEquals(12 * 3000, repaired.timestamp());
        assertArrayEquals(payloadOf(12), Arrays.copyOfRange(repaired.buffer(), repaired.payloadOffset(),
                repaired.payloadOffset() + repaired.payloadLength()));
        assertEquals(1, counters.uplinkRecoveredPackets());

        track.onRtx(rtx(501, 12), 0L); // a second answer to a retried NACK
        track.onRtx(rtx(502, 11), 0L); // a repair of a packet that arrived
        track.onRtp(media(12), 7 * MS); // the original, late, after its repair
        assertArrayEquals(new int[]{10, 11, 13, 12}, sink.sequences(), "nothing twice");
        assertEquals(1, counters.uplinkRecoveredPackets());

        track.onTick(1000 * MS);
        assertEquals(1, upstream.nacks.size(), "a repaired packet is not asked for again");
        byte[] dst = new byte[1500];
        assertTrue(track.copyFromCache(12, dst, 0) > 0, "the repair is cached for subscribers' NACKs");
        assertEquals(0, counters.uplinkGivenUpPackets());
    }

    @Test
    void retriesOnTheTickAndGivesUpCounted() throws Exception {
        track.recoverUplinkLoss();
        track.onRtp(media(1), 0);
        track.onRtp(media(3), 0);
        long now = 0;
        for (int i = 0; i < 20; i++) {
            now += 100 * MS;
            track.onTick(now);
        }
        assertTrue(upstream.nacks.size() >= 2 && upstream.nacks.size() <= NackGenerator.MAX_TRIES,
                () -> "retried within the bound: " + upstream.nacks.size());
        assertEquals(1, counters.uplinkGivenUpPackets());
        track.onRtx(rtx(9, 2), 0L);
        assertEquals(3, sink.packets.size(), "a repair after giving up still fills the hole, once");
        assertEquals(1, counters.uplinkRecoveredPackets());
    }

    @Test
    void aSubscribersMissAlreadyChasedIsNotAskedTwice() throws Exception {
        track.recoverUplinkLoss();
        track.onRtp(media(20), 0);
        track.onRtp(media(22), 0);
        assertEquals(1, upstream.nacks.size());
        byte[] dst = new byte[1500];
        assertEquals(-1, track.copyCached(21, dst, 0));
        assertEquals(-1, track.copyCached(5, dst, 0)); // long gone from the cache, not chased
        track.flushUpstreamNacks();
        assertEquals(2, upstream.nacks.size());
        assertArrayEquals(new int[]{5}, upstream.nacks.get(1));
    }

    @Test
    void withoutRecoveryRetransmissionsOnlyFillTheCache() throws Exception {
        track.onRtp(media(10), 0);
        track.onRtp(media(12), MS);
        track.onRtx(rtx(1, 11), 0L);
        assertArrayEquals(new int[]{10, 12}, sink.sequences());
        assertTrue(upstream.nacks.isEmpty());
        assertTrue(track.copyFromCache(11, new byte[1500], 0) > 0);
    }
}
