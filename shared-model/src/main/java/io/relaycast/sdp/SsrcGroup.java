package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code a=ssrc-group:<semantics> *(SP <ssrc-id>)} (RFC 5576 §4.2), e.g. {@code FID <media> <rtx>}
 * (RFC 4588 §8.8) or {@code SIM <low> <mid> <high>} for SSRC-signalled simulcast.
 */
public record SsrcGroup(String semantics, List<Long> ssrcs) {
    public static final String ATTRIBUTE = "ssrc-group";
    /** Flow identification: the first SSRC's retransmissions are sent on the second (RFC 5888 / RFC 4588). */
    public static final String FID = "FID";
    /** SSRC-based simulcast layers, lowest first (Chrome's legacy SDP munging). */
    public static final String SIM = "SIM";

    public SsrcGroup {
        Syntax.require(Syntax.isToken(semantics), "ssrc-group semantics must be a token");
        ssrcs = List.copyOf(ssrcs);
        for (long s : ssrcs) {
            Syntax.require(s >= 0 && s <= 0xFFFFFFFFL, "SSRC outside 0 to 2^32-1");
        }
    }

    public static SsrcGroup fid(long mediaSsrc, long rtxSsrc) {
        return new SsrcGroup(FID, List.of(mediaSsrc, rtxSsrc));
    }

    static SsrcGroup parse(String s) throws SdpException {
        List<String> f = Syntax.fields(s, "a=ssrc-group");
        List<Long> ssrcs = new ArrayList<>();
        for (String id : f.subList(1, f.size())) {
            ssrcs.add(Syntax.decimal(id, 0, 0xFFFFFFFFL, "ssrc-group ssrc-id"));
        }
        return Syntax.construct(() -> new SsrcGroup(f.get(0), ssrcs));
    }

    public String format() {
        StringBuilder sb = new StringBuilder(semantics);
        for (long s : ssrcs) {
            sb.append(' ').append(s);
        }
        return sb.toString();
    }
}
