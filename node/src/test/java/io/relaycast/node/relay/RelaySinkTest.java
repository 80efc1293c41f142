package io.relaycast.node.relay;

import io.relaycast.node.media.MediaCounters;
import io.relaycast.node.media.TrackCodec;
import io.relaycast.node.media.UpTrack;
import io.relaycast.node.media.Upstream;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.sdp.Codec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Video shedding on a congested link: whole frames dropped, a keyframe asked for, resumed at one. */
class RelaySinkTest {
    private static final long MS = 1_000_000L;

    private final List<RelayFrame> sent = new ArrayList<>();
    private final RelayLink link = new RelayLink("bus-b", 0, "node-b", "addr",
            new RelayFrameWriter(RelayLink.MAX_FRAME_BYTES, 0, 0, "bus-a", "node-a"), 128 * 1024,
            new RelayLink.Output() {
                @Override
                public void send(RelayLink l, RelayFrame frame) {
                    sent.add(frame);
                }

                @Override
                public void dirty(RelayLink l) {
                }
            });
    private int keyframeRequests;
    private final Upstream upstream = new Upstream() {
        @Override
        public void requestKeyframe(UpTrack track) {
            keyframeRequests++;
        }

        @Override
        public void nack(UpTrack track, int[] sequences, int count) {
        }
    };
    private final UpTrack video = new UpTrack("p/v", "p", "p", "v", true,
            new TrackCodec(Codec.of(96, "VP8", 90000), -1), new String[256], upstream, new MediaCounters());
    private int seq;

    /** A VP8 packet (RFC 7741): S=1 PID=0 and frame tag P=0 for a keyframe start, else a delta frame's. */
    private RtpHeader vp8(boolean keyframe, int payloadLen) throws Exception {
        byte[] payload = new byte[payloadLen];
        payload[0] = 0x10;
        payload[1] = (byte) (keyframe ? 0x00 : 0x01);
        byte[] buf = new byte[1500];
        int len = new RtpWriter().payloadType(96).sequenceNumber(seq++).timestamp(seq * 3000).ssrc(1234)
                .writeTo(buf, 0, payload, 0, payload.length);
        RtpHeader h = new RtpHeader();
        h.wrap(buf, 0, len);
        return h;
    }

    private void acknowledgeAll(long now) {
        link.onFrame(0, sent.size(), 0, 0, now);
    }

    @Test
    void shedsVideoUntilTheLinkRecoversThenResumesAtAKeyframe() throws Exception {
        RelaySink sink = new RelaySink(link, 5, video);
        long now = 0;
        int accepted = 0;
        // Nobody acknowledges: video fills half of the 128 KiB budget, then the track sheds.
        for (int i = 0; i < 200; i++) {
            long before = link.packetsOut;
            sink.onPacket(vp8(false, 1000), now);
            accepted += (int) (link.packetsOut - before);
            if (i % 10 == 9) {
                link.flush(now);
            }
        }
        assertTrue(accepted > 50 && accepted < 70, "about 64 KiB of 1 KB packets: " + accepted);
        assertEquals(1, link.drops[RelayDrop.BUDGET_VIDEO.ordinal()], "the first packet that did not fit");
        assertEquals(200 - accepted - 1, link.drops[RelayDrop.SHED_VIDEO.ordinal()], "then everything of the track");
        assertEquals(0, keyframeRequests, "no keyframe asked for while the link is still full");

        // The remote worker catches up: the next packet asks for a keyframe; deltas still wait.
        now += 100 * MS;
        link.flush(now);
        acknowledgeAll(now);
        long out = link.packetsOut;
        sink.onPacket(vp8(false, 1000), now);
        sink.onPacket(vp8(false, 1000), now);
        assertEquals(1, keyframeRequests);
        assertEquals(out, link.packetsOut, "a delta frame never starts the resumed stream");

        // No keyframe for a while: asked again (the publisher's track throttles repeats itself).
        now += 1100 * MS;
        sink.tick(now);
        assertEquals(2, keyframeRequests);

        sink.onPacket(vp8(true, 1000), now);
        sink.onPacket(vp8(false, 1000), now);
        assertEquals(out + 2, link.packetsOut, "forwarding resumes at the keyframe");
    }

