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
 * A subscriber that joins a track between a loss on the publisher's uplink and its repair: the
 * repair (forwarded once, when it comes) must not be its first packet, or its receiver would count
 * every packet sent between the two, before it joined, as lost (seen as a run of 9-10 holes at the
 * start of a stream in UplinkLossRecoveryTest, which failed about one run in twenty). It starts on
 * the next new packet and never gets anything older than that; subscribers that were there get
 * the repair as before.
 */
class LateJoinerTest {
    private static final int SSRC = 0x1111;
    private static final int RTX_SSRC = 0x2222;
    private static final int PT = 96;
    private static final int RTX_PT = 97;
    private static TransportContext context;

    private final MediaWorker worker = new MediaWorker(0, 0, context, new NodeMetrics("t"));
    private final RtpWriter writer = new RtpWriter();
    private final UpTrack camera;

    @BeforeAll
    static void context() {
        context = new TransportContext(List.of("127.0.0.1"), 4);
    }

    @AfterAll
    static void close() {
        context.close();
    }

    LateJoinerTest() {
        camera = new UpTrack("p/1", "p", "p", "v", true, new TrackCodec(Codec.of(PT, "VP8", 90000), RTX_PT),
                new String[256], DownTrackFixture.ignoringUpstream(), new MediaCounters());
        camera.bindSsrc(SSRC);
        camera.bindRtxSsrc(RTX_SSRC);
        camera.recoverUplinkLoss();
    }

    /** A subscriber's copy of the camera; records the publisher's sequence number of each packet sent. */
    private final class Subscriber {
        final List<Integer> received = new ArrayList<>();

        Subscriber(int seqOffset) {
            DownTrack down = new DownTrack(camera, DownTrackFixture.recordingSink(
                    h -> received.add((h.sequenceNumber() - seqOffset) & 0xffff)), worker, 0xaaa, 0xbbb, PT, RTX_PT,
                    new RtpExtensionIdMap(), seqOffset, 0, "p");
            down.activate(0);
        }
    }

    private void media(int seq) throws Exception {
        media(seq, 0);
    }

    private void media(int seq, long nowNanos) throws Exception {
        byte[] buf = new byte[1500];
        byte[] payload = {0x10, 0x01, 0, 0, 0, 0, 0, 0};
        int n = writer.reset().payloadType(PT).sequenceNumber(seq & 0xffff).timestamp(seq * 3000).ssrc(SSRC)
                .writeTo(buf, 0, payload, 0, payload.length);
        camera.onRtp(new RtpHeader().wrap(buf, 0, n), nowNanos);
    }

    /** RFC 4588 §4: the original sequence number leads the payload on the RTX stream. */
    private void rtx(int rtxSeq, int osn) throws Exception {
        byte[] buf = new byte[1500];
        byte[] payload = {(byte) (osn >>> 8), (byte) osn, 0x10, 0x01, 0, 0, 0, 0, 0, 0};
        int n = writer.reset().payloadType(RTX_PT).sequenceNumber(rtxSeq).timestamp(osn * 3000).ssrc(RTX_SSRC)
                .writeTo(buf, 0, payload, 0, payload.length);
        camera.onRtx(new RtpHeader().wrap(buf, 0, n), 0);
    }

    @Test
    void aSubscriberThatJoinsBeforeARepairStartsAfterIt() throws Exception {
        Subscriber early = new Subscriber(1000);
        media(65_530);
        media(65_531);
        media(65_533); // 65 532 lost on the uplink: NACKed
        media(65_534);
        Subscriber late = new Subscriber(7);
        rtx(1, 65_532); // the repair, after the late subscriber joined
        media(65_535);
        media(0);
        media(2); // 1 lost, repaired at once: the late subscriber was there for it
        rtx(2, 1);

        assertEquals(List.of(65_530, 65_531, 65_533, 65_534, 65_532, 65_535, 0, 2, 1), early.received,
                "a subscriber that was there gets the repair where it comes");
        assertEquals(List.of(65_535, 0, 2, 1), late.received,
                "the late subscriber starts on the next new packet, gets no repair from before it,"
                        + " and the repairs after it");
    }

    @Test
    void aReorderedPacketFromBeforeTheStartIsNotForwarded() throws Exception {
        media(100);
        media(102);
        Subscriber late = new Subscriber(0);
        media(101); // reordered on the uplink (it fills the hole: no repair needed)
        media(103);
        assertEquals(List.of(103), late.received);
    }

    @Test
    void aRestartedNumberingIsNotLate() throws Exception {
        media(40_000);
        Subscriber s = new Subscriber(0);
        media(5_000); // the publisher's encoder restarted with new numbers (more than a NACK window back)
        media(5_001);
        assertEquals(List.of(5_000, 5_001), s.received);
    }

    /**
     * A relayed track flows only while someone on the node subscribes: after minutes without one
     * its numbers can have wrapped to just behind the last seen. Such a packet after a long pause
     * starts the numbering afresh; judged late, it would keep a new subscriber waiting until the
     * numbers passed the old ones (up to a NACK window of packets, seconds of video).
     */
    @Test
    void afterALongPauseAPacketBehindTheLastSeenIsNotLate() throws Exception {
        media(30_000, 0);
        Subscriber s = new Subscriber(0);
        long later = 120_000_000_000L;
        media(29_000, later);
        media(29_001, later + 33_000_000L);
        assertEquals(List.of(29_000, 29_001), s.received);
    }
}
