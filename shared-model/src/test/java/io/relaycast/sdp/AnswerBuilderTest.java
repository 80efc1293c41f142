package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's side: an ICE-lite answer built with typed calls writes the expected text and reads back the same. */
class AnswerBuilderTest {
    private static final String UFRAG = "Rc4sWq9z";
    private static final String PWD = "p2Xk9bYvQ0tL7mN4sJ1hG8fD";
    private static final Msid VIDEO_MSID = new Msid("relaycast-peer-7", "video-7-0");

    private static Fingerprint fingerprint() {
        byte[] digest = new byte[32];
        for (int i = 0; i < digest.length; i++) {
            digest[i] = (byte) (i * 7 + 1);
        }
        return Fingerprint.of("sha-256", digest);
    }

    private static final String EXPECTED = """
            v=0
            o=- 4611731400430051336 1 IN IP4 127.0.0.1
            s=-
            t=0 0
            a=ice-lite
            a=group:BUNDLE 0 1
            a=extmap-allow-mixed
            a=msid-semantic: WMS relaycast-peer-7
            m=audio 40000 UDP/TLS/RTP/SAVPF 111
            c=IN IP4 198.51.100.20
            a=candidate:1 1 udp 2130706431 198.51.100.20 40000 typ host generation 0
            a=end-of-candidates
            a=ice-ufrag:Rc4sWq9z
            a=ice-pwd:p2Xk9bYvQ0tL7mN4sJ1hG8fD
            a=fingerprint:sha-256 01:08:0F:16:1D:24:2B:32:39:40:47:4E:55:5C:63:6A:71:78:7F:86:8D:94:9B:A2:A9:B0:B7:BE:C5:CC:D3:DA
            a=setup:passive
            a=mid:0
            a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
            a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
            a=recvonly
            a=rtcp-mux
            a=rtpmap:111 opus/48000/2
            a=rtcp-fb:111 transport-cc
            a=fmtp:111 minptime=10;useinbandfec=1
            m=video 40000 UDP/TLS/RTP/SAVPF 96 97
            c=IN IP4 198.51.100.20
            a=candidate:1 1 udp 2130706431 198.51.100.20 40000 typ host generation 0
            a=end-of-candidates
            a=ice-ufrag:Rc4sWq9z
            a=ice-pwd:p2Xk9bYvQ0tL7mN4sJ1hG8fD
            a=fingerprint:sha-256 01:08:0F:16:1D:24:2B:32:39:40:47:4E:55:5C:63:6A:71:78:7F:86:8D:94:9B:A2:A9:B0:B7:BE:C5:CC:D3:DA
            a=setup:passive
            a=mid:1
            a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
            a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
            a=sendonly
            a=msid:relaycast-peer-7 video-7-0
            a=rtcp-mux
            a=rtcp-rsize
            a=rtpmap:96 VP8/90000
            a=rtcp-fb:96 transport-cc
            a=rtcp-fb:96 ccm fir
            a=rtcp-fb:96 nack
            a=rtcp-fb:96 nack pli
            a=rtpmap:97 rtx/90000
            a=fmtp:97 apt=96
            a=ssrc-group:FID 11111111 22222222
            a=ssrc:11111111 cname:relaycast
            a=ssrc:11111111 msid:relaycast-peer-7 video-7-0
            a=ssrc:22222222 cname:relaycast
            a=ssrc:22222222 msid:relaycast-peer-7 video-7-0
            """.replace("\n", "\r\n");

