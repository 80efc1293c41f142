package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Firefox offers, where they differ from Chrome's: session-level transport, extmap directions, attribute order. */
class FirefoxOfferTest {
    private static final List<RtcpFeedback> FF_VIDEO_FEEDBACK = List.of(
            RtcpFeedback.of("nack"), RtcpFeedback.of("nack", "pli"), RtcpFeedback.of("ccm", "fir"),
            RtcpFeedback.of("goog-remb"), RtcpFeedback.of("transport-cc"));

    @Test
    void modernFirefoxSessionLevelTransport() {
        SessionDescription sdp = SdpVectors.parse(SdpVectors.FIREFOX);
        assertEquals(new Origin("mozilla...THIS_IS_SDPARTA-99.0", "4408209549129620304", "0", "IN", "IP4", "0.0.0.0"),
                sdp.origin());
        Fingerprint fp = new Fingerprint("sha-256",
                "75:4F:CA:8F:4F:E4:CE:5E:67:42:D3:DA:0E:E1:87:2A:E5:E3:02:76:30:FC:AB:F0:B4:7E:24:71:18:38:9C:6E");
        // Firefox writes the fingerprint and ice-options once, at session level.
        assertEquals(List.of(fp), sdp.fingerprints());
        assertEquals(List.of("trickle"), sdp.iceOptions());
        assertEquals(Optional.of(MsidSemantic.wms(List.of("*"))), sdp.msidSemantic());
        assertEquals(Optional.of(Group.bundle(List.of("0", "1"))), sdp.bundleGroup());
        assertTrue(!sdp.extmapAllowMixed());
        for (MediaDescription m : sdp.media()) {
            assertTrue(m.fingerprints().isEmpty());
            assertTrue(m.iceOptions().isEmpty());
            assertEquals(List.of(fp), sdp.fingerprintsFor(m));
            assertEquals(List.of("trickle"), sdp.iceOptionsFor(m));
            assertEquals(Optional.of("6c0579ea"), m.iceUfrag());
            assertEquals(Optional.of("59efe498b762e472067fa5e134df8722"), m.icePwd());
            assertEquals(Optional.of(Setup.ACTPASS), m.setup());
            assertEquals(Optional.of(Direction.SENDRECV), m.direction());
            assertTrue(m.rtcpMux());
            assertTrue(m.attribute("rtcp").isEmpty());
        }
    }

