package io.relaycast.sdp;

import java.util.List;

/**
 * One simulcast stream of an {@code a=simulcast} direction (RFC 8853 §5.1: {@code sc-alt-list},
 * the pieces between {@code ;}), with its alternative rids in preference order (separated by
 * {@code ,}); almost always exactly one.
 */
public record SimulcastStream(List<SimulcastRid> alternatives) {
    public SimulcastStream {
        alternatives = List.copyOf(alternatives);
        Syntax.require(!alternatives.isEmpty(), "a simulcast stream needs at least one rid");
    }

    public static SimulcastStream of(String rid) {
        return new SimulcastStream(List.of(SimulcastRid.active(rid)));
    }

    /** The preferred alternative. */
    public SimulcastRid first() {
        return alternatives.get(0);
    }

    public String format() {
        StringBuilder sb = new StringBuilder();
        for (SimulcastRid r : alternatives) {
            sb.append(sb.length() > 0 ? "," : "").append(r.format());
        }
        return sb.toString();
    }
}
