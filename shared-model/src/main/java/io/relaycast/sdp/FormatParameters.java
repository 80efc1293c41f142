package io.relaycast.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code ;}-separated format parameters of {@code a=fmtp} (RFC 8866 §6.15) and of
 * {@code a=rid} restrictions (RFC 8851 §10), as an insertion-ordered map. A parameter without
 * {@code =} (telephone-event's {@code 0-15}, RED's {@code 111/111}) maps to null.
 */
final class FormatParameters {
    private FormatParameters() {
    }

    /** Parses {@code k=v;k2=v2;flag}; spaces around pieces are trimmed, empty pieces skipped. */
    static Map<String, String> parse(String s, String what) throws SdpException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String piece : Syntax.split(s, ';')) {
            String p = piece.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).strip();
            if (key.isEmpty()) {
                throw new SdpException(what + " has a parameter without a name: '" + s + "'");
            }
            out.put(key, eq < 0 ? null : p.substring(eq + 1).strip());
        }
        return out;
    }

    static String format(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(e.getKey());
            if (e.getValue() != null) {
                sb.append('=').append(e.getValue());
            }
        }
        return sb.toString();
    }

    /** An unmodifiable copy that keeps the order and allows null values. */
    static Map<String, String> copy(Map<String, String> params) {
        for (Map.Entry<String, String> e : params.entrySet()) {
            String k = e.getKey();
            // Only what parse() can return: a formatted map then reads back as the same map.
            Syntax.require(k != null && !k.isEmpty() && k.equals(k.strip()) && k.indexOf(';') < 0
                    && k.indexOf('=') < 0 && Syntax.isByteString(k), "bad format parameter name '" + k + "'");
            String v = e.getValue();
            Syntax.require(v == null || (v.equals(v.strip()) && v.indexOf(';') < 0 && Syntax.isByteString(v)),
                    "bad value for format parameter '" + k + "'");
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }
}
