package io.relaycast.sdp;

import io.relaycast.testing.HostileInputs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100 000 mutations of the browser offers: the parser must accept or throw {@link SdpException},
 * nothing else. An accepted input must also write back exactly (line endings normalised to
 * CRLF), every typed view must read without error, every typed value must format and parse
 * back to itself, and the validator may only throw {@link SdpException}.
 */
class SdpHostileInputTest {
    private static final long SEED = 0x5D9_2024L;

    @Test
    void mutatedOffersEndInSdpExceptionOrAFaithfulParse() {
        List<String> corpus = new ArrayList<>();
        for (String file : SdpVectors.files()) {
            corpus.add(SdpVectors.text(file));
        }
        HostileInputs.Outcome outcome = HostileInputs.checkText(SEED, 100_000, corpus, SdpException.class,
                SdpHostileInputTest::parseAndCheck);
        // Both paths must be exercised, or the test proves nothing about one of them.
        assertTrue(outcome.accepted() > 5_000, "accepted " + outcome.accepted());
        assertTrue(outcome.rejected() > 5_000, "rejected " + outcome.rejected());
    }

    static void parseAndCheck(String input) throws SdpException {
        SessionDescription sdp = SessionDescription.parse(input);
        String expected = normalised(input);
        if (!sdp.write().equals(expected)) {
            throw new AssertionError("accepted input does not write back exactly");
        }
        readEverything(sdp);
        SdpValidator.checkOffer(sdp);
    }

    /** CRLF or LF line ends become CRLF; a last line without an ending (or with a lone CR) gets CRLF. */
    private static String normalised(String input) {
        String s = input.replace("\r\n", "\n");
        if (s.endsWith("\r")) {
            s = s.substring(0, s.length() - 1);
        }
        if (!s.endsWith("\n")) {
            s = s + "\n";
        }
        return s.replace("\n", "\r\n");
    }

    private static void readEverything(SessionDescription sdp) throws SdpException {
        sdp.timing();
        sdp.connection();
        sdp.bundleGroup();
        sdp.msidSemantic().ifPresent(v -> same(v, MsidSemantic::parse, v.format()));
        for (Group g : sdp.groups()) {
            same(g, Group::parse, g.format());
        }
        sdp.iceOptions();
        sdp.direction();
        same(sdp.origin(), Origin::parse, sdp.origin().format());
        for (MediaDescription m : sdp.media()) {
            sdp.lineNumberOf(m);
            sdp.directionOf(m);
            sdp.iceUfragFor(m);
            sdp.icePwdFor(m);
            sdp.iceOptionsFor(m);
            sdp.setupFor(m);
            sdp.bundleTagOf(m);
            for (Fingerprint f : sdp.fingerprintsFor(m)) {
                f.bytes();
                same(f, Fingerprint::parse, f.format());
            }
            m.kind();
            m.payloadTypes();
            m.connection();
            m.bandwidths();
            m.isRejected();
            for (Codec c : m.codecs()) {
                c.associatedPayloadType();
                m.rtxFor(c.payloadType());
                // a codec writes back to the same codec through the builder's lines
                Rtpmap r = c.rtpmap();
                same(r, Rtpmap::parse, r.format());
            }
            for (Extmap e : m.extmaps()) {
                same(e, Extmap::parse, e.format());
            }
            for (Msid v : m.msids()) {
                same(v, Msid::parse, v.format());
            }
            for (SsrcAttribute s : m.ssrcs()) {
                s.msid();
                same(s, SsrcAttribute::parse, s.format());
            }
            for (SsrcGroup g : m.ssrcGroups()) {
                same(g, SsrcGroup::parse, g.format());
            }
            for (Rid r : m.rids()) {
                same(r, Rid::parse, r.format());
            }
            m.simulcast().ifPresent(v -> same(v, Simulcast::parse, v.format()));
            for (Candidate c : m.candidates()) {
                c.generation();
                same(c, Candidate::parse, c.format());
            }
            for (Attribute a : m.attributes(Fmtp.ATTRIBUTE)) {
                Fmtp f = (Fmtp) a.typed();
                same(f, Fmtp::parse, f.format());
            }
            for (Attribute a : m.attributes(RtcpFb.ATTRIBUTE)) {
                RtcpFb f = (RtcpFb) a.typed();
                same(f, RtcpFb::parse, f.format());
            }
        }
    }

    private interface Parse<T> {
        T parse(String s) throws SdpException;
    }

    /** A typed value must parse back from its own formatting: what the builders rely on. */
    private static <T> void same(T value, Parse<T> parser, String formatted) {
        T again;
        try {
            again = parser.parse(formatted);
        } catch (SdpException e) {
            throw new AssertionError("formatted value does not parse: '" + formatted + "'", e);
        }
        if (!again.equals(value)) {
            throw new AssertionError("formatted value parses to something else: '" + formatted + "'");
        }
    }
}
