package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attribute values not covered by the browser vectors: their grammar both ways. */
class SdpValuesTest {

    @Test
    void ridWithPayloadTypesAndRestrictions() throws SdpException {
        Rid rid = Rid.parse("f send pt=96,97;max-width=1280;max-height=720;max-fps=30");
        assertEquals("f", rid.id());
        assertEquals(RidDirection.SEND, rid.direction());
        assertEquals(List.of(96, 97), rid.payloadTypes());
        Map<String, String> r = new LinkedHashMap<>();
        r.put("max-width", "1280");
        r.put("max-height", "720");
        r.put("max-fps", "30");
        assertEquals(r, rid.restrictions());
        assertEquals("f send pt=96,97;max-width=1280;max-height=720;max-fps=30", rid.format());
        assertEquals("q recv max-br=64000", new Rid("q", RidDirection.RECV, List.of(), Map.of("max-br", "64000")).format());
        assertThrows(SdpException.class, () -> Rid.parse("f send pt="));
        assertThrows(SdpException.class, () -> Rid.parse("f send pt=300"));
        assertThrows(SdpException.class, () -> Rid.parse("f.x send"));
        assertThrows(SdpException.class, () -> Rid.parse("f send max width=1"));
    }

    @Test
    void extmapWithDirectionAndAttributes() throws SdpException {
        Extmap e = Extmap.parse("5/recvonly urn:ietf:params:rtp-hdrext:encrypt urn:ietf:params:rtp-hdrext:smpte-tc 25@600/24");
        assertEquals(5, e.id());
        assertEquals(Direction.RECVONLY, e.direction());
        assertEquals("urn:ietf:params:rtp-hdrext:encrypt", e.uri());
        assertEquals("urn:ietf:params:rtp-hdrext:smpte-tc 25@600/24", e.attributes());
        assertEquals(e, Extmap.parse(e.format()));
        assertEquals(4096, Extmap.parse("4096 urn:x").id());
        assertThrows(SdpException.class, () -> Extmap.parse("256 urn:x"));
        assertThrows(SdpException.class, () -> Extmap.parse("123456 urn:x"));
        assertThrows(SdpException.class, () -> Extmap.parse("1"));
    }

    @Test
    void fingerprintBytesAndMatching() throws SdpException {
        byte[] digest = {(byte) 0xAB, 0x01, (byte) 0xFF};
        Fingerprint f = Fingerprint.of("sha-256", digest);
        assertEquals("AB:01:FF", f.value());
        assertTrue(f.matches(digest));
        assertFalse(f.matches(new byte[] {(byte) 0xAB, 0x01, (byte) 0xFE}));
        assertTrue(Fingerprint.parse("SHA-256 ab:01:ff").matches(digest)); // lower case accepted on input
        assertEquals("sha-256", Fingerprint.parse("SHA-256 ab:01:ff").normalizedHashFunction());
        assertThrows(SdpException.class, () -> Fingerprint.parse("sha-256 AB01FF"));
        assertThrows(SdpException.class, () -> Fingerprint.parse("sha-256 AB:0G"));
        assertThrows(SdpException.class, () -> Fingerprint.parse("sha-256"));
    }

    @Test
    void directionsMirror() {
        assertEquals(Direction.RECVONLY, Direction.SENDONLY.reversed());
        assertEquals(Direction.SENDONLY, Direction.RECVONLY.reversed());
        assertEquals(Direction.SENDRECV, Direction.SENDRECV.reversed());
        assertEquals(Direction.INACTIVE, Direction.INACTIVE.reversed());
        assertTrue(Direction.SENDONLY.sends() && !Direction.SENDONLY.receives());
        assertTrue(Direction.fromName("SENDONLY").isEmpty()); // attribute names are case-sensitive
    }

    @Test
    void ssrcAttributesAndGroups() throws SdpException {
        SsrcAttribute s = SsrcAttribute.parse("4294967295 label:a:b");
        assertEquals(4294967295L, s.ssrc());
        assertEquals("label", s.attribute());
        assertEquals("a:b", s.value());
        assertTrue(s.msid().isEmpty());
        assertEquals("7 x-flag", new SsrcAttribute(7, "x-flag", null).format());
        SsrcGroup sim = SsrcGroup.parse("SIM 1 2 3");
        assertEquals(SsrcGroup.SIM, sim.semantics());
        assertEquals(List.of(1L, 2L, 3L), sim.ssrcs());
        assertEquals("SIM 1 2 3", sim.format());
    }

    @Test
    void wildcardFeedbackAppliesToEveryCodec() throws SdpException {
        SessionDescription sdp = SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + "m=video 9 UDP/TLS/RTP/SAVPF 96 97 0\r\na=rtpmap:96 VP8/90000\r\na=rtcp-fb:* nack\r\n"
                + "a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\na=rtcp-fb:96 nack pli\r\n");
        MediaDescription m = sdp.media().get(0);
        assertEquals(List.of(RtcpFeedback.of("nack"), RtcpFeedback.of("nack", "pli")), m.codec(96).orElseThrow().feedback());
        assertEquals(List.of(RtcpFeedback.of("nack")), m.codec(97).orElseThrow().feedback());
        // Payload type 0 has no rtpmap: the static table of RFC 3551 names it.
        assertEquals("PCMU", m.codec(0).orElseThrow().name());
        assertEquals(List.of(96, 97, 0), m.codecs().stream().map(Codec::payloadType).toList());
    }
}
