package io.relaycast.sdp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the node refuses in an offer (and a client in an answer), each with the m= line and a clear reason. */
class SdpValidatorTest {

    static List<String> files() {
        return SdpVectors.files();
    }

    /** Chrome 120's offer with every line starting with {@code prefix} removed. */
    private static String chromeWithout(String prefix) {
        return SdpVectors.text(SdpVectors.CHROME_120).lines().filter(l -> !l.startsWith(prefix))
                .collect(Collectors.joining("\r\n", "", "\r\n"));
    }

    private static SdpException offerFails(String sdp) throws SdpException {
        SessionDescription parsed = SessionDescription.parse(sdp);
        return assertThrows(SdpException.class, () -> SdpValidator.checkOffer(parsed));
    }

    @ParameterizedTest
    @MethodSource("files")
    void everyBrowserOfferIsAcceptable(String file) {
        assertDoesNotThrow(() -> SdpValidator.checkOffer(SdpVectors.parse(file)));
    }

    @Test
    void missingIceUfragNamesTheMediaLine() throws SdpException {
        SdpException e = offerFails(chromeWithout("a=ice-ufrag:"));
        assertEquals(8, e.lineNumber()); // m=audio
        assertTrue(e.reason().contains("m=audio mid 0") && e.reason().contains("no a=ice-ufrag"), e.getMessage());
    }

    @Test
    void missingIcePwdOrFingerprint() throws SdpException {
        assertTrue(offerFails(chromeWithout("a=ice-pwd:")).reason().contains("no a=ice-pwd"));
        assertTrue(offerFails(chromeWithout("a=fingerprint:")).reason().contains("no a=fingerprint"));
    }

    @Test
    void sessionLevelTransportAttributesSuffice() throws SdpException {
        String text = SdpVectors.text(SdpVectors.CHROME_120);
        String sessionLevel = chromeWithout("a=ice-").replace("a=fingerprint:", "a=x-fp:")
                .replace("a=extmap-allow-mixed\r\n", "a=extmap-allow-mixed\r\na=ice-ufrag:nWnq\r\n"
                        + "a=ice-pwd:DTdCVj00s9nGkNgWra0P30A2\r\n"
                        + text.lines().filter(l -> l.startsWith("a=fingerprint:")).findFirst().orElseThrow() + "\r\n");
        SessionDescription sdp = SessionDescription.parse(sessionLevel);
        assertTrue(sdp.media().get(0).iceUfrag().isEmpty());
        assertDoesNotThrow(() -> SdpValidator.checkOffer(sdp));
    }

    @Test
    void noRtcpMuxOnAnActiveMediaLine() throws SdpException {
        SdpException e = offerFails(chromeWithout("a=rtcp-mux"));
        assertTrue(e.reason().contains("no a=rtcp-mux"), e.getMessage());
        // A rejected m-line (port 0, no bundle-only) needs nothing.
        String rejected = chromeWithout("a=rtcp-mux").replace("m=audio 9 ", "m=audio 0 ").replace("m=video 9 ", "m=video 0 ");
        assertDoesNotThrow(() -> SdpValidator.checkOffer(SessionDescription.parse(rejected)));
    }

    @Test
    void bundleOnlyPortZeroIsNotRejectedAndUsesTheTaggedTransport() throws SdpException {
        // GStreamer's max-bundle: the second m-line has port 0, a=bundle-only and no transport attributes.
        String text = SdpVectors.text(SdpVectors.CHROME_120);
        int video = text.indexOf("m=video 9 ");
        String head = text.substring(0, video);
        String tail = text.substring(video).replace("m=video 9 ", "m=video 0 ")
                .replace("c=IN IP4 0.0.0.0\r\n", "c=IN IP4 0.0.0.0\r\na=bundle-only\r\n");
        tail = tail.lines().filter(l -> !l.startsWith("a=ice-") && !l.startsWith("a=fingerprint:") && !l.startsWith("a=setup:"))
                .collect(Collectors.joining("\r\n", "", "\r\n"));
        SessionDescription sdp = SessionDescription.parse(head + tail);
        MediaDescription m = sdp.media().get(1);
        assertTrue(m.isBundleOnly());
        assertTrue(!m.isRejected());
        assertEquals(0, m.port());
        assertEquals(sdp.media().get(0), sdp.bundleTagOf(m).orElseThrow());
        assertEquals("nWnq", sdp.iceUfragFor(m).orElseThrow());
        assertEquals(Setup.ACTPASS, sdp.setupFor(m).orElseThrow());
        assertDoesNotThrow(() -> SdpValidator.checkOffer(sdp));
        // ...but it still must be multiplexed: bundle-only is not a rejection.
        String noMux = (head + tail).replace("a=rtcp-mux\r\na=rtcp-rsize", "a=rtcp-rsize");
        assertTrue(offerFails(noMux).reason().contains("m=video mid 1: no a=rtcp-mux"));
    }

    @Test
    void dtlsRoles() throws SdpException {
        String chrome = SdpVectors.text(SdpVectors.CHROME_120);
        assertDoesNotThrow(() -> SdpValidator.checkOffer(SessionDescription.parse(chrome.replace("a=setup:actpass", "a=setup:active"))));
        assertTrue(offerFails(chrome.replace("a=setup:actpass", "a=setup:passive")).reason().contains("DTLS server"));
        assertTrue(offerFails(chrome.replace("a=setup:actpass", "a=setup:holdconn")).reason().contains("holdconn"));
        assertTrue(offerFails(chromeWithout("a=setup:")).reason().contains("no a=setup"));

        SessionDescription answerWithActpass = SessionDescription.parse(chrome);
        SdpException e = assertThrows(SdpException.class, () -> SdpValidator.checkAnswer(answerWithActpass));
        assertTrue(e.reason().contains("must be active or passive"), e.getMessage());
        assertDoesNotThrow(() -> SdpValidator.checkAnswer(SessionDescription.parse(chrome.replace("a=setup:actpass", "a=setup:passive"))));
    }

