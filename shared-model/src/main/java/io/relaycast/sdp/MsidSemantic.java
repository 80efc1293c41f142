package io.relaycast.sdp;

import java.util.List;

/**
 * The legacy session-level {@code a=msid-semantic: WMS [stream ids | *]} (from the msid drafts
 * that preceded RFC 8830; RFC 8830 dropped it but Chrome and Firefox still write it and older
 * Chrome needs it to surface remote streams). Chrome writes a space after the colon, Firefox
 * does not; both are accepted.
 */
public record MsidSemantic(String semantic, List<String> identifiers) {
    public static final String ATTRIBUTE = "msid-semantic";

    public MsidSemantic {
        Syntax.require(Syntax.isToken(semantic), "msid-semantic must be a token");
        identifiers = List.copyOf(identifiers);
        for (String id : identifiers) {
            Syntax.require(Syntax.isToken(id), "msid-semantic identifier must be a token", id);
        }
    }

    /** {@code WMS} with the given stream ids (none, or {@code *} for all). */
    public static MsidSemantic wms(List<String> streamIds) {
        return new MsidSemantic("WMS", streamIds);
    }

    static MsidSemantic parse(String s) throws SdpException {
        String v = s.startsWith(" ") ? s.substring(1) : s;
        List<String> f = Syntax.fields(v, "a=msid-semantic");
        return Syntax.construct(() -> new MsidSemantic(f.get(0), f.subList(1, f.size())));
    }

    /** Chrome's spelling: {@code " WMS id..."} (the leading space is part of the value). */
    public String format() {
        StringBuilder sb = new StringBuilder(" ").append(semantic);
        for (String id : identifiers) {
            sb.append(' ').append(id);
        }
        return sb.toString();
    }
}