    /**
     * A simulcast track's sink tells the subscribing worker which layers the publisher sends: once
     * after the SUBSCRIBE, then only when that changes (a layer stops for 1.5 s, or starts again).
     */
    @Test
    void aSimulcastSinkTellsWhichLayersFlowWhenThatChanges() throws Exception {
        List<UpTrack> layers = new ArrayList<>();
        for (String rid : List.of("q", "h", "f")) {
            layers.add(new UpTrack("p/v~" + rid, "p", "p", "v", true, new TrackCodec(Codec.of(96, "VP8", 90000), -1),
                    new String[256], upstream, new MediaCounters()));
        }
        UpTrack.groupLayers(layers, "p/v", List.of("q", "h", "f"));
        long now = 10_000 * MS;
        layers.get(0).onRtp(vp8(true, 100), now);
        layers.get(1).onRtp(vp8(true, 100), now);
        RelaySink sink = new RelaySink(link, 5, layers.get(1));

        sink.tellLiveLayers(now);
        sink.tick(now + 20 * MS);
        assertEquals(List.of(0b011), liveLayerRecords(now + 20 * MS), "q and h flow, f does not; told once");

        layers.get(2).onRtp(vp8(true, 100), now + 40 * MS);
        sink.tick(now + 40 * MS);
        assertEquals(List.of(0b111), liveLayerRecords(now + 40 * MS), "f started");

        // The publisher drops f (and keeps q and h going): told once f's 1.5 s have passed.
        for (long t = now + 60 * MS; t <= now + 2_000 * MS; t += 20 * MS) {
            layers.get(0).onRtp(vp8(false, 100), t);
            layers.get(1).onRtp(vp8(false, 100), t);
            sink.tick(t);
        }
        assertEquals(List.of(0b011), liveLayerRecords(now + 2_000 * MS), "f stopped");
    }

    /** The LIVE_LAYERS masks in the frames sent since the last call. */
    private List<Integer> liveLayerRecords(long now) throws Exception {
        link.flush(now);
        List<Integer> masks = new ArrayList<>();
        RelayFrameReader r = new RelayFrameReader();
        for (RelayFrame f : sent) {
            r.wrap(f.bytes(), 0, f.length());
            while (r.next()) {
                if (r.type() == RelayFrame.LIVE_LAYERS) {
                    assertEquals(5, r.stream());
                    masks.add(r.liveLayerMask());
                }
            }
        }
        sent.clear();
        acknowledgeAll(now);
        return masks;
    }

    @Test
    void audioIsNotShedWhileVideoIs() throws Exception {
        UpTrack audio = new UpTrack("p/a", "p", "p", "a", false, new TrackCodec(Codec.of(111, "opus", 48000), -1),
                new String[256], upstream, new MediaCounters());
        RelaySink v = new RelaySink(link, 5, video);
        RelaySink a = new RelaySink(link, 6, audio);
        for (int i = 0; i < 100; i++) {
            v.onPacket(vp8(false, 1000), 0);
        }
        long audioBefore = link.packetsOut;
        byte[] buf = new byte[200];
        int len = new RtpWriter().payloadType(111).sequenceNumber(1).timestamp(960).ssrc(99)
                .writeTo(buf, 0, new byte[100], 0, 100);
        RtpHeader h = new RtpHeader();
        h.wrap(buf, 0, len);
        for (int i = 0; i < 50; i++) {
            a.onPacket(h, 0);
        }
        assertTrue(link.drops[RelayDrop.SHED_VIDEO.ordinal()] > 0);
        assertEquals(audioBefore + 50, link.packetsOut, "audio still fits while video is shed");
        assertEquals(0, link.drops[RelayDrop.BUDGET_AUDIO.ordinal()]);
    }

    /**
     * A relay added between a loss and its repair (here a reordered packet that fills the hole)
     * starts on the next new packet: the remote subscribers would count everything between the
     * late packet and the head, sent before the relay began, as lost (LateJoinerTest locally).
     */
    @Test
    void aRelayDoesNotStartOnAPacketFromBeforeIt() throws Exception {
        video.recoverUplinkLoss();
        seq = 100;
        video.onRtp(vp8(false, 100), 0);
        seq = 102;
        video.onRtp(vp8(false, 100), MS);
        RelaySink sink = new RelaySink(link, 5, video);
        video.addSink(sink);
        seq = 101;
        video.onRtp(vp8(false, 100), 2 * MS); // late: fills the hole for everyone who was there
        assertEquals(0, link.packetsOut, "not the relay's first packet");
        seq = 103;
        video.onRtp(vp8(false, 100), 3 * MS);
        assertEquals(1, link.packetsOut);
    }
}
