package io.relaycast.load;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaKind;
import io.relaycast.sdp.Rid;
import io.relaycast.sdp.RidDirection;
import io.relaycast.sdp.SessionDescription;
import io.relaycast.webrtc.DtlsSetup;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The harness's simulcast publisher (--simulcast), its per-layer payload marks, and the "layers" result. */
class SimulcastHarnessTest {

    @Test
    void theOfferHasRidsSimulcastAndRidExtensionsButNoSsrcsForTheVideo() throws Exception {
        SecureRandom secure = new SecureRandom();
        MediaLoop loop = new MediaLoop();
        try (DtlsHandshakePool pool = new DtlsHandshakePool(1, 16, 1000)) {
            DtlsSetup dtls = new DtlsSetup(DtlsCertificate.generate(secure, Instant.now()), pool);
            MediaPattern pattern = MediaPattern.simulcast(new Random(1), 1_500_000);
            WebRtcSession s = new WebRtcSession("r0p0", loop, InetAddress.getLoopbackAddress(), dtls, secure, pattern,
                    id -> 0L, 0L);
            String sdp = s.createOffer("peer-a");
            SessionDescription offer = SessionDescription.parse(sdp);
            MediaDescription video = offer.media().stream().filter(m -> m.kind() == MediaKind.VIDEO).findFirst()
                    .orElseThrow();
            assertEquals(List.of(Rid.of("q", RidDirection.SEND), Rid.of("h", RidDirection.SEND),
                    Rid.of("f", RidDirection.SEND)), video.rids());
            assertEquals(List.of("q", "h", "f"), video.simulcast().orElseThrow().sendRids());
            assertTrue(sdp.contains("a=simulcast:send q;h;f"), sdp);
            List<String> uris = video.extmaps().stream().map(e -> e.uri()).toList();
            assertTrue(uris.containsAll(List.of(WebRtcSession.EXT_MID, WebRtcSession.EXT_RID,
                    WebRtcSession.EXT_REPAIRED_RID)), uris.toString());
            assertTrue(video.ssrcIds().isEmpty(), "rid-based offer: no a=ssrc for the layers");
            assertTrue(video.ssrcGroups().isEmpty());
            // The audio m-line keeps its SSRC.
            assertFalse(offer.media().get(0).ssrcIds().isEmpty());
            s.close();
        }
    }

    @Test
    void aSingleLayerOfferIsUnchanged() throws Exception {
        SecureRandom secure = new SecureRandom();
        MediaLoop loop = new MediaLoop();
        try (DtlsHandshakePool pool = new DtlsHandshakePool(1, 16, 1000)) {
            DtlsSetup dtls = new DtlsSetup(DtlsCertificate.generate(secure, Instant.now()), pool);
            WebRtcSession s = new WebRtcSession("r0p0", loop, InetAddress.getLoopbackAddress(), dtls, secure,
                    new MediaPattern(new Random(1), true, 1_500_000), id -> 0L, 0L);
            String sdp = s.createOffer("peer-a");
            assertFalse(sdp.contains("a=rid"));
            assertFalse(sdp.contains("a=simulcast"));
            assertFalse(sdp.contains("rtp-stream-id"));
            assertTrue(sdp.contains("a=ssrc-group:FID"));
            s.close();
        }
    }

    /** A packet as sent: its bytes, and the header fields the tests look at. */
    record Packet(byte[] bytes, int ssrc, int pt, boolean marker, String rid, String repairedRid, int layer,
                  int payloadOffset, int payloadLength) {
    }

    static Packet parse(byte[] b) throws Exception {
        RtpHeader h = new RtpHeader().wrap(b, 0, b.length);
        byte[] v = new byte[16];
        int n = h.readExtension(5, v, 0);
        String rid = n < 0 ? null : new String(v, 0, n, StandardCharsets.US_ASCII);
        n = h.readExtension(6, v, 0);
        String repaired = n < 0 ? null : new String(v, 0, n, StandardCharsets.US_ASCII);
        return new Packet(b, h.ssrc(), h.payloadType(), h.marker(), rid, repaired,
                MediaPattern.layerOf(b, h.payloadOffset(), h.payloadLength()), h.payloadOffset(), h.payloadLength());
    }

