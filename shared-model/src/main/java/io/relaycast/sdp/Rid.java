package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code a=rid:<rid-id> <send|recv> [pt=<fmt>,...;<restriction>=<value>;...]} (RFC 8851 §10),
 * e.g. {@code a=rid:h send} or {@code a=rid:f send pt=96;max-width=1280}: one RTP stream of a
 * simulcast m-line, named by the RtpStreamId the sender puts in the
 * {@code urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id} header extension.
 *
 * @param payloadTypes the {@code pt=} list (empty when absent: any payload type of the m-line)
 * @param restrictions the other parameters in order ({@code max-width}, {@code max-fps}, ...);
 *                     a parameter without a value maps to null
 */
public record Rid(String id, RidDirection direction, List<Integer> payloadTypes, Map<String, String> restrictions) {
    public static final String ATTRIBUTE = "rid";

    public Rid {
        Syntax.require(isRidId(id), "rid-id must be 1*(ALPHA / DIGIT / '-' / '_')", id);
        Syntax.require(direction != null, "rid needs a direction");
        payloadTypes = List.copyOf(payloadTypes);
        for (int pt : payloadTypes) {
            Syntax.require(pt >= 0 && pt <= 127, "rid payload type outside 0-127", pt);
        }
        restrictions = FormatParameters.copy(restrictions);
        Syntax.require(!restrictions.containsKey("pt"), "rid payload types go in payloadTypes, not restrictions");
        for (String k : restrictions.keySet()) {
            Syntax.require(isParamName(k), "rid parameter name must be 1*(ALPHA / DIGIT / '-')", k);
        }
    }

    /** {@code a=rid:<id> <direction>} without restrictions. */
    public static Rid of(String id, RidDirection direction) {
        return new Rid(id, direction, List.of(), Map.of());
    }

    /** RFC 8851 §10: rid-id = 1*(alpha-numeric / "-" / "_"). */
    static boolean isRidId(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isParamName(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    static Rid parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp <= 0) {
            throw new SdpException("a=rid must be '<rid-id> <send|recv> [params]', got '" + s + "'");
        }
        String id = s.substring(0, sp);
        String rest = s.substring(sp + 1);
        int sp2 = rest.indexOf(' ');
        RidDirection dir = RidDirection.parse(sp2 < 0 ? rest : rest.substring(0, sp2));
        List<Integer> pts = new ArrayList<>();
        Map<String, String> params = new LinkedHashMap<>();
        if (sp2 >= 0) {
            Map<String, String> all = FormatParameters.parse(rest.substring(sp2 + 1), "a=rid");
            for (Map.Entry<String, String> e : all.entrySet()) {
                if (e.getKey().equals("pt")) {
                    if (e.getValue() == null) {
                        throw new SdpException("a=rid pt= needs payload types");
                    }
                    for (String pt : Syntax.split(e.getValue(), ',')) {
                        pts.add(Syntax.integer(pt.strip(), 0, 127, "rid payload type"));
                    }
                } else {
                    params.put(e.getKey(), e.getValue());
                }
            }
        }
        return Syntax.construct(() -> new Rid(id, dir, pts, params));
    }

    public String format() {
        StringBuilder sb = new StringBuilder(id).append(' ').append(direction.value());
        StringBuilder params = new StringBuilder();
        if (!payloadTypes.isEmpty()) {
            params.append("pt=");
            for (int i = 0; i < payloadTypes.size(); i++) {
                params.append(i == 0 ? "" : ",").append(payloadTypes.get(i));
            }
        }
        if (!restrictions.isEmpty()) {
            params.append(params.length() > 0 ? ";" : "").append(FormatParameters.format(restrictions));
        }
        if (params.length() > 0) {
            sb.append(' ').append(params);
        }
        return sb.toString();
    }
}
