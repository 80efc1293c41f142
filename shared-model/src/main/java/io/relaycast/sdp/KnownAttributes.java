package io.relaycast.sdp;

import java.util.List;
import java.util.Set;

/**
 * The attributes this package understands: their names, which are property (flag) attributes,
 * which may appear only once per section, and the grammar each value is checked against.
 *
 * <p>JSEP (RFC 8829 §5.8) asks a parser to reject a description with any line it cannot parse,
 * even one whose value it then ignores, "so that implementations do not accidentally
 * misinterpret ambiguous SDP"; so every known attribute is parsed in full when read.
 */
final class KnownAttributes {
    static final String MID = "mid";
    static final String ICE_UFRAG = "ice-ufrag";
    static final String ICE_PWD = "ice-pwd";
    static final String ICE_OPTIONS = "ice-options";
    static final String ICE_LITE = "ice-lite";
    static final String SETUP = "setup";
    static final String RTCP_MUX = "rtcp-mux";
    static final String RTCP_MUX_ONLY = "rtcp-mux-only";
    static final String RTCP_RSIZE = "rtcp-rsize";
    static final String END_OF_CANDIDATES = "end-of-candidates";
    static final String BUNDLE_ONLY = "bundle-only";
    static final String EXTMAP_ALLOW_MIXED = "extmap-allow-mixed";
    static final String SCTP_PORT = "sctp-port";
    static final String MAX_MESSAGE_SIZE = "max-message-size";
    static final String RTCP = "rtcp";

    /** Property attributes: written without a value. */
    private static final Set<String> FLAGS = Set.of(
            "sendrecv", "sendonly", "recvonly", "inactive", // RFC 8866 §6.7
            RTCP_MUX, // RFC 5761 §5.1.1
            RTCP_MUX_ONLY, // RFC 8858 §3
            RTCP_RSIZE, // RFC 5506 §5
            ICE_LITE, // RFC 8839 §5.3
            END_OF_CANDIDATES, // RFC 8840 §8.2
            BUNDLE_ONLY, // RFC 8843 §6
            EXTMAP_ALLOW_MIXED); // RFC 8285 §6

    /** Attributes that may appear at most once in one section (session or one m-line). */
    static final Set<String> SINGLETONS = Set.of(
            MID, ICE_UFRAG, ICE_PWD, ICE_OPTIONS, ICE_LITE, SETUP, RTCP_MUX, RTCP_MUX_ONLY, RTCP_RSIZE,
            END_OF_CANDIDATES, BUNDLE_ONLY, EXTMAP_ALLOW_MIXED, Simulcast.ATTRIBUTE, MsidSemantic.ATTRIBUTE,
            SCTP_PORT, MAX_MESSAGE_SIZE, RTCP);

    private KnownAttributes() {
    }

    /** Known attributes that must have a value; the ones without a typed view are kept as text. */
    private static final Set<String> VALUED = Set.of(
            MID, ICE_UFRAG, ICE_PWD, ICE_OPTIONS, SETUP, Fingerprint.ATTRIBUTE, Group.ATTRIBUTE,
            MsidSemantic.ATTRIBUTE, Extmap.ATTRIBUTE, Msid.ATTRIBUTE, Rtpmap.ATTRIBUTE, Fmtp.ATTRIBUTE,
            RtcpFb.ATTRIBUTE, SsrcAttribute.ATTRIBUTE, SsrcGroup.ATTRIBUTE, Rid.ATTRIBUTE, Simulcast.ATTRIBUTE,
            Candidate.ATTRIBUTE, RTCP, SCTP_PORT, MAX_MESSAGE_SIZE);

    static void checkFlag(String name) throws SdpException {
        if (VALUED.contains(name)) {
            throw new SdpException("a=" + name + " needs a value");
        }
    }

    /** The typed value of a known valued attribute, or null for one this package keeps only as text. */
    static Object parseValue(String name, String value) throws SdpException {
        if (FLAGS.contains(name)) {
            throw new SdpException("a=" + name + " is a property attribute and takes no value");
        }
        switch (name) {
            case MID:
                // RFC 5888 §4: identification-tag = token
                return Syntax.token(value, "a=mid");
            case ICE_UFRAG:
                // RFC 8839 §5.4: ufrag = 4*256ice-char
                return Syntax.iceChars(value, 4, 256, "a=ice-ufrag");
            case ICE_PWD:
                // RFC 8839 §5.4: password = 22*256ice-char
                return Syntax.iceChars(value, 22, 256, "a=ice-pwd");
            case ICE_OPTIONS:
                // RFC 8839 §5.6: ice-option-tag *(SP ice-option-tag), ice-option-tag = 1*ice-char
                return iceOptions(value);
            case SETUP:
                return Setup.parse(value);
            case Fingerprint.ATTRIBUTE:
                return Fingerprint.parse(value);
            case Group.ATTRIBUTE:
                return Group.parse(value);
            case MsidSemantic.ATTRIBUTE:
                return MsidSemantic.parse(value);
            case Extmap.ATTRIBUTE:
                return Extmap.parse(value);
            case Msid.ATTRIBUTE:
                return Msid.parse(value);
            case Rtpmap.ATTRIBUTE:
                return Rtpmap.parse(value);
            case Fmtp.ATTRIBUTE:
                return Fmtp.parse(value);
            case RtcpFb.ATTRIBUTE:
                return RtcpFb.parse(value);
            case SsrcAttribute.ATTRIBUTE:
                return SsrcAttribute.parse(value);
            case SsrcGroup.ATTRIBUTE:
                return SsrcGroup.parse(value);
            case Rid.ATTRIBUTE:
                return Rid.parse(value);
            case Simulcast.ATTRIBUTE:
                return Simulcast.parse(value);
            case Candidate.ATTRIBUTE:
                return Candidate.parse(value);
            case RTCP:
            case SCTP_PORT:
            case MAX_MESSAGE_SIZE:
                // Known to need a value, kept as text (RFC 3605 §2.1, RFC 8841 §5 and §6).
                if (value.isEmpty()) {
                    throw new SdpException("a=" + name + " has an empty value");
                }
                return null;
            default:
                return null;
        }
    }

    private static List<String> iceOptions(String v) throws SdpException {
        List<String> tags = Syntax.fields(v, "a=ice-options");
        for (String t : tags) {
            Syntax.iceChars(t, 1, 256, "ice-option-tag");
        }
        return List.copyOf(tags);
    }
}
