package io.relaycast.sdp;

import java.util.List;

/**
 * {@code a=group:<semantics> *(SP <identification-tag>)} (RFC 5888 §5), above all
 * {@code a=group:BUNDLE 0 1} (RFC 8843 §5): the m-lines, by mid, that share one transport.
 * The first mid of a BUNDLE group is the tagged m-line whose transport the group uses
 * (RFC 8843 §7.2).
 */
public record Group(String semantics, List<String> mids) {
    public static final String ATTRIBUTE = "group";
    public static final String BUNDLE = "BUNDLE";

    public Group {
        Syntax.require(Syntax.isToken(semantics), "group semantics must be a token");
        mids = List.copyOf(mids);
        for (String mid : mids) {
            Syntax.require(Syntax.isToken(mid), "group identification-tag must be a token", mid);
        }
    }

    /** {@code a=group:BUNDLE <mids>}. */
    public static Group bundle(List<String> mids) {
        return new Group(BUNDLE, mids);
    }

    public boolean isBundle() {
        return BUNDLE.equals(semantics);
    }

    static Group parse(String s) throws SdpException {
        List<String> f = Syntax.fields(s, "a=group");
        return Syntax.construct(() -> new Group(f.get(0), f.subList(1, f.size())));
    }

    public String format() {
        StringBuilder sb = new StringBuilder(semantics);
        for (String mid : mids) {
            sb.append(' ').append(mid);
        }
        return sb.toString();
    }
}
