package io.relaycast.node.media;

import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.rtp.RtpExtensionIdMap;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.rtp.Vp8Descriptor;
import io.relaycast.sdp.Codec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A subscriber's {@link DownTrack} of a three-layer VP8 simulcast track: it starts on a keyframe
 * of the best layer, switches only at a keyframe of the new one, and the subscriber sees one
 * stream whose sequence numbers, timestamps, picture ids and TL0PICIDX run on across switches,
 * pauses and resumes.
 */
class DownTrackSimulcastTest {
    private static final long MS = 1_000_000L;
    private static final int PT = 96;
    private static final int[] HEIGHTS = {180, 360, 720};
    private static final String[] RIDS = {"q", "h", "f"};
    private static TransportContext context;

    private final MediaCounters counters = new MediaCounters();
    private final List<UpTrack> layers = new ArrayList<>();
    private final Subscriber sub = new Subscriber();
    private final RtpWriter writer = new RtpWriter();
    private final MediaWorker worker = new MediaWorker(0, 0, context, new NodeMetrics("t"));
    private final DownTrack down;
    /** Per layer: next sequence number, timestamp and picture id the "publisher" uses. */
    private final int[] seq = {1000, 20000, 40000};
    private final int[] ts = {5000, 900000, 1 << 30};
    private final int[] pid = {100, 7000, 32700};
    private final int[] tl0 = {3, 100, 250};
    private final int[] keyframeRequests = new int[3];

    @BeforeAll
    static void context() {
        context = new TransportContext(List.of("127.0.0.1"), 4);
    }

    @AfterAll
    static void close() {
        context.close();
    }

    /** What the subscriber's transport is given, parsed back. */
    private static final class Subscriber {
        final List<int[]> packets = new ArrayList<>(); // seq, ts, ssrc, pid, tl0, payload tag
        final List<String> layerMessages = new ArrayList<>();
        final DownTrack.Sink sink = DownTrackFixture.recordingSink(this::onRtp, layerMessages::add);

        private void onRtp(RtpHeader h) {
            Vp8Descriptor d = new Vp8Descriptor();
            assertTrue(d.parse(h.buffer(), h.payloadOffset(), h.payloadLength()));
            packets.add(new int[]{h.sequenceNumber(), h.timestamp(), h.ssrc(), d.pictureId(h.buffer()),
                    d.tl0PicIdx(h.buffer()), h.buffer()[h.payloadOffset() + h.payloadLength() - 1]});
        }

        int[] last() {
            return packets.get(packets.size() - 1);
        }
    }

    DownTrackSimulcastTest() {
        for (int i = 0; i < 3; i++) {
            int layer = i;
            Upstream up = new Upstream() {
                @Override
                public void requestKeyframe(UpTrack track) {
                    keyframeRequests[layer]++;
                }

                @Override
                public void nack(UpTrack track, int[] sequences, int count) {
                }
            };
            UpTrack t = new UpTrack("p/1~" + RIDS[i], "p", "p", "v", true,
                    new TrackCodec(Codec.of(PT, "VP8", 90000), -1), new String[256], up, counters);
            t.bindSsrc(0x100 + i);
            layers.add(t);
        }
        UpTrack.groupLayers(layers, "p/1", List.of(RIDS));
        down = new DownTrack(layers.get(0), sub.sink, worker, 0xabc, 0, 100, -1, new RtpExtensionIdMap(), 7, 11, "p");
    }

    /**
     * A relayed layer flows only while someone on this node subscribes. Its rate (what the
     * bandwidth allocator charges for it) must not average in the time it did not flow: f flows
     * for 300 ms, stops for 500 ms, then flows again; from then on its peak rate is either not
     * yet known (0) or the rate it really flows at, never a fraction of it.
     */
    @Test
    void aRelayedLayersRateDoesNotAverageInTheTimeItDidNotFlow() throws Exception {
        UpTrack f = layers.get(2);
        f.markRelayed();
        long start = 10_000 * MS;
        f.addDownTrack(down, start);
        long t = start;
        for (; t < start + 300 * MS; t += 33 * MS) {
            frame(2, false, t);
        }
        f.removeDownTrack(down);
        t = start + 800 * MS;
        f.addDownTrack(down, t);
        long fullRate = -1;
        List<Long> seen = new ArrayList<>();
        for (; t < start + 5_000 * MS; t += 33 * MS) {
            frame(2, false, t);
            seen.add(f.peakBitrateBps());
            fullRate = Math.max(fullRate, f.bitrateBps());
        }
        assertTrue(fullRate > 0, "no rate measured at all");
        for (long peak : seen) {
            long p = peak;
            long full = fullRate;
            assertTrue(p == 0 || p >= full * 9 / 10, () -> "peak rate " + p + " bps of a layer flowing at " + full + ": " + seen);
        }
    }