    /** Builds the node's answer to Chrome's offer, reusing the offer's codecs and extension ids. */
    private static SessionDescription answerToChromeOffer() {
        SessionDescription offer = SdpVectors.parse(SdpVectors.CHROME_120);
        MediaDescription offeredAudio = offer.media().get(0);
        MediaDescription offeredVideo = offer.media().get(1);
        Candidate host = Candidate.host("1", 2130706431L, "198.51.100.20", 40000).withExtension("generation", "0");

        MediaDescription audio = MediaDescription.builder(MediaKind.AUDIO)
                .port(40000)
                .connection(Connection.of("198.51.100.20"))
                // calls deliberately out of the written order: the builder orders the lines
                .addCodec(offeredAudio.codec(111).orElseThrow())
                .rtcpMux()
                .direction(Direction.RECVONLY) // the node receives this publisher's audio
                .mid(offeredAudio.mid().orElseThrow())
                .addExtmap(offeredAudio.extmap("urn:ietf:params:rtp-hdrext:ssrc-audio-level").orElseThrow())
                .addExtmap(offeredAudio.extmap("urn:ietf:params:rtp-hdrext:sdes:mid").orElseThrow())
                .setup(Setup.PASSIVE)
                .addFingerprint(fingerprint())
                .iceCredentials(UFRAG, PWD)
                .endOfCandidates()
                .addCandidate(host)
                .build();

        Codec vp8 = offeredVideo.codec(96).orElseThrow().withoutFeedback()
                .withFeedback("transport-cc").withFeedback("ccm", "fir").withFeedback("nack").withFeedback("nack", "pli");
        MediaDescription video = MediaDescription.builder(MediaKind.VIDEO)
                .port(40000)
                .connection(Connection.of("198.51.100.20"))
                .addSsrc(11111111L, "relaycast", VIDEO_MSID)
                .addSsrc(22222222L, "relaycast", VIDEO_MSID)
                .addSsrcGroup(SsrcGroup.fid(11111111L, 22222222L))
                .addCodec(vp8)
                .addCodec(offeredVideo.rtxFor(96).orElseThrow())
                .rtcpRsize()
                .rtcpMux()
                .addMsid(VIDEO_MSID)
                .direction(Direction.SENDONLY)
                .addExtmap(offeredVideo.extmap("http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01").orElseThrow())
                .addExtmap(offeredVideo.extmap("urn:ietf:params:rtp-hdrext:sdes:mid").orElseThrow())
                .mid("1")
                .iceCredentials(UFRAG, PWD)
                .addFingerprint(fingerprint())
                .setup(Setup.PASSIVE)
                .addCandidate(host)
                .endOfCandidates()
                .build();

        return SessionDescription.builder()
                .origin(Origin.of("-", 4611731400430051336L, 1, "127.0.0.1"))
                .msidSemantic(MsidSemantic.wms(List.of("relaycast-peer-7")))
                .extmapAllowMixed()
                .bundle(offer.bundleGroup().orElseThrow().mids())
                .iceLite()
                .addMedia(audio)
                .addMedia(video)
                .build();
    }

    @Test
    void writesTheExpectedText() {
        assertEquals(EXPECTED, answerToChromeOffer().write());
    }

    @Test
    void reparsesToTheSameModel() throws SdpException {
        SessionDescription built = answerToChromeOffer();
        SessionDescription reread = SessionDescription.parse(built.write());
        assertEquals(built, reread);
        assertTrue(reread.isIceLite());
        assertEquals(List.of("0", "1"), reread.bundleGroup().orElseThrow().mids());
        SessionDescription offer = SdpVectors.parse(SdpVectors.CHROME_120);

        MediaDescription audio = reread.media().get(0);
        assertEquals(List.of(offer.media().get(0).codec(111).orElseThrow()), audio.codecs());
        assertEquals(Optional.of(Direction.RECVONLY), audio.direction());
        assertEquals(List.of(1, 4), audio.extmaps().stream().map(Extmap::id).toList());

        MediaDescription video = reread.media().get(1);
        assertEquals(Optional.of(Direction.SENDONLY), video.direction());
        assertEquals(List.of(VIDEO_MSID), video.msids());
        assertEquals(List.of(SsrcGroup.fid(11111111L, 22222222L)), video.ssrcGroups());
        assertEquals(Optional.of(VIDEO_MSID), video.ssrcs().get(1).msid());
        assertEquals(Codec.rtx(97, 96, 90000), video.rtxFor(96).orElseThrow());
        assertEquals(List.of(RtcpFeedback.of("transport-cc"), RtcpFeedback.of("ccm", "fir"), RtcpFeedback.of("nack"),
                RtcpFeedback.of("nack", "pli")), video.codec(96).orElseThrow().feedback());
        for (MediaDescription m : reread.media()) {
            assertEquals(List.of(Candidate.host("1", 2130706431L, "198.51.100.20", 40000).withExtension("generation", "0")),
                    m.candidates());
            assertTrue(m.endOfCandidates());
            assertEquals(Optional.of(Setup.PASSIVE), reread.setupFor(m));
            assertEquals(List.of(fingerprint()), reread.fingerprintsFor(m));
            assertTrue(reread.fingerprintsFor(m).get(0).matches(fingerprint().bytes()));
        }
        SdpValidator.checkAnswer(reread);
    }

    @Test
    void dataChannelAndBundleOnlySections() throws SdpException {
        MediaDescription data = MediaDescription.builder(MediaKind.APPLICATION)
                .addFormat("webrtc-datachannel")
                .addAttribute("max-message-size", "262144")
                .addAttribute("sctp-port", "5000")
                .mid("2")
                .build();
        assertEquals("""
                m=application 9 UDP/DTLS/SCTP webrtc-datachannel
                c=IN IP4 0.0.0.0
                a=mid:2
                a=max-message-size:262144
                a=sctp-port:5000
                """.replace("\n", "\r\n"), data.write());
        assertTrue(data.codecs().isEmpty());
        assertFalse(data.isRtp());
        assertEquals(Optional.of("5000"), data.attribute("sctp-port").map(Attribute::value));

        MediaDescription bundleOnly = MediaDescription.builder(MediaKind.VIDEO)
                .port(0).bundleOnly().mid("1").rtcpMux().direction(Direction.RECVONLY)
                .addCodec(Codec.of(96, "VP8", 90000)).build();
        assertEquals("""
                m=video 0 UDP/TLS/RTP/SAVPF 96
                c=IN IP4 0.0.0.0
                a=bundle-only
                a=mid:1
                a=recvonly
                a=rtcp-mux
                a=rtpmap:96 VP8/90000
                """.replace("\n", "\r\n"), bundleOnly.write());
        assertTrue(bundleOnly.isBundleOnly());
        assertFalse(bundleOnly.isRejected());
        assertEquals(bundleOnly, SessionDescription.parse("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
                + bundleOnly.write()).media().get(0));
    }

