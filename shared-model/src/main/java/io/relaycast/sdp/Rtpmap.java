package io.relaycast.sdp;

import java.util.List;

/**
 * {@code a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]}
 * (RFC 8866 §6.6). For audio the encoding parameter is the channel count.
 *
 * @param channels the encoding parameters as a number, or 0 when the line gives none
 */
public record Rtpmap(int payloadType, String encodingName, int clockRate, int channels) {
    public static final String ATTRIBUTE = "rtpmap";

    public Rtpmap {
        Syntax.require(payloadType >= 0 && payloadType <= 127, "RTP payload type outside 0-127", payloadType);
        Syntax.require(Syntax.isToken(encodingName) && encodingName.indexOf('/') < 0,
                "rtpmap encoding name must be a token without '/', got '" + encodingName + "'");
        Syntax.require(clockRate > 0, "rtpmap clock rate must be positive");
        Syntax.require(channels >= 0, "rtpmap channels must not be negative");
    }

    static Rtpmap parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp < 0) {
            throw new SdpException("a=rtpmap must be '<pt> <name>/<rate>[/<params>]', got '" + s + "'");
        }
        int pt = Syntax.integer(s.substring(0, sp), 0, 127, "rtpmap payload type");
        List<String> parts = Syntax.split(s.substring(sp + 1), '/');
        if (parts.size() < 2 || parts.size() > 3) {
            throw new SdpException("a=rtpmap encoding must be <name>/<rate>[/<params>], got '" + s.substring(sp + 1) + "'");
        }
        String name = parts.get(0);
        int rate = Syntax.integer(parts.get(1), 1, Integer.MAX_VALUE, "rtpmap clock rate");
        int channels = parts.size() == 3 ? Syntax.integer(parts.get(2), 1, 255, "rtpmap encoding parameters") : 0;
        return Syntax.construct(() -> new Rtpmap(pt, name, rate, channels));
    }

    public String format() {
        return payloadType + " " + encodingName + '/' + clockRate + (channels > 0 ? "/" + channels : "");
    }
}