    /**
     * One frame of {@code layer} in two packets (same picture id and timestamp, marker on the
     * second, RFC 7741 §4.2 S bit on the first); the payload's last byte names the layer.
     */
    private void frame(int layer, boolean key, long now) throws Exception {
        for (int part = 0; part < 2; part++) {
            boolean first = part == 0;
            byte[] payload = new byte[first && key ? 16 : 10];
            payload[0] = (byte) (first ? 0x90 : 0x80); // X=1, S on the first packet, PID=0
            payload[1] = (byte) 0xe0; // I=1, L=1, T=1
            payload[2] = (byte) (0x80 | (pid[layer] >>> 8)); // M=1: 15-bit picture id
            payload[3] = (byte) pid[layer];
            payload[4] = (byte) tl0[layer];
            payload[5] = 0x20; // TID 0, Y=1
            payload[6] = (byte) (key ? 0x00 : 0x01); // frame tag, P bit (RFC 6386 §9.1)
            if (first && key) {
                payload[9] = (byte) 0x9d;
                payload[10] = 0x01;
                payload[11] = 0x2a;
                payload[12] = (byte) (HEIGHTS[layer] * 16 / 9);
                payload[13] = (byte) ((HEIGHTS[layer] * 16 / 9) >>> 8);
                payload[14] = (byte) HEIGHTS[layer];
                payload[15] = (byte) (HEIGHTS[layer] >>> 8);
            }
            payload[payload.length - 1] = (byte) layer;
            byte[] buf = new byte[1500];
            int n = writer.reset().payloadType(PT).sequenceNumber(seq[layer] & 0xffff).timestamp(ts[layer])
                    .ssrc(0x100 + layer).marker(!first).writeTo(buf, 0, payload, 0, payload.length);
            layers.get(layer).onRtp(new RtpHeader().wrap(buf, 0, n), now);
            seq[layer]++;
        }
        ts[layer] += 3000;
        pid[layer] = (pid[layer] + 1) & 0x7fff;
        tl0[layer] = (tl0[layer] + 1) & 0xff;
    }

    /** Every layer sends one frame (a keyframe where asked). */
    private void allLayers(boolean key, long now) throws Exception {
        for (int l = 0; l < 3; l++) {
            frame(l, key, now);
        }
    }

    /** Packets come two per frame: a frame's pair shares timestamp and picture id; frames step by one. */
    private void assertContinuous() {
        for (int i = 1; i < sub.packets.size(); i++) {
            int[] a = sub.packets.get(i - 1);
            int[] b = sub.packets.get(i);
            int at = i;
            assertEquals((a[0] + 1) & 0xffff, b[0], () -> "sequence gap at packet " + at);
            assertEquals(0xabc, b[2]);
            if (i % 2 == 1) {
                assertEquals(a[1], b[1], () -> "timestamp changed inside a frame at packet " + at);
                assertEquals(a[3], b[3], () -> "picture id changed inside a frame at packet " + at);
                assertEquals(a[4], b[4], () -> "TL0PICIDX changed inside a frame at packet " + at);
            } else {
                assertTrue(b[1] - a[1] > 0 && b[1] - a[1] < 5 * 90000,
                        () -> "timestamp jump at packet " + at + ": " + (b[1] - a[1]));
                assertEquals((a[3] + 1) & 0x7fff, b[3], () -> "picture id gap at packet " + at);
                assertEquals((a[4] + 1) & 0xff, b[4], () -> "TL0PICIDX gap at packet " + at);
            }
        }
    }