    @Test
    void builderRefusesWhatWouldNotParse() {
        assertThrows(IllegalArgumentException.class,
                () -> MediaDescription.builder(MediaKind.AUDIO).iceCredentials("ab", PWD)); // ufrag under 4 chars
        assertThrows(IllegalArgumentException.class, () -> MediaDescription.builder(MediaKind.AUDIO).addAttribute("setup", "client"));
        assertThrows(IllegalArgumentException.class, () -> MediaDescription.builder(MediaKind.AUDIO).addAttribute("rtcp-mux", "1"));
        assertThrows(IllegalArgumentException.class, () -> new Extmap(300, null, "urn:x", null));
        assertThrows(IllegalArgumentException.class,
                () -> MediaDescription.builder(MediaKind.AUDIO).addCodec(Codec.of(111, "opus", 48000)).addCodec(Codec.of(111, "opus", 48000)));
        assertThrows(IllegalStateException.class, () -> MediaDescription.builder(MediaKind.AUDIO).build()); // no format
        assertThrows(IllegalStateException.class, () -> MediaDescription.builder(MediaKind.VIDEO)
                .addCodec(Codec.of(96, "VP8", 90000))
                .addExtmap(Extmap.of(3, "urn:a")).addExtmap(Extmap.of(3, "urn:b")).build()); // one id, two URIs
        assertThrows(IllegalStateException.class, () -> SessionDescription.builder().build()); // no origin
    }

    @Test
    void singletonCallsReplaceRatherThanRepeat() {
        MediaDescription m = MediaDescription.builder(MediaKind.AUDIO)
                .addCodec(Codec.of(0, "PCMU", 8000))
                .direction(Direction.SENDRECV).direction(Direction.INACTIVE)
                .mid("a").mid("b")
                .setup(Setup.ACTIVE).setup(Setup.PASSIVE)
                .build();
        assertEquals(Optional.of(Direction.INACTIVE), m.direction());
        assertEquals(Optional.of("b"), m.mid());
        assertEquals(Optional.of(Setup.PASSIVE), m.setup());
        assertEquals(1, m.attributes("mid").size());
    }

    @Test
    void builtSectionsAreNotParsedAgainButKeepTheParsersLimitsAndLineNumbers() throws SdpException {
        // build() parses only the session level and takes the sections as MediaDescriptionBuilder
        // parsed them; the whole must still be what its text parses to, limits included.
        SessionDescription built = answerToChromeOffer();
        SessionDescription reread = SessionDescription.parse(built.write());
        for (int i = 0; i < built.media().size(); i++) {
            assertEquals(reread.lineNumberOf(reread.media().get(i)), built.lineNumberOf(built.media().get(i)));
            assertEquals(reread.media().get(i), built.media().get(i));
        }
        MediaDescription section = built.media().get(0);
        SessionDescriptionBuilder full = SessionDescription.builder().origin(Origin.of("-", 1, 1, "127.0.0.1"));
        for (int i = 0; i < SdpLimits.MAX_MEDIA_SECTIONS; i++) {
            full.addMedia(section);
        }
        assertEquals(SdpLimits.MAX_MEDIA_SECTIONS, full.build().media().size());
        IllegalStateException tooMany = assertThrows(IllegalStateException.class, () -> full.addMedia(section).build());
        assertTrue(tooMany.getMessage().contains("more than " + SdpLimits.MAX_MEDIA_SECTIONS + " m= sections"), tooMany.getMessage());
        // Sections of ten 3 000-byte attribute lines: seven of them pass 64 KiB.
        MediaDescriptionBuilder fat = MediaDescription.builder(MediaKind.APPLICATION).addFormat("webrtc-datachannel");
        for (int i = 0; i < 10; i++) {
            fat.addAttribute("x-pad" + i, "p".repeat(3000));
        }
        MediaDescription padded = fat.build();
        SessionDescriptionBuilder large = SessionDescription.builder().origin(Origin.of("-", 1, 1, "127.0.0.1"));
        for (int i = 0; i < SdpLimits.MAX_DESCRIPTION_BYTES / padded.write().length() + 1; i++) {
            large.addMedia(padded);
        }
        IllegalStateException tooLarge = assertThrows(IllegalStateException.class, large::build);
        assertTrue(tooLarge.getMessage().contains("larger than " + SdpLimits.MAX_DESCRIPTION_BYTES + " bytes"), tooLarge.getMessage());
    }
}
