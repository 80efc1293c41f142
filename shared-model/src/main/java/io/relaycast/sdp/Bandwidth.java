package io.relaycast.sdp;

/**
 * The {@code b=<bwtype>:<bandwidth>} line (RFC 8866 §5.8), e.g. {@code b=AS:2500} (kbit/s) or
 * {@code b=TIAS:2500000} (bit/s, RFC 3890).
 */
public record Bandwidth(String type, long value) {
    public Bandwidth {
        Syntax.require(Syntax.isToken(type), "b= bwtype must be a token");
        Syntax.require(value >= 0, "b= bandwidth is unsigned");
    }

    static Bandwidth parse(String s) throws SdpException {
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw new SdpException("b= line must be <bwtype>:<bandwidth>, got '" + s + "'");
        }
        String type = Syntax.token(s.substring(0, colon), "b= bwtype");
        return new Bandwidth(type, Syntax.decimal(s.substring(colon + 1), 0, Long.MAX_VALUE, "b= bandwidth"));
    }

    public String format() {
        return type + ':' + value;
    }
}