    @Test
    void startsOnTheTopLayersKeyframeAndSwitchesOnlyAtKeyframes() throws Exception {
        long now = 0;
        allLayers(true, now); // the heights become known
        down.activate(now);
        assertSame(layers.get(2), down.targetLayer());
        assertEquals(1, keyframeRequests[2]);
        allLayers(false, now += 33 * MS);
        assertTrue(sub.packets.isEmpty(), "nothing before a keyframe of the chosen layer");
        allLayers(true, now += 33 * MS);
        assertEquals(List.of("f"), sub.layerMessages);
        for (int i = 0; i < 5; i++) {
            allLayers(false, now += 33 * MS);
        }
        assertEquals(12, sub.packets.size());
        assertTrue(sub.packets.stream().allMatch(p -> p[5] == 2), "only the top layer");

        down.setPreferences(180, null, null, now);
        assertSame(layers.get(0), down.targetLayer());
        allLayers(false, now += 33 * MS);
        assertEquals(2, sub.last()[5], "still the top layer until the low one's keyframe");
        frame(1, true, now += 33 * MS); // a keyframe of a layer nobody asked for changes nothing
        frame(2, false, now);
        frame(0, true, now);
        assertEquals(0, sub.last()[5]);
        assertEquals(List.of("f", "q"), sub.layerMessages);
        frame(2, false, now += 33 * MS);
        frame(0, false, now);
        assertEquals(0, sub.last()[5], "the old layer is no longer forwarded");
        assertContinuous();
        assertNull(down.targetLayer());
        assertEquals(List.of(down), layers.get(0).downTracks());
        assertTrue(layers.get(2).downTracks().isEmpty());
    }

    @Test
    void pauseAndResume() throws Exception {
        long now = 0;
        allLayers(true, now);
        down.activate(now);
        allLayers(true, now += 33 * MS);
        allLayers(false, now += 33 * MS);
        int sent = sub.packets.size();
        down.setPreferences(null, null, true, now);
        assertEquals("paused", sub.layerMessages.get(sub.layerMessages.size() - 1));
        allLayers(true, now += 33 * MS);
        assertEquals(sent, sub.packets.size(), "nothing while paused");
        assertTrue(layers.stream().allMatch(l -> l.downTracks().isEmpty()));

        down.setPreferences(360, null, false, now);
        allLayers(false, now += 33 * MS);
        assertEquals(sent, sub.packets.size(), "resumes at a keyframe");
        allLayers(true, now += 500 * MS);
        allLayers(false, now += 33 * MS);
        assertEquals(sent + 4, sub.packets.size());
        assertEquals(1, sub.last()[5], "the 360p layer for maxHeight 360");
        assertEquals(List.of("f", "paused", "h"), sub.layerMessages);
        assertContinuous();
        int[] before = sub.packets.get(sent - 1); // the last packet before the pause
        int[] after = sub.packets.get(sent);
        assertTrue(after[1] - before[1] >= 90000 * 500 / 1000, "the pause shows as elapsed time");
    }

    @Test
    void aLayerThatStopsIsLeftForOneThatIsSent() throws Exception {
        long now = 0;
        allLayers(true, now);
        down.activate(now);
        allLayers(true, now += 33 * MS);
        assertEquals(2, sub.last()[5]);
        // The publisher's uplink shrinks: it stops sending the top layer (browsers do).
        for (int i = 0; i < 60; i++) {
            now += 33 * MS;
            frame(0, i % 30 == 29, now);
            frame(1, i % 30 == 29, now);
            down.onTick(now);
        }
        assertEquals(1, sub.last()[5], "moved to the best layer still sent");
        assertContinuous();
    }