    @Test
    void unknownSetupValueFailsToParseWithItsLine() {
        String text = SdpVectors.text(SdpVectors.CHROME_120).replace("a=setup:actpass", "a=setup:server");
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(text));
        assertEquals(15, e.lineNumber());
        assertTrue(e.reason().contains("unknown a=setup value 'server'"), e.getMessage());
    }

    @Test
    void fingerprintMustMatchItsHashAndUseAUsableOne() throws SdpException {
        String chrome = SdpVectors.text(SdpVectors.CHROME_120);
        assertTrue(offerFails(chrome.replace("a=fingerprint:sha-256 A4:67:", "a=fingerprint:sha-256 67:"))
                .reason().contains("has 31 bytes, the hash gives 32"));
        String md5 = chrome.lines().map(l -> l.startsWith("a=fingerprint:")
                        ? "a=fingerprint:md5 A4:67:3A:52:5C:D4:9C:65:45:9D:61:43:B2:EC:31:E8" : l)
                .collect(Collectors.joining("\r\n", "", "\r\n"));
        assertTrue(offerFails(md5).reason().contains("no a=fingerprint with a supported hash"));
        String sha1 = chrome.lines().map(l -> l.startsWith("a=fingerprint:")
                        ? "a=fingerprint:SHA-1 A4:67:3A:52:5C:D4:9C:65:45:9D:61:43:B2:EC:31:E8:42:4E:EC:54" : l)
                .collect(Collectors.joining("\r\n", "", "\r\n"));
        assertDoesNotThrow(() -> SdpValidator.checkOffer(SessionDescription.parse(sha1)));
    }

    @Test
    void midsMustExistBeUniqueAndMatchTheBundleGroup() throws SdpException {
        String chrome = SdpVectors.text(SdpVectors.CHROME_120);
        assertTrue(offerFails(chrome.replace("a=mid:1", "a=mid:0")).reason().contains("a=mid:0 is used by an earlier m-line"));
        assertTrue(offerFails(chromeWithout("a=mid:")).reason().contains("no a=mid"));
        assertTrue(offerFails(chrome.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")).reason().contains("names mid 2"));
        assertTrue(offerFails("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n").reason().contains("no m= sections"));
    }

    @Test
    void simulcastRidsNeedRidLines() throws SdpException {
        String sc = SdpVectors.text(SdpVectors.CHROME_SIMULCAST_AV);
        SdpException e = offerFails(sc.replace("a=rid:h send\r\n", ""));
        assertTrue(e.reason().contains("sends rid h without an a=rid:h send line"), e.getMessage());
        assertTrue(offerFails(sc.replace("a=rid:h send", "a=rid:h recv")).reason().contains("rid h"));
    }

    @Test
    void onePayloadTypeMeansOneCodecAcrossTheBundle() throws SdpException {
        // Give the video m-line payload type 111 for VP8 while audio uses it for opus.
        String chrome = SdpVectors.text(SdpVectors.CHROME_120);
        int video = chrome.indexOf("m=video");
        String clash = chrome.substring(0, video) + chrome.substring(video)
                .replace("UDP/TLS/RTP/SAVPF 96 ", "UDP/TLS/RTP/SAVPF 111 ")
                .replace("a=rtpmap:96 VP8", "a=rtpmap:111 VP8").replace("a=rtcp-fb:96 ", "a=rtcp-fb:111 ")
                .replace("apt=96", "apt=111");
        SdpException e = offerFails(clash);
        assertTrue(e.reason().contains("payload type 111 is VP8/90000 here but opus/48000 in mid 0"), e.getMessage());
        assertEquals("1", SessionDescription.parse(clash).media().get(1).mid().orElseThrow());
    }

    @Test
    void anOfferWithoutBundleStillMayNotGiveOnePayloadTypeTwoCodecs() throws SdpException {
        // Found by SdpFuzzTest#answer (SdpFuzzTestInputs/answer/ungrouped-payload-type-clash): an
        // offer with no a=group:BUNDLE passed, and the node's answer, which bundles every m-line,
        // then said rtx/90000 and rtx/900020 for one payload type in one group.
        String chrome = SdpVectors.text(SdpVectors.CHROME_120).replace("a=group:BUNDLE 0 1\r\n", "");
        int video = chrome.indexOf("m=video");
        String clash = chrome.substring(0, video) + chrome.substring(video)
                .replace("UDP/TLS/RTP/SAVPF 96 ", "UDP/TLS/RTP/SAVPF 111 ")
                .replace("a=rtpmap:96 VP8", "a=rtpmap:111 VP8").replace("a=rtcp-fb:96 ", "a=rtcp-fb:111 ")
                .replace("apt=96", "apt=111");
        assertTrue(SessionDescription.parse(clash).bundleGroup().isEmpty());
        SdpException e = offerFails(clash);
        assertTrue(e.reason().contains("payload type 111 is VP8/90000 here but opus/48000 in mid 0; the node carries "
                + "every m-line on one BUNDLE transport"), e.getMessage());
        // Without the clash, an offer that groups nothing is still answered (as before).
        assertDoesNotThrow(() -> SdpValidator.checkOffer(SessionDescription.parse(chrome)));
    }
}
