package io.relaycast.sdp;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ;}-separated format parameters of {@code a=fmtp} (RFC 8866 §6.15) and of
 * {@code a=rid} restrictions (RFC 8851 §10), as an insertion-ordered, unmodifiable map. A
 * parameter without {@code =} (telephone-event's {@code 0-15}, RED's {@code 111/111}) maps to
 * null.
 *
 * <p>Maps made here are instances of {@link Checked}: already validated and immutable, so the
 * records holding them ({@link Fmtp}, {@link Codec}, {@link Rid}) take them without copying.
 */
final class FormatParameters {
    private FormatParameters() {
    }

    /** Parses {@code k=v;k2=v2;flag}; spaces around pieces are trimmed, empty pieces skipped. */
    static Map<String, String> parse(String s, String what) throws SdpException {
        LinkedHashMap<String, String> out = new LinkedHashMap<>();
        int start = 0;
        while (start <= s.length()) {
            int semi = s.indexOf(';', start);
            int end = semi < 0 ? s.length() : semi;
            String p = s.substring(start, end).strip();
            start = end + 1;
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
        // Keys and values come from a checked line, stripped, without ';', keys without '='.
        return new Checked(out);
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

    /**
     * An unmodifiable copy that keeps the order and allows null values, accepting only what
     * {@link #parse} can return, so that a formatted map reads back as the same map.
     */
    static Map<String, String> copy(Map<String, String> params) {
        if (params instanceof Checked) {
            return params;
        }
        for (Map.Entry<String, String> e : params.entrySet()) {
            String k = e.getKey();
            Syntax.require(k != null && !k.isEmpty() && k.equals(k.strip()) && k.indexOf(';') < 0
                    && k.indexOf('=') < 0 && Syntax.isByteString(k), "bad format parameter name", k);
            String v = e.getValue();
            Syntax.require(v == null || (v.equals(v.strip()) && v.indexOf(';') < 0 && Syntax.isByteString(v)),
                    "bad format parameter value", v);
        }
        return new Checked(new LinkedHashMap<>(params));
    }

    /** A validated, unmodifiable, insertion-ordered parameter map. */
    private static final class Checked extends AbstractMap<String, String> {
        private final Map<String, String> map;

        Checked(LinkedHashMap<String, String> owned) {
            this.map = Collections.unmodifiableMap(owned);
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return map.entrySet();
        }

        @Override
        public String get(Object key) {
            return map.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return map.containsKey(key);
        }

        @Override
        public int size() {
            return map.size();
        }
    }
}