    /** {@code seconds} of a simulcast publisher's media, in sending order. */
    static List<Packet> publish(MediaPattern p, double seconds) throws Exception {
        List<byte[]> raw = new ArrayList<>();
        byte[] buf = new byte[1600];
        RunStats stats = new RunStats();
        long t0 = 1_000_000_000L;
        p.start(t0);
        for (long now = t0; now < t0 + (long) (seconds * 1e9); now += 5_000_000L) {
            p.emit(now, buf, 0, (b, off, len) -> raw.add(Arrays.copyOfRange(b, off, off + len)), stats);
        }
        List<Packet> out = new ArrayList<>();
        for (byte[] b : raw) {
            out.add(parse(b));
        }
        return out;
    }

    static MediaPattern negotiated() {
        MediaPattern p = MediaPattern.simulcast(new Random(7), 1_600_000);
        p.extMid = 4;
        p.extRid = 5;
        p.extRepairedRid = 6;
        p.negotiatedToLayers();
        return p;
    }

    @Test
    void threeLayersOnThreeSsrcsEachPacketWithItsRidAndMarkAtItsShareOfTheBitrate() throws Exception {
        MediaPattern p = negotiated();
        List<Packet> packets = publish(p, 6);
        Map<Integer, long[]> bytesBySsrc = new HashMap<>();
        Map<String, Integer> ssrcOfRid = new HashMap<>();
        Map<String, int[]> sizeOfRid = new HashMap<>();
        for (Packet k : packets) {
            if (k.pt() == MediaPattern.AUDIO_PT_DEFAULT) {
                assertEquals(p.audioSsrc, k.ssrc());
                assertEquals(null, k.rid(), "audio carries no rid");
                continue;
            }
            assertNotNull(k.rid(), "every video packet names its rid");
            assertEquals(MediaPattern.LAYER_RIDS[k.layer()], k.rid(), "payload mark and rid agree");
            Integer before = ssrcOfRid.putIfAbsent(k.rid(), k.ssrc());
            assertEquals(before == null ? k.ssrc() : before, k.ssrc(), "one SSRC per rid");
            bytesBySsrc.computeIfAbsent(k.ssrc(), x -> new long[1])[0] += k.payloadLength();
            byte[] b = k.bytes();
            int o = k.payloadOffset();
            if ((b[o] & 0x10) != 0 && (b[o + 1] & 1) == 0) { // first packet of a keyframe
                int w = (b[o + 7] & 0xff) | ((b[o + 8] & 0x3f) << 8);
                int h = (b[o + 9] & 0xff) | ((b[o + 10] & 0x3f) << 8);
                sizeOfRid.put(k.rid(), new int[] {w, h});
            }
        }
        assertEquals(3, ssrcOfRid.size());
        assertEquals(p.videoSsrc, (int) ssrcOfRid.get("f"));
        assertTrue(new java.util.HashSet<>(ssrcOfRid.values()).size() == 3);
        assertTrue(Arrays.equals(new int[] {320, 180}, sizeOfRid.get("q")));
        assertTrue(Arrays.equals(new int[] {640, 360}, sizeOfRid.get("h")));
        assertTrue(Arrays.equals(new int[] {1280, 720}, sizeOfRid.get("f")));
        double f = bytesBySsrc.get(ssrcOfRid.get("f"))[0];
        double h = bytesBySsrc.get(ssrcOfRid.get("h"))[0];
        double q = bytesBySsrc.get(ssrcOfRid.get("q"))[0];
        assertEquals(0.25, h / f, 0.05, "h is a quarter of f");
        // q's frames are small: the 200-byte floor of a delta frame and 24 bytes of marks make it a bit more than 1/16.
        assertTrue(q / f > 1 / 20.0 && q / f < 1 / 8.0, "q about 1/16 of f: " + q / f);
    }

