package io.relaycast.sdp;

import java.util.Optional;

/**
 * An RTP header extension mapping (RFC 8285 §8):
 * {@code a=extmap:<id>[/<direction>] <URI> [<extensionattributes>]}, e.g.
 * {@code a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid} or Firefox's
 * {@code a=extmap:4/sendonly urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id}.
 *
 * @param id         local identifier: 1-14 fit the one-byte header form, 1-255 the two-byte form
 *                   (RFC 8285 §4.2, §4.3); 4096-4351 is the range RFC 5285 set aside for
 *                   negotiation in offers, still accepted on input
 * @param direction  direction of the extension, or null when the line gives none
 * @param uri        the extension name
 * @param attributes extension attributes after the URI, or null
 */
public record Extmap(int id, Direction direction, String uri, String attributes) {
    public static final String ATTRIBUTE = "extmap";

    public Extmap {
        Syntax.require((id >= 1 && id <= 255) || (id >= 4096 && id <= 4351),
                "extmap id " + id + " outside 1-255 and 4096-4351 (RFC 8285)");
        Syntax.require(Syntax.isWord(uri), "extmap URI must be non-empty without spaces");
        Syntax.require(attributes == null || (!attributes.isEmpty() && Syntax.isByteString(attributes)),
                "extmap attributes must be a non-empty byte-string");
    }

    /** {@code a=extmap:<id> <uri>}. */
    public static Extmap of(int id, String uri) {
        return new Extmap(id, null, uri, null);
    }

    public Optional<Direction> directionIfGiven() {
        return Optional.ofNullable(direction);
    }

    static Extmap parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp <= 0) {
            throw new SdpException("a=extmap must be '<id>[/<direction>] <uri>', got '" + s + "'");
        }
        String entry = s.substring(0, sp);
        String rest = s.substring(sp + 1);
        int slash = entry.indexOf('/');
        Direction dir = null;
        String idText = entry;
        if (slash >= 0) {
            idText = entry.substring(0, slash);
            String d = entry.substring(slash + 1);
            dir = Direction.fromName(d).orElseThrow(() -> new SdpException("unknown extmap direction '" + d + "'"));
        }
        // RFC 8285 §8: mapentry = "extmap:" 1*5DIGIT
        if (idText.length() > 5) {
            throw new SdpException("extmap id '" + idText + "' longer than 5 digits");
        }
        int id = Syntax.integer(idText, 0, 99999, "extmap id");
        int sp2 = rest.indexOf(' ');
        String uri = sp2 < 0 ? rest : rest.substring(0, sp2);
        String attrs = sp2 < 0 ? null : rest.substring(sp2 + 1);
        Direction direction = dir;
        return Syntax.construct(() -> new Extmap(id, direction, uri, attrs));
    }

    public String format() {
        StringBuilder sb = new StringBuilder().append(id);
        if (direction != null) {
            sb.append('/').append(direction.attributeName());
        }
        sb.append(' ').append(uri);
        if (attributes != null) {
            sb.append(' ').append(attributes);
        }
        return sb.toString();
    }
}
