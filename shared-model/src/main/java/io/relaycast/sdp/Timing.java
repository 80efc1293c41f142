package io.relaycast.sdp;

import java.util.List;

/** The {@code t=<start-time> <stop-time>} line (RFC 8866 §5.9); WebRTC always writes {@code t=0 0}. */
public record Timing(long start, long stop) {
    /** {@code t=0 0}: an unbounded, permanent session. */
    public static final Timing PERMANENT = new Timing(0, 0);

    public Timing {
        Syntax.require(start >= 0 && stop >= 0, "t= times are unsigned");
    }

    static Timing parse(String value) throws SdpException {
        List<String> f = Syntax.fields(value, "t= line");
        if (f.size() != 2) {
            throw new SdpException("t= line needs 2 fields (start stop), got " + f.size());
        }
        return new Timing(Syntax.decimal(f.get(0), 0, Long.MAX_VALUE, "t= start"),
                Syntax.decimal(f.get(1), 0, Long.MAX_VALUE, "t= stop"));
    }

    public String format() {
        return start + " " + stop;
    }
}