    @Test
    void aPliForOneLayerSsrcGivesAKeyframeOfThatLayerOnlyAndANackIsRepairedWithItsRepairedRid() throws Exception {
        MediaPattern p = negotiated();
        publish(p, 0.5);
        MediaPattern q = p.videoStreamOf(p.layers().get(0).videoSsrc);
        assertEquals("q", q.rid);
        assertEquals(q, p.videoStreamOf(q.videoRtxSsrc));
        assertEquals(null, p.videoStreamOf(p.audioSsrc));
        List<byte[]> raw = new ArrayList<>();
        RunStats stats = new RunStats();
        // Sequence numbers q sent: take them from a fresh short run of q alone.
        long keyBefore = stats.keyframesSent;
        q.requestKeyframe();
        byte[] buf = new byte[1600];
        long now = 1_000_000_000L + 600_000_000L;
        p.emit(now, buf, 0, (b, off, len) -> raw.add(Arrays.copyOfRange(b, off, off + len)), stats);
        long keyframes = 0;
        for (byte[] b : raw) {
            Packet k = parse(b);
            if (k.rid() != null && (b[k.payloadOffset()] & 0x10) != 0 && (b[k.payloadOffset() + 1] & 1) == 0) {
                assertEquals("q", k.rid(), "only q was asked for a keyframe");
                keyframes++;
            }
        }
        assertEquals(1, keyframes);
        assertEquals(keyBefore + 1, stats.keyframesSent);
        // A NACK for q's last packet: RTX on q's RTX SSRC with repaired-rid q.
        Packet last = null;
        for (byte[] b : raw) {
            Packet k = parse(b);
            if ("q".equals(k.rid())) {
                last = k;
            }
        }
        assertNotNull(last);
        int seq = ((last.bytes()[2] & 0xff) << 8) | (last.bytes()[3] & 0xff);
        List<byte[]> rtx = new ArrayList<>();
        assertEquals(1, q.retransmit(new int[] {seq}, now, buf, 0,
                (b, off, len) -> rtx.add(Arrays.copyOfRange(b, off, off + len)), stats));
        Packet r = parse(rtx.get(0));
        assertEquals(q.videoRtxSsrc, r.ssrc());
        assertEquals("q", r.repairedRid());
        assertEquals(null, r.rid());
    }

    /**
     * What an SFU does to one subscriber: layer {@code from} until {@code switchAt} says stop,
     * then layer {@code to}, on one SSRC with continuous sequence numbers.
     */
    static void forward(List<Packet> packets, String from, String to, java.util.function.Predicate<Packet> switchAt,
                        MediaReceiver receiver) {
        boolean switched = false;
        int seq = 100;
        for (Packet k : packets) {
            if (k.rid() == null) {
                continue;
            }
            if (!switched && to.equals(k.rid()) && switchAt.test(k)) {
                switched = true;
            }
            if (!k.rid().equals(switched ? to : from)) {
                continue;
            }
            byte[] b = k.bytes().clone();
            b[2] = (byte) (seq >> 8);
            b[3] = (byte) seq;
            seq++;
            b[8] = 0x12;
            b[9] = 0x34;
            b[10] = 0x56;
            b[11] = 0x78;
            receiver.onRtp(System.nanoTime(), b, 0, b.length);
        }
    }

    static boolean keyframeStart(Packet k) {
        byte[] b = k.bytes();
        return (b[k.payloadOffset()] & 0x10) != 0 && (b[k.payloadOffset() + 1] & 1) == 0;
    }

    @Test
    void theReceiverCountsPacketsPerLayerAndSeesASwitchAtAKeyframeAsClean() throws Exception {
        List<Packet> packets = publish(negotiated(), 4);
        RunStats stats = new RunStats();
        MediaReceiver receiver = new MediaReceiver("r0p1", stats);
        receiver.nackSender(null);
        receiver.expect(0x12345678, "peer-a", "video", 90000, 1);
        // q until f's second keyframe (3 s in), then f.
        int[] keyframesOfF = new int[1];
        forward(packets, "q", "f", k -> keyframeStart(k) && ++keyframesOfF[0] == 2, receiver);
        StreamStats s = stats.streams.get(0);
        assertEquals("f", s.layerRid());
        assertTrue(s.layerPackets[0] > 0 && s.layerPackets[2] > 0 && s.layerPackets[1] == 0);
        assertEquals(1, s.layerSwitches);
        assertEquals(0, s.midFrameSwitches);
        assertEquals(0, s.switchesOffKeyframe);
        assertTrue(s.layerFirstPacketNanos[2] > s.layerFirstPacketNanos[0]);
    }

    @Test
    void aSwitchInsideAFrameIsCounted() throws Exception {
        List<Packet> packets = publish(negotiated(), 2);
        RunStats stats = new RunStats();
        MediaReceiver receiver = new MediaReceiver("r0p1", stats);
        receiver.nackSender(null);
        // Switch to f at a packet that is not the first of its frame: mid-frame and not on a keyframe.
        // (After 40 packets of f, so that q's first frames have gone out: the layers start in random phases.)
        int[] fPackets = new int[1];
        forward(packets, "q", "f", k -> ++fPackets[0] > 40 && !keyframeStart(k)
                && (k.bytes()[k.payloadOffset()] & 0x10) == 0, receiver);
        StreamStats s = stats.streams.get(0);
        assertEquals(1, s.layerSwitches);
        assertEquals(1, s.midFrameSwitches);
        assertEquals(1, s.switchesOffKeyframe);
    }

