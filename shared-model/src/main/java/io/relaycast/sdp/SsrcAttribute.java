package io.relaycast.sdp;

import java.util.Optional;

/**
 * {@code a=ssrc:<ssrc-id> <attribute>[:<value>]} (RFC 5576 §4.1), e.g.
 * {@code a=ssrc:3262661846 cname:yFbnkIWTHwPXy6MO} or
 * {@code a=ssrc:3262661846 msid:- 06574f1e-...}.
 *
 * @param ssrc      the SSRC, 0 to 2^32-1
 * @param attribute the source attribute name ({@code cname}, {@code msid}, ...)
 * @param value     its value, or null for a property attribute
 */
public record SsrcAttribute(long ssrc, String attribute, String value) {
    public static final String ATTRIBUTE = "ssrc";
    public static final String CNAME = "cname";
    public static final String MSID = "msid";

    public SsrcAttribute {
        Syntax.require(ssrc >= 0 && ssrc <= 0xFFFFFFFFL, "SSRC outside 0 to 2^32-1");
        Syntax.require(Syntax.isToken(attribute), "ssrc attribute name must be a token", attribute);
        Syntax.require(value == null || Syntax.isByteString(value), "ssrc attribute value must be a byte-string");
    }

    public static SsrcAttribute cname(long ssrc, String cname) {
        return new SsrcAttribute(ssrc, CNAME, cname);
    }

    public static SsrcAttribute msid(long ssrc, Msid msid) {
        return new SsrcAttribute(ssrc, MSID, msid.format());
    }

    public Optional<String> valueIfGiven() {
        return Optional.ofNullable(value);
    }

    /** The value of an {@code msid:} source attribute as an {@link Msid}; empty for another attribute or a malformed value. */
    public Optional<Msid> msid() {
        if (!MSID.equals(attribute) || value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Msid.parse(value));
        } catch (SdpException e) {
            return Optional.empty();
        }
    }

    static SsrcAttribute parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp <= 0 || sp == s.length() - 1) {
            throw new SdpException("a=ssrc must be '<ssrc> <attribute>[:<value>]', got '" + s + "'");
        }
        long ssrc = Syntax.decimal(s.substring(0, sp), 0, 0xFFFFFFFFL, "ssrc-id");
        String attr = s.substring(sp + 1);
        int colon = attr.indexOf(':');
        String name = colon < 0 ? attr : attr.substring(0, colon);
        String value = colon < 0 ? null : attr.substring(colon + 1);
        return Syntax.construct(() -> new SsrcAttribute(ssrc, name, value));
    }

    public String format() {
        return ssrc + " " + attribute + (value == null ? "" : ":" + value);
    }
}