    @Test
    void modernFirefoxAudio() {
        MediaDescription audio = SdpVectors.parse(SdpVectors.FIREFOX).media().get(0);
        assertEquals(List.of(109, 9, 0, 8, 101), audio.payloadTypes());
        assertEquals(List.of(
                Extmap.of(1, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
                new Extmap(2, Direction.RECVONLY, "urn:ietf:params:rtp-hdrext:csrc-audio-level", null),
                Extmap.of(3, "urn:ietf:params:rtp-hdrext:sdes:mid")), audio.extmaps());
        Map<String, String> opus = new LinkedHashMap<>();
        opus.put("maxplaybackrate", "48000");
        opus.put("stereo", "1");
        opus.put("useinbandfec", "1");
        Map<String, String> dtmf = new LinkedHashMap<>();
        dtmf.put("0-15", null);
        assertEquals(List.of(
                new Codec(109, "opus", 48000, 2, opus, List.of()),
                Codec.of(9, "G722", 8000).withChannels(1), // Firefox writes G722/8000/1
                Codec.of(0, "PCMU", 8000),
                Codec.of(8, "PCMA", 8000),
                new Codec(101, "telephone-event", 8000, 1, dtmf, List.of())), audio.codecs());
        assertEquals(Optional.of(new Msid("-", "{ba72adfe-d5b5-42bd-bf15-e8fcdcbb2ee1}")), audio.msid());
        assertEquals(List.of(SsrcAttribute.cname(3772375965L, "{b11da7a1-56f4-4fc1-a969-6d82236f494d}")), audio.ssrcs());
    }

    @Test
    void modernFirefoxVideoWithRtxBeforeItsRtpmap() {
        MediaDescription video = SdpVectors.parse(SdpVectors.FIREFOX).media().get(1);
        assertEquals(List.of(120, 124, 121, 125, 126, 127, 97, 98), video.payloadTypes());
        assertEquals(new Extmap(6, Direction.RECVONLY, "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay", null),
                video.extmap("http://www.webrtc.org/experiments/rtp-hdrext/playout-delay").orElseThrow());
        assertEquals(List.of(3, 4, 5, 6, 7), video.extmaps().stream().map(Extmap::id).toList());
        Map<String, String> vp8 = new LinkedHashMap<>();
        vp8.put("max-fs", "12288");
        vp8.put("max-fr", "60");
        assertEquals(new Codec(120, "VP8", 90000, 0, vp8, FF_VIDEO_FEEDBACK), video.codec(120).orElseThrow());
        assertEquals(new Codec(121, "VP9", 90000, 0, vp8, FF_VIDEO_FEEDBACK), video.codec(121).orElseThrow());
        Map<String, String> h264 = new LinkedHashMap<>();
        h264.put("profile-level-id", "42e01f");
        h264.put("level-asymmetry-allowed", "1");
        h264.put("packetization-mode", "1");
        assertEquals(new Codec(126, "H264", 90000, 0, h264, FF_VIDEO_FEEDBACK), video.codec(126).orElseThrow());
        assertEquals(Optional.empty(), video.codec(97).orElseThrow().parameter("packetization-mode"));
        assertEquals(Codec.rtx(124, 120, 90000), video.rtxFor(120).orElseThrow());
        assertEquals(Codec.rtx(125, 121, 90000), video.rtxFor(121).orElseThrow());
        assertEquals(Codec.rtx(127, 126, 90000), video.rtxFor(126).orElseThrow());
        assertEquals(Codec.rtx(98, 97, 90000), video.rtxFor(97).orElseThrow());
        assertTrue(video.rtcpRsize());
        // Firefox writes the FID group after the ssrc lines.
        assertEquals(List.of(SsrcGroup.fid(7463831L, 2513307155L)), video.ssrcGroups());
        assertEquals(List.of(7463831L, 2513307155L), video.ssrcIds());
        assertEquals("a=ssrc-group:FID 7463831 2513307155",
                video.attributes().get(video.attributes().size() - 1).line());
    }

    @Test
    void firefox48SessionDirectionRtcpPortsAndCandidates() {
        SessionDescription sdp = SdpVectors.parse(SdpVectors.FIREFOX_48);
        assertEquals("mozilla...THIS_IS_SDPARTA-48.0.1", sdp.origin().username());
        assertEquals(Optional.of(Direction.SENDRECV), sdp.direction());
        assertEquals(Optional.of(Group.bundle(List.of("sdparta_0", "sdparta_1"))), sdp.bundleGroup());
        assertEquals(1, sdp.fingerprints().size());
        assertEquals("63:F6:33:F8:37:3B:6A:59:79:BC:FF:03:4E:33:3B:7E:45:BA:D8:21:74:1B:5B:7F:07:F3:2F:18:F7:CF:9A:03",
                sdp.fingerprints().get(0).value());

        MediaDescription audio = sdp.media().get(0);
        assertEquals(57299, audio.port());
        assertEquals(Optional.of(new Connection("IN", "IP4", "192.168.1.3")), audio.connection());
        assertEquals(Optional.of("50653 IN IP4 192.168.1.3"), audio.attribute("rtcp").map(Attribute::value));
        assertEquals(6, audio.candidates().size());
        assertTrue(audio.endOfCandidates());
        assertEquals(Optional.of("c3e7fd4c"), audio.iceUfrag());
        assertEquals(Optional.of("eb77dda6036af02103e19b930cbfc657"), audio.icePwd());
        assertEquals(Optional.of(new Msid("{c06ce669-027d-fb44-85ec-1b31d00e10cf}", "{bca7e88e-5aaa-aa49-9400-a27bf0ed67ab}")),
                audio.msid());
        assertEquals(Optional.of("sdparta_0"), audio.mid());
        Map<String, String> opus = new LinkedHashMap<>();
        opus.put("maxplaybackrate", "48000");
        opus.put("stereo", "1");
        assertEquals(new Codec(109, "opus", 48000, 2, opus, List.of()), audio.codec(109).orElseThrow());

        MediaDescription video = sdp.media().get(1);
        assertEquals(59464, video.port());
        assertEquals(Optional.of("sdparta_1"), video.mid());
        List<RtcpFeedback> fb = List.of(RtcpFeedback.of("nack"), RtcpFeedback.of("nack", "pli"), RtcpFeedback.of("ccm", "fir"));
        assertEquals(List.of("VP8", "H264", "H264"), video.codecs().stream().map(Codec::name).toList());
        for (Codec c : video.codecs()) {
            assertEquals(fb, c.feedback());
        }
        assertEquals(Optional.of("12288"), video.codec(120).orElseThrow().parameter("max-fs"));
        assertEquals(List.of(3744113605L), video.ssrcIds());
        for (MediaDescription m : sdp.media()) {
            assertEquals(Direction.SENDRECV, sdp.directionOf(m));
        }
    }

    @Test
    void firefox60Simulcast() {
        SessionDescription sdp = SdpVectors.parse(SdpVectors.FIREFOX_60_SIMULCAST);
        assertEquals(1, sdp.media().size());
        MediaDescription video = sdp.media().get(0);
        assertEquals(Optional.of(Group.bundle(List.of("sdparta_0"))), sdp.bundleGroup());
        assertEquals(new Extmap(4, Direction.SENDONLY, "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", null),
                video.extmaps().get(3));
        assertEquals("4/sendonly urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id", video.extmaps().get(3).format());
        assertEquals(List.of(Rid.of("a", RidDirection.SEND), Rid.of("b", RidDirection.SEND), Rid.of("c", RidDirection.SEND)),
                video.rids());
        assertEquals(Optional.of(Simulcast.send(List.of("a", "b", "c"))), video.simulcast());
        // Firefox 60 lists one SSRC per simulcast layer, with no ssrc-group.
        assertEquals(List.of(1972685458L, 3186198792L, 3522742507L), video.ssrcIds());
        assertTrue(video.ssrcGroups().isEmpty());
        assertEquals(Optional.of(new Msid("-", "{be1704e6-1f72-4578-9995-5748701afba7}")), video.msid());
        assertEquals(List.of("VP8", "VP9", "H264", "H264"), video.codecs().stream().map(Codec::name).toList());
        assertEquals(Direction.SENDRECV, sdp.directionOf(video));
    }
}
