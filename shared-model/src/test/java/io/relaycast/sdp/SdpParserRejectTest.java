package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Malformed descriptions end in SdpException with the right line and a reason; the size limits hold. */
class SdpParserRejectTest {
    private static final String HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";
    private static final String AUDIO = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=rtpmap:111 opus/48000/2\r\n";

    private static SdpException rejects(String sdp, int line, String reasonPart) {
        SdpException e = assertThrows(SdpException.class, () -> SessionDescription.parse(sdp));
        assertEquals(line, e.lineNumber(), e.getMessage());
        assertTrue(e.reason().contains(reasonPart), "reason '" + e.reason() + "' lacks '" + reasonPart + "'");
        assertEquals(line > 0 ? "line " + line + ": " + e.reason() : e.reason(), e.getMessage());
        return e;
    }

    @Test
    void theMinimalDescriptionsParse() throws SdpException {
        assertEquals(HEAD, SessionDescription.parse(HEAD).write());
        assertEquals(HEAD + AUDIO, SessionDescription.parse(HEAD + AUDIO).write());
    }

    @Test
    void fixedFirstLines() {
        assertThrows(SdpException.class, () -> SessionDescription.parse(null));
        rejects("", 1, "must start with v=0");
        rejects("v=1\r\n", 1, "must start with v=0");
        rejects("o=- 1 1 IN IP4 127.0.0.1\r\nv=0\r\n", 1, "must start with v=0");
        rejects("v=0\r\ns=-\r\n", 2, "second line must be o=");
        rejects("v=0\r\no=- 1 1 IN IP4\r\ns=-\r\nt=0 0\r\n", 2, "6 fields");
        rejects("v=0\r\no=- x 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n", 2, "sess-id must be digits");
        rejects("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\nt=0 0\r\n", 3, "third line must be s=");
        rejects("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n", 4, "missing t= line");
        rejects("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n" + AUDIO, 4, "missing t= line");
    }

    @Test
    void lineShapes() {
        rejects(HEAD + "\r\n" + AUDIO, 5, "empty line");
        rejects(HEAD + "X=1\r\n", 5, "lower-case type letter");
        rejects(HEAD + "a\r\n", 5, "<type>=<value>");
        rejects(HEAD + "x=unknown\r\n", 5, "unknown line type 'x='");
        rejects(HEAD + "a=foo\rbar\r\n", 5, "bare CR");
        rejects(HEAD + "a=foo\0\r\n", 5, "NUL");
        rejects(HEAD + "a=:value\r\n", 5, "attribute name must be a token");
    }

    @Test
    void lineOrder() {
        rejects(HEAD + "a=ice-lite\r\nc=IN IP4 0.0.0.0\r\n", 6, "c= line out of order");
        rejects(HEAD + "s=again\r\n", 5, "s= line not allowed");
        rejects("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nr=7d 1h 0 25h\r\nt=0 0\r\n", 4, "r= line without a t= line");
        rejects("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n", 5, "more than one c=");
        rejects(HEAD + AUDIO + "t=0 0\r\n", 9, "t= line not allowed in an m= section");
        rejects(HEAD + AUDIO + "c=IN IP4 0.0.0.0\r\n", 9, "c= line out of order");
        assertDoesNotThrow(() -> SessionDescription.parse(
                "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\ni=info\r\nc=IN IP4 1.2.3.4\r\nb=AS:30\r\nt=0 0\r\nr=7d 1h 0 25h\r\nt=1 2\r\na=x\r\n"));
    }

