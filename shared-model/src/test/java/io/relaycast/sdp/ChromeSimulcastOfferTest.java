package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two Chrome simulcast offers (captured by the Stream SDK): rids, the simulcast send list, 4 m-lines. */
class ChromeSimulcastOfferTest {

    @Test
    void audioVideoSimulcastOffer() {
        SessionDescription sdp = SdpVectors.parse(SdpVectors.CHROME_SIMULCAST_AV);
        assertEquals(Optional.of(MsidSemantic.wms(List.of("2bcd08db-9e74-421c-a679-f505bbe3b7d8"))), sdp.msidSemantic());
        MediaDescription audio = sdp.media().get(0);
        MediaDescription video = sdp.media().get(1);
        assertEquals(List.of("trickle", "renomination"), audio.iceOptions());
        assertEquals(Optional.of(Direction.SENDONLY), audio.direction());
        Map<String, String> opus = new LinkedHashMap<>();
        opus.put("minptime", "10");
        opus.put("useinbandfec", "1");
        opus.put("usedtx", "1");
        assertEquals(opus, audio.codec(111).orElseThrow().parameters());
        assertEquals(15, audio.codecs().size());
        assertEquals(new Codec(104, "ISAC", 32000, 0, Map.of(), List.of()), audio.codec(104).orElseThrow());

        assertEquals(Optional.of("1"), video.mid());
        assertEquals(Optional.of(Direction.SENDONLY), video.direction());
        assertEquals(Optional.of(new Msid("2bcd08db-9e74-421c-a679-f505bbe3b7d8", "56c65a8a-74b8-410e-a90b-5edceb321cfc")),
                video.msid());
        assertEquals(List.of(Rid.of("q", RidDirection.SEND), Rid.of("h", RidDirection.SEND), Rid.of("f", RidDirection.SEND)),
                video.rids());
        Simulcast sc = video.simulcast().orElseThrow();
        assertEquals(List.of("q", "h", "f"), sc.sendRids());
        assertTrue(sc.recv().isEmpty());
        assertEquals(3, sc.send().size());
        assertTrue(sc.send().stream().allMatch(s -> s.alternatives().size() == 1 && !s.first().paused()));
        // Chrome writes no a=ssrc lines for rid-based simulcast.
        assertTrue(video.ssrcs().isEmpty());
        assertTrue(video.ssrcGroups().isEmpty());
        assertEquals(List.of(96, 97, 98, 99, 35, 36, 100, 101, 125, 124, 127), video.payloadTypes());
        assertEquals("AV1", video.codec(35).orElseThrow().name());
        assertEquals(36, video.rtxFor(35).orElseThrow().payloadType());
        assertEquals(124, video.rtxFor(125).orElseThrow().payloadType());
        assertEquals("ulpfec", video.codec(127).orElseThrow().name());
        assertEquals(10, video.extmap("urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id").orElseThrow().id());
        assertEquals(11, video.extmap("urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id").orElseThrow().id());
    }

    @Test
    void fourMediaLineOffer() {
        SessionDescription sdp = SdpVectors.parse(SdpVectors.CHROME_SIMULCAST_4M);
        assertEquals(Optional.of(Group.bundle(List.of("0", "1", "2", "3"))), sdp.bundleGroup());
        assertEquals(List.of("video", "audio", "video", "audio"), sdp.media().stream().map(MediaDescription::media).toList());
        assertEquals(List.of("0", "1", "2", "3"), sdp.media().stream().map(m -> m.mid().orElseThrow()).toList());

        MediaDescription simulcastVideo = sdp.media().get(0);
        assertEquals(60017, simulcastVideo.port());
        assertEquals(Optional.of(Connection.of("79.125.240.146")), simulcastVideo.connection());
        assertEquals(6, simulcastVideo.candidates().size());
        assertEquals(List.of("q", "h", "f"), simulcastVideo.simulcast().orElseThrow().sendRids());
        assertEquals(List.of("q", "h", "f"), simulcastVideo.rids().stream().map(Rid::id).toList());
        assertTrue(simulcastVideo.ssrcs().isEmpty());
        assertEquals(25, simulcastVideo.codecs().size());
        assertEquals(Optional.of("64001f"), simulcastVideo.codec(112).orElseThrow().parameter("profile-level-id"));
        assertEquals(113, simulcastVideo.rtxFor(112).orElseThrow().payloadType());

        MediaDescription audio1 = sdp.media().get(1);
        // The SDK put RED before opus here; the codec order follows the m= line.
        assertEquals(List.of("red", "opus"), audio1.codecs().subList(0, 2).stream().map(Codec::name).toList());
        assertEquals(14, audio1.extmap("urn:ietf:params:rtp-hdrext:ssrc-audio-level").orElseThrow().id());
        assertEquals(Optional.of("mbGW+aeWMLFhPbBC"), audio1.ssrcAttribute(743121750L, "cname"));

        MediaDescription video2 = sdp.media().get(2);
        assertTrue(video2.rids().isEmpty());
        assertEquals(List.of(SsrcGroup.fid(4072017687L, 3466187747L)), video2.ssrcGroups());
        assertEquals(Optional.of(new Msid("04f96a2a-d107-4a12-b545-cfe1dc2c4d37", "4a1ae8a7-6c89-44d3-a9a1-02abce0012c7")),
                video2.msid());

        for (MediaDescription m : sdp.media()) {
            assertEquals(Direction.SENDONLY, sdp.directionOf(m));
            assertEquals(Optional.of("GM64"), sdp.iceUfragFor(m));
            assertEquals(Optional.of("ANZFilRRlZJ3bg9AD40eRu7n"), sdp.icePwdFor(m));
            assertTrue(m.rtcpMux());
        }
    }

    @Test
    void simulcastSyntaxWithPausedAndAlternativeRids() throws SdpException {
        Simulcast sc = Simulcast.parse("send 1,~4;2;3 recv c");
        assertEquals(List.of(
                new SimulcastStream(List.of(SimulcastRid.active("1"), new SimulcastRid("4", true))),
                SimulcastStream.of("2"),
                SimulcastStream.of("3")), sc.send());
        assertEquals(List.of(SimulcastStream.of("c")), sc.recv());
        assertEquals(List.of("1", "4", "2", "3"), sc.sendRids());
        assertEquals("send 1,~4;2;3 recv c", sc.format());
        assertEquals(sc, Simulcast.parse("recv c send 1,~4;2;3"));
        assertEquals("send c recv 1,~4;2;3", sc.reversed().format());
        assertEquals(Simulcast.recv(List.of("q", "h", "f")), Simulcast.send(List.of("q", "h", "f")).reversed());
    }
}
