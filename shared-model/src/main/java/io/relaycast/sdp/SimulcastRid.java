package io.relaycast.sdp;

/** One rid in an {@code a=simulcast} list (RFC 8853 §5.1: {@code sc-id = [sc-id-paused] rid-id}); {@code ~} marks it paused. */
public record SimulcastRid(String rid, boolean paused) {
    public SimulcastRid {
        Syntax.require(Rid.isRidId(rid), "simulcast rid-id must be 1*(ALPHA / DIGIT / '-' / '_')", rid);
    }

    public static SimulcastRid active(String rid) {
        return new SimulcastRid(rid, false);
    }

    public String format() {
        return paused ? "~" + rid : rid;
    }
}
