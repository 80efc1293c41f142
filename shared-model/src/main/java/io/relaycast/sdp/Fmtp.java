package io.relaycast.sdp;

import java.util.Map;

/**
 * {@code a=fmtp:<format> <format specific parameters>} (RFC 8866 §6.15), e.g.
 * {@code a=fmtp:111 minptime=10;useinbandfec=1} or RTX's {@code a=fmtp:97 apt=96} (RFC 4588 §8.6).
 *
 * @param fmt        the format (a payload type number on RTP m-lines)
 * @param parameters the parameters in order; a parameter without {@code =} maps to null
 */
public record Fmtp(String fmt, Map<String, String> parameters) {
    public static final String ATTRIBUTE = "fmtp";

    public Fmtp {
        Syntax.require(Syntax.isToken(fmt), "fmtp format must be a token");
        parameters = FormatParameters.copy(parameters);
    }

    static Fmtp parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp <= 0 || sp == s.length() - 1) {
            throw new SdpException("a=fmtp must be '<format> <parameters>', got '" + s + "'");
        }
        String fmt = Syntax.token(s.substring(0, sp), "fmtp format");
        Map<String, String> params = FormatParameters.parse(s.substring(sp + 1), "a=fmtp");
        return Syntax.construct(() -> new Fmtp(fmt, params));
    }

    public String format() {
        return fmt + ' ' + FormatParameters.format(parameters);
    }
}
