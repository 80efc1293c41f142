package io.relaycast.sdp;

/**
 * One RTCP feedback capability of a codec (RFC 4585 §4.2), e.g. {@code nack}, {@code nack pli},
 * {@code ccm fir} (RFC 5104), {@code transport-cc}, {@code goog-remb}.
 *
 * @param type      the feedback type
 * @param parameter what follows the type (may contain spaces), or null
 */
public record RtcpFeedback(String type, String parameter) {
    public RtcpFeedback {
        Syntax.require(Syntax.isToken(type), "rtcp-fb type must be a token", type);
        Syntax.require(parameter == null || (!parameter.isEmpty() && Syntax.isByteString(parameter)),
                "rtcp-fb parameter must be a non-empty byte-string");
    }

    public static RtcpFeedback of(String type) {
        return new RtcpFeedback(type, null);
    }

    public static RtcpFeedback of(String type, String parameter) {
        return new RtcpFeedback(type, parameter);
    }

    public String format() {
        return parameter == null ? type : type + ' ' + parameter;
    }
}