    @Test
    void aSingleLayerStreamIsUnmarked() throws Exception {
        MediaPattern p = new MediaPattern(new Random(3), true, 1_500_000);
        for (Packet k : publish(p, 0.5)) {
            assertEquals(-1, k.layer());
        }
    }

    @Test
    void theResultSaysWhichLayerEverySubscriberGot() throws Exception {
        Options o = Options.parse(new String[] {"--simulcast", "--peers", "3", "--prefer-height", "180"});
        RunStats st = new RunStats();
        StreamStats a = st.newStream("r0p1", "peer-a", "video", 1, 90000);
        a.setupStartNanos = 1_000_000;
        a.onLayer(0, true, true, true, 11_000_000);
        StreamStats b = st.newStream("r0p2", "peer-a", "video", 2, 90000);
        b.setupStartNanos = 1_000_000;
        b.onLayer(0, true, true, true, 21_000_000);
        b.onLayer(2, true, true, true, 31_000_000);
        st.newStream("r0p2", "peer-a", "audio", 3, 48000);
        st.preferringReceivers.add("r0p1");
        st.layerMessage("r0p1", "peer-a-video", "q", 5);
        st.layerMessage("r0p2", "peer-a-video", "q", 5);
        st.layerMessage("r0p2", "peer-a-video", "f", 6);
        Map<String, Object> l = Result.layers(o, st);
        assertEquals(true, l.get("simulcast"));
        assertEquals(180, l.get("preferHeight"));
        assertEquals(2L, l.get("videoStreams"));
        assertEquals(Map.of("q", 1L, "h", 0L, "f", 1L, "none", 0L), l.get("streamsPerLayerAtEnd"));
        assertEquals(Map.of("q", 1L, "h", 0L, "f", 0L, "none", 0L), l.get("streamsPerLayerAtEndPreferring"));
        assertEquals(Map.of("q", 0L, "h", 0L, "f", 1L, "none", 0L), l.get("streamsPerLayerAtEndOthers"));
        assertEquals(1L, l.get("switches"));
        assertEquals(0L, l.get("midFrameSwitches"));
        assertEquals(0L, l.get("switchesOffKeyframe"));
        assertEquals(3L, l.get("layerMessages"));
        assertEquals(Map.of("q", 1L, "f", 1L), l.get("layerMessagesAtEnd"));
        @SuppressWarnings("unchecked")
        Map<String, Object> fp = (Map<String, Object>) l.get("setupToFirstPacketOfLayerMaxMs");
        assertEquals(20.0, fp.get("q"));
        assertEquals(30.0, fp.get("f"));
        assertEquals(null, fp.get("h"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Object>> per = (Map<String, Map<String, Object>>) l.get("perSubscriber");
        assertEquals(true, per.get("r0p1").get("preferring"));
        assertEquals(Map.of("peer-a-video", "f"), per.get("r0p2").get("layerMessageAtEnd"));
        assertEquals(1L, per.get("r0p2").get("switches"));
        // The whole tree serializes.
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(l);
    }

    @Test
    void simulcastOptions() throws Exception {
        Options o = Options.parse(new String[] {"--simulcast", "--prefer-height", "180", "--prefer-fraction", "0.5",
                "--peers", "10"});
        assertTrue(o.simulcast);
        assertEquals(180, o.preferHeight);
        List<String> preferring = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            if (o.prefers("r3p" + i)) {
                preferring.add("r3p" + i);
            }
        }
        assertEquals(List.of("r3p1", "r3p3", "r3p5", "r3p7", "r3p9"), preferring);
        assertFalse(Options.parse(new String[] {"--simulcast"}).prefers("r0p1"), "no --prefer-height: nobody");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--target", "janus", "--url", "http://127.0.0.1:8088/janus", "--simulcast"}));
        assertTrue(e.getMessage().contains("--target relaycast"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--target", "floor", "--url", "127.0.0.1:5600", "--simulcast"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--simulcast", "--no-video"}));
    }
}