    @Test
    void fieldValues() {
        rejects(HEAD.replace("t=0 0", "t=0"), 4, "t= line needs 2 fields");
        rejects(HEAD.replace("t=0 0", "t=0 -1"), 4, "t= stop must be a decimal");
        rejects(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\nb=AS\r\n", 6, "<bwtype>:<bandwidth>");
        rejects(HEAD + AUDIO.replace("c=IN IP4 0.0.0.0", "c=IN IP4"), 6, "c= line needs 3 fields");
        rejects(HEAD + AUDIO.replace("m=audio 9 ", "m=audio 70000 "), 5, "m= port 70000 is above 65535");
        rejects(HEAD + AUDIO.replace("m=audio 9 ", "m=audio  9 "), 5, "stray space");
        rejects(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", 5, "at least one format");
        rejects(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n", 5, "not a payload type 0-127");
        rejects(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n", 5, "not a payload type 0-127");
        rejects(HEAD + "m=audio 9 UDP/TLS/RTP/SAVPF 0 0\r\n", 5, "listed twice");
        rejects(HEAD + "m=audio 9 UDP//SAVPF 0\r\n", 5, "proto part");
        assertDoesNotThrow(() -> SessionDescription.parse(HEAD + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"));
        assertDoesNotThrow(() -> SessionDescription.parse(HEAD + "m=audio 49170/2 RTP/AVP 0\r\n"));
    }

    @Test
    void attributeGrammarAndRepeats() {
        rejects(HEAD + AUDIO + "a=mid:1\r\n", 9, "a=mid appears more than once");
        rejects(HEAD + AUDIO + "a=sendonly\r\na=recvonly\r\n", 10, "conflicts with a=sendonly");
        rejects(HEAD + AUDIO + "a=rtpmap:111 opus/48000\r\n", 9, "a second a=rtpmap for payload type 111");
        rejects(HEAD + AUDIO + "a=fmtp:111 a=1\r\na=fmtp:111 b=2\r\n", 10, "a second a=fmtp");
        rejects(HEAD + AUDIO + "a=extmap:1 urn:a\r\na=extmap:1 urn:b\r\n", 10, "a second a=extmap with id 1");
        rejects(HEAD + AUDIO + "a=extmap:0 urn:a\r\n", 9, "extmap id 0");
        rejects(HEAD + AUDIO + "a=extmap:1/both urn:a\r\n", 9, "unknown extmap direction");
        rejects(HEAD + AUDIO + "a=rid:q send\r\na=rid:q send\r\n", 10, "a second a=rid with id q");
        rejects(HEAD + AUDIO + "a=rid:q both\r\n", 9, "'send' or 'recv'");
        rejects(HEAD + AUDIO + "a=simulcast:send q;;h\r\n", 9, "rid-id");
        rejects(HEAD + AUDIO + "a=simulcast:send q send h\r\n", 9, "one 'send'");
        rejects(HEAD + AUDIO + "a=rtcp-mux:yes\r\n", 9, "takes no value");
        rejects(HEAD + AUDIO + "a=ice-ufrag\r\n", 9, "needs a value");
        rejects(HEAD + AUDIO + "a=ice-ufrag:abc\r\n", 9, "4 to 256 ice-chars");
        rejects(HEAD + AUDIO + "a=ice-pwd:short\r\n", 9, "22 to 256 ice-chars");
        rejects(HEAD + AUDIO + "a=ice-ufrag:ab-cd\r\n", 9, "outside ALPHA");
        rejects(HEAD + AUDIO + "a=fingerprint:sha-256 AB:C\r\n", 9, "2HEX");
        rejects(HEAD + AUDIO + "a=rtpmap:111 opus\r\n", 9, "<name>/<rate>");
        rejects(HEAD + AUDIO + "a=rtpmap:300 x/1\r\n", 9, "rtpmap payload type 300 is above 127");
        rejects(HEAD + AUDIO + "a=rtcp-fb:111\r\n", 9, "'<pt> <feedback>'");
        rejects(HEAD + AUDIO + "a=ssrc:4294967296 cname:x\r\n", 9, "ssrc-id 4294967296 is above 4294967295");
        rejects(HEAD + AUDIO + "a=ssrc-group:FID 1 x\r\n", 9, "must be a decimal");
        rejects(HEAD + AUDIO + "a=msid:a b c\r\n", 9, "more than a stream id and a track id");
        rejects(HEAD + AUDIO + "a=candidate:1 1 udp 1 1.2.3.4 9 host\r\n", 9, "8 fields");
        rejects(HEAD + AUDIO + "a=group:BUNDLE 0  1\r\n", 9, "stray space");
        rejects(HEAD + AUDIO + "a=sctp-port:\r\n", 9, "empty value");
        // The same attribute at another level, or an unknown one, is fine.
        assertDoesNotThrow(() -> SessionDescription.parse(HEAD + "a=ice-ufrag:abcd\r\n" + AUDIO + "a=ice-ufrag:efgh\r\na=x-custom:1 2 3\r\n"));
    }

    @Test
    void oversizedDescriptionIsRejected() throws SdpException {
        StringBuilder sb = new StringBuilder(HEAD + AUDIO);
        while (sb.length() <= SdpLimits.MAX_DESCRIPTION_BYTES) {
            sb.append("a=x-padding:").append("p".repeat(100)).append("\r\n");
        }
        rejects(sb.toString(), 0, "larger than 65536 bytes");
        // Multi-byte characters count as their UTF-8 bytes.
        String utf8 = HEAD + "i=" + "\u00e9".repeat(SdpLimits.MAX_DESCRIPTION_BYTES / 2) + "\r\n";
        assertTrue(utf8.length() < SdpLimits.MAX_DESCRIPTION_BYTES);
        rejects(utf8, 0, "larger than 65536 bytes");
    }

    @Test
    void overlongLineIsRejected() throws SdpException {
        String ok = "a=x-long:" + "y".repeat(SdpLimits.MAX_LINE_BYTES - 9) + "\r\n";
        assertDoesNotThrow(() -> SessionDescription.parse(HEAD + AUDIO + ok));
        rejects(HEAD + AUDIO + "a=x-long:" + "y".repeat(SdpLimits.MAX_LINE_BYTES - 8) + "\r\n", 9, "longer than 4096 bytes");
    }

    @Test
    void atMost64MediaSections() throws SdpException {
        StringBuilder sb = new StringBuilder(HEAD);
        for (int i = 0; i < SdpLimits.MAX_MEDIA_SECTIONS; i++) {
            sb.append("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:").append(i).append("\r\n");
        }
        assertEquals(64, SessionDescription.parse(sb.toString()).media().size());
        sb.append("m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n");
        rejects(sb.toString(), 4 + 64 * 2 + 1, "more than 64 m= sections");
    }
}
