package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field-by-field checks of the typed view of the Chromium 120 audio+video offer. */
class ChromeOfferTest {
    private static final String FINGERPRINT =
            "A4:67:3A:52:5C:D4:9C:65:45:9D:61:43:B2:EC:31:E8:42:4E:EC:54:C9:70:E3:89:28:94:3E:5C:3C:ED:FC:64";
    private static final List<RtcpFeedback> VIDEO_FEEDBACK = List.of(
            RtcpFeedback.of("goog-remb"), RtcpFeedback.of("transport-cc"), RtcpFeedback.of("ccm", "fir"),
            RtcpFeedback.of("nack"), RtcpFeedback.of("nack", "pli"));

    private final SessionDescription sdp = SdpVectors.parse(SdpVectors.CHROME_120);

    @Test
    void sessionLevel() {
        assertEquals(0, sdp.version());
        assertEquals(new Origin("-", "7169721126327183323", "3", "IN", "IP4", "127.0.0.1"), sdp.origin());
        assertEquals("-", sdp.sessionName());
        assertEquals(Timing.PERMANENT, sdp.timing());
        assertEquals(Optional.of(Group.bundle(List.of("0", "1"))), sdp.bundleGroup());
        assertTrue(sdp.extmapAllowMixed());
        assertEquals(Optional.of(MsidSemantic.wms(List.of())), sdp.msidSemantic());
        assertFalse(sdp.isIceLite());
        assertTrue(sdp.iceUfrag().isEmpty() && sdp.fingerprints().isEmpty() && sdp.setup().isEmpty());
        assertTrue(sdp.connection().isEmpty());
        assertEquals(2, sdp.media().size());
    }

    @Test
    void audioTransportAndIdentity() {
        MediaDescription audio = sdp.media().get(0);
        assertEquals(MediaKind.AUDIO, audio.kind());
        assertEquals(9, audio.port());
        assertEquals("UDP/TLS/RTP/SAVPF", audio.proto());
        assertEquals(List.of(111, 63, 9, 0, 8, 13, 110, 126), audio.payloadTypes());
        assertEquals(Optional.of(Connection.ANY_IP4), audio.connection());
        assertEquals(Optional.of("9 IN IP4 0.0.0.0"), audio.attribute("rtcp").map(Attribute::value));
        assertEquals(Optional.of("nWnq"), audio.iceUfrag());
        assertEquals(Optional.of("DTdCVj00s9nGkNgWra0P30A2"), audio.icePwd());
        assertEquals(List.of("trickle"), audio.iceOptions());
        assertEquals(List.of(new Fingerprint("sha-256", FINGERPRINT)), audio.fingerprints());
        byte[] fp = audio.fingerprints().get(0).bytes();
        assertEquals(32, fp.length);
        assertEquals((byte) 0xA4, fp[0]);
        assertEquals((byte) 0x64, fp[31]);
        assertEquals(Optional.of(Setup.ACTPASS), audio.setup());
        assertEquals(Optional.of("0"), audio.mid());
        assertEquals(Optional.of(Direction.SENDRECV), audio.direction());
        assertEquals(List.of(new Msid("-", "06574f1e-f4bf-4b6d-b66c-3493cd7ab50f")), audio.msids());
        assertTrue(audio.rtcpMux());
        assertFalse(audio.rtcpRsize());
        assertFalse(audio.isBundleOnly());
        assertFalse(audio.isRejected());
        assertTrue(audio.candidates().isEmpty());
        assertFalse(audio.endOfCandidates());
    }

