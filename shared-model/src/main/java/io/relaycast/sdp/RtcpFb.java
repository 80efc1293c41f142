package io.relaycast.sdp;

/**
 * {@code a=rtcp-fb:<payload type or *> <feedback>} (RFC 4585 §4.2). A {@code *} applies the
 * feedback to every payload type of the m-line.
 */
public record RtcpFb(String payloadType, RtcpFeedback feedback) {
    public static final String ATTRIBUTE = "rtcp-fb";
    public static final String WILDCARD = "*";

    public RtcpFb {
        Syntax.require(WILDCARD.equals(payloadType) || Syntax.isToken(payloadType),
                "rtcp-fb payload type must be '*' or a format");
        Syntax.require(feedback != null, "rtcp-fb needs a feedback value");
    }

    /** Whether this line applies to the payload type {@code pt} (its own number, or {@code *}). */
    public boolean appliesTo(String pt) {
        return WILDCARD.equals(payloadType) || payloadType.equals(pt);
    }

    static RtcpFb parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp <= 0 || sp == s.length() - 1) {
            throw new SdpException("a=rtcp-fb must be '<pt> <feedback>', got '" + s + "'");
        }
        String pt = s.substring(0, sp);
        if (!WILDCARD.equals(pt)) {
            Syntax.integer(pt, 0, 127, "rtcp-fb payload type");
        }
        String val = s.substring(sp + 1);
        int sp2 = val.indexOf(' ');
        String type = sp2 < 0 ? val : val.substring(0, sp2);
        String param = sp2 < 0 ? null : val.substring(sp2 + 1);
        return Syntax.construct(() -> new RtcpFb(pt, new RtcpFeedback(type, param)));
    }

    public String format() {
        return payloadType + ' ' + feedback.format();
    }
}