    /**
     * On a subscribing node a relayed layer nobody there subscribes to shows no packets, sent or
     * not. Once the publisher's node says the publisher does not send f (a relay LIVE_LAYERS
     * record), f is not aimed at, and so not subscribed to (a SUBSCRIBE and a keyframe request
     * to the publisher every 1.6 s before); once it says f is sent again, f is aimed at again.
     */
    @Test
    void aRelayedLayerThePublisherDoesNotSendIsNotAimedAt() throws Exception {
        for (UpTrack l : layers) {
            l.markRelayed();
        }
        long now = 0;
        frame(0, true, now);
        frame(1, true, now);
        down.activate(now);
        down.onTick(now);
        assertSame(layers.get(2), down.targetLayer(), "nothing said: an unsubscribed relayed f counts as sent");

        layers.get(2).sentByPublisher(false);
        // Six seconds: the next reselection leaves f, and none after it comes back to f (before
        // the record, f was aimed at again every 1.6 s).
        long settled = now + 600 * MS;
        for (int i = 0; i < 180; i++) {
            now += 33 * MS;
            frame(0, i % 30 == 29, now);
            frame(1, i % 30 == 29, now);
            down.onTick(now);
            if (now > settled) {
                assertNotSame(layers.get(2), down.targetLayer(), "aimed at f, which the publisher does not send");
            }
        }
        assertEquals(1, sub.last()[5], "on h, the best layer sent");
        assertTrue(layers.get(2).downTracks().isEmpty(), "f is not subscribed");

        layers.get(2).sentByPublisher(true);
        for (int i = 0; i < 20; i++) {
            now += 33 * MS;
            frame(0, false, now);
            frame(1, false, now);
            down.onTick(now);
        }
        assertSame(layers.get(2), down.targetLayer(), "f is sent again: aimed at at the next reselection");
    }

    @Test
    void chooseLayerFollowsMaxHeightAndFallsBackToTheLowest() throws Exception {
        allLayers(true, 0);
        assertSame(layers.get(2), DownTrack.chooseLayer(layers, Integer.MAX_VALUE, Integer.MAX_VALUE, 0));
        assertSame(layers.get(1), DownTrack.chooseLayer(layers, 540, Integer.MAX_VALUE, 0));
        assertSame(layers.get(0), DownTrack.chooseLayer(layers, 180, Integer.MAX_VALUE, 0));
        assertSame(layers.get(0), DownTrack.chooseLayer(layers, 90, Integer.MAX_VALUE, 0), "none that small");
    }

    /**
     * Only the lowest layer has shown a keyframe (as on a node where only it was relayed): the
     * others' heights are inferred, doubling per step, so a height limit above them still picks
     * the top (found in Chromium: a cross-node subscriber resuming with maxHeight 4320 stayed on
     * q because h and f had no known height there), and one below them keeps the lowest.
     */
    @Test
    void heightsNotSeenHereAreInferredFromTheLayersThatWere() throws Exception {
        frame(0, true, 0);
        frame(1, false, 0);
        frame(2, false, 0);
        assertEquals(HEIGHTS[0], DownTrack.expectedHeight(layers, 0));
        assertEquals(HEIGHTS[0] * 2, DownTrack.expectedHeight(layers, 1));
        assertEquals(HEIGHTS[0] * 4, DownTrack.expectedHeight(layers, 2));
        assertSame(layers.get(2), DownTrack.chooseLayer(layers, 4320, Integer.MAX_VALUE, 0));
        assertSame(layers.get(1), DownTrack.chooseLayer(layers, HEIGHTS[0] * 2, Integer.MAX_VALUE, 0));
        assertSame(layers.get(0), DownTrack.chooseLayer(layers, HEIGHTS[0], Integer.MAX_VALUE, 0));
    }

    /**
     * A layer kept for long after a switch goes on being forwarded. Until this test, the guard
     * against packets from before a splice compared 16-bit sequence numbers for ever, so 32 768
     * packets after the splice (about two minutes of a 720p layer) every packet looked older
     * than the splice point and the subscriber's video stopped for good.
     */
    @Test
    void aLayerKeptLongAfterASwitchIsStillForwarded() throws Exception {
        long now = 0;
        allLayers(true, now);
        down.activate(now);
        allLayers(true, now += 33 * MS); // spliced onto f
        int frames = 20_000; // 40 000 packets, past the 32 768 a 16-bit comparison can order
        for (int i = 0; i < frames; i++) {
            frame(2, false, now += 33 * MS);
        }
        assertEquals(2 + 2 * frames, sub.packets.size(), "packets of the kept layer stopped being forwarded");
        assertContinuous();
    }
}