    @Test
    void audioExtmapsAndCodecs() {
        MediaDescription audio = sdp.media().get(0);
        assertEquals(List.of(
                Extmap.of(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
                Extmap.of(2, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
                Extmap.of(3, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
                Extmap.of(4, "urn:ietf:params:rtp-hdrext:sdes:mid")), audio.extmaps());

        List<Codec> codecs = audio.codecs();
        assertEquals(8, codecs.size());
        Map<String, String> opusParams = new LinkedHashMap<>();
        opusParams.put("minptime", "10");
        opusParams.put("useinbandfec", "1");
        assertEquals(new Codec(111, "opus", 48000, 2, opusParams, List.of(RtcpFeedback.of("transport-cc"))), codecs.get(0));
        Map<String, String> redParams = new LinkedHashMap<>();
        redParams.put("111/111", null);
        assertEquals(new Codec(63, "red", 48000, 2, redParams, List.of()), codecs.get(1));
        assertEquals(Codec.of(9, "G722", 8000), codecs.get(2));
        assertEquals(Codec.of(0, "PCMU", 8000), codecs.get(3));
        assertEquals(Codec.of(8, "PCMA", 8000), codecs.get(4));
        assertEquals(Codec.of(13, "CN", 8000), codecs.get(5));
        assertEquals(Codec.of(110, "telephone-event", 48000), codecs.get(6));
        assertEquals(Codec.of(126, "telephone-event", 8000), codecs.get(7));
        assertTrue(audio.rtxFor(111).isEmpty());
    }

    @Test
    void audioSsrcs() {
        MediaDescription audio = sdp.media().get(0);
        assertEquals(List.of(
                SsrcAttribute.cname(3262661846L, "yFbnkIWTHwPXy6MO"),
                new SsrcAttribute(3262661846L, "msid", "- 06574f1e-f4bf-4b6d-b66c-3493cd7ab50f")), audio.ssrcs());
        assertEquals(List.of(3262661846L), audio.ssrcIds());
        assertEquals(Optional.of("yFbnkIWTHwPXy6MO"), audio.ssrcAttribute(3262661846L, "cname"));
        assertEquals(Optional.of(new Msid("-", "06574f1e-f4bf-4b6d-b66c-3493cd7ab50f")), audio.ssrcs().get(1).msid());
        assertTrue(audio.ssrcGroups().isEmpty());
    }

    @Test
    void videoCodecsWithRtxAndFeedback() {
        MediaDescription video = sdp.media().get(1);
        assertEquals(MediaKind.VIDEO, video.kind());
        assertEquals(Optional.of("1"), video.mid());
        assertTrue(video.rtcpMux());
        assertTrue(video.rtcpRsize());
        assertEquals(List.of(96, 97, 102, 103, 104, 105, 106, 107, 108, 109, 127, 125, 39, 40, 45, 46, 98, 99, 100, 101,
                112, 113, 114), video.payloadTypes());
        List<Codec> codecs = video.codecs();
        assertEquals(23, codecs.size());

        assertEquals(new Codec(96, "VP8", 90000, 0, Map.of(), VIDEO_FEEDBACK), codecs.get(0));
        assertEquals(Codec.rtx(97, 96, 90000), codecs.get(1));
        Map<String, String> h264 = new LinkedHashMap<>();
        h264.put("level-asymmetry-allowed", "1");
        h264.put("packetization-mode", "1");
        h264.put("profile-level-id", "42001f");
        assertEquals(new Codec(102, "H264", 90000, 0, h264, VIDEO_FEEDBACK), video.codec(102).orElseThrow());
        assertEquals(Optional.of("0"), video.codec(104).orElseThrow().parameter("packetization-mode"));
        assertEquals(Optional.of("42e01f"), video.codec(106).orElseThrow().parameter("profile-level-id"));
        assertEquals(Optional.of("4d001f"), video.codec(127).orElseThrow().parameter("profile-level-id"));
        assertEquals("AV1", video.codec(45).orElseThrow().name());
        assertEquals(Optional.of("0"), video.codec(98).orElseThrow().parameter("profile-id"));
        assertEquals(Optional.of("2"), video.codec(100).orElseThrow().parameter("profile-id"));
        assertEquals(new Codec(112, "red", 90000, 0, Map.of(), List.of()), video.codec(112).orElseThrow());
        assertEquals(Codec.of(114, "ulpfec", 90000), video.codec(114).orElseThrow());
        assertTrue(video.codec(96).orElseThrow().hasFeedback("nack", "pli"));
        assertTrue(video.codec(96).orElseThrow().hasFeedback("ccm", "fir"));
        assertFalse(video.codec(97).orElseThrow().hasFeedback("nack", null));

        int[][] rtxPairs = {{96, 97}, {102, 103}, {104, 105}, {106, 107}, {108, 109}, {127, 125}, {39, 40}, {45, 46},
                {98, 99}, {100, 101}, {112, 113}};
        List<Integer> rtx = new ArrayList<>();
        for (int[] pair : rtxPairs) {
            Codec r = video.rtxFor(pair[0]).orElseThrow(() -> new AssertionError("no rtx for " + pair[0]));
            assertEquals(pair[1], r.payloadType());
            assertTrue(r.isRtx());
            assertEquals(pair[0], r.associatedPayloadType().getAsInt());
            rtx.add(r.payloadType());
        }
        assertEquals(11, rtx.size());
        assertEquals(11, codecs.stream().filter(Codec::isRtx).count());
        assertTrue(video.rtxFor(114).isEmpty());
    }

    @Test
    void videoExtmapsMsidAndSsrcGroup() {
        MediaDescription video = sdp.media().get(1);
        List<String> extmaps = new ArrayList<>();
        for (Extmap e : video.extmaps()) {
            assertTrue(e.directionIfGiven().isEmpty());
            extmaps.add(e.id() + " " + e.uri());
        }
        assertEquals(List.of(
                "14 urn:ietf:params:rtp-hdrext:toffset",
                "2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "13 urn:3gpp:video-orientation",
                "3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay",
                "6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type",
                "7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing",
                "8 http://www.webrtc.org/experiments/rtp-hdrext/color-space",
                "4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"), extmaps);
        assertEquals(4, video.extmap("urn:ietf:params:rtp-hdrext:sdes:mid").orElseThrow().id());

        assertEquals(Optional.of(new Msid("-", "0a874693-9ca3-44a4-8c95-d8f2e26a7179")), video.msid());
        assertEquals(List.of(SsrcGroup.fid(1862494604L, 1112104850L)), video.ssrcGroups());
        assertEquals(List.of(1862494604L, 1112104850L), video.ssrcIds());
        for (long ssrc : video.ssrcIds()) {
            assertEquals(Optional.of("yFbnkIWTHwPXy6MO"), video.ssrcAttribute(ssrc, "cname"));
            assertEquals(Optional.of("- 0a874693-9ca3-44a4-8c95-d8f2e26a7179"), video.ssrcAttribute(ssrc, "msid"));
        }
        assertTrue(video.rids().isEmpty());
        assertTrue(video.simulcast().isEmpty());
    }

    @Test
    void transportResolvedPerMediaLine() {
        for (MediaDescription m : sdp.media()) {
            assertEquals(Optional.of("nWnq"), sdp.iceUfragFor(m));
            assertEquals(Optional.of("DTdCVj00s9nGkNgWra0P30A2"), sdp.icePwdFor(m));
            assertEquals(List.of(new Fingerprint("sha-256", FINGERPRINT)), sdp.fingerprintsFor(m));
            assertEquals(Optional.of(Setup.ACTPASS), sdp.setupFor(m));
            assertEquals(Direction.SENDRECV, sdp.directionOf(m));
        }
        assertTrue(sdp.bundleTagOf(sdp.media().get(0)).isEmpty());
        assertEquals(sdp.media().get(0), sdp.bundleTagOf(sdp.media().get(1)).orElseThrow());
        assertEquals(8, sdp.lineNumberOf(sdp.media().get(0)));
    }
}
