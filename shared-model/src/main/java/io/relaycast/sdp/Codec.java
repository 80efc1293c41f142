package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One payload type of an RTP m-line, assembled from its {@code a=rtpmap} (RFC 8866 §6.6),
 * {@code a=fmtp} (§6.15) and {@code a=rtcp-fb} (RFC 4585 §4.2) lines; for the static payload
 * types of RFC 3551 §6 the rtpmap may be absent and the name comes from that table.
 *
 * <p>An RTX payload type (RFC 4588 §8.6) is a codec named {@code rtx} whose {@code apt}
 * parameter names the payload type it repairs.
 *
 * @param channels   the rtpmap's encoding parameters, or 0 when none were written (audio then
 *                   means one channel, RFC 8866 §6.6)
 * @param parameters fmtp parameters in order (empty without an fmtp line); a parameter without
 *                   {@code =} maps to null
 * @param feedback   rtcp-fb values in order, {@code *} lines included
 */
public record Codec(int payloadType, String name, int clockRate, int channels,
                    Map<String, String> parameters, List<RtcpFeedback> feedback) {

    public static final String RTX = "rtx";

    public Codec {
        Syntax.require(payloadType >= 0 && payloadType <= 127, "RTP payload type outside 0-127", payloadType);
        Syntax.require(Syntax.isToken(name) && name.indexOf('/') < 0, "codec name must be a token without '/'");
        Syntax.require(clockRate > 0, "codec clock rate must be positive");
        Syntax.require(channels >= 0 && channels <= 255, "codec channels outside 0-255");
        parameters = FormatParameters.copy(parameters);
        feedback = List.copyOf(feedback);
    }

    /** A codec without channels, parameters or feedback; add them with the {@code with*} methods. */
    public static Codec of(int payloadType, String name, int clockRate) {
        return new Codec(payloadType, name, clockRate, 0, Map.of(), List.of());
    }

    /** An RTX payload type repairing {@code associatedPayloadType} (RFC 4588 §8.6: {@code apt=}). */
    public static Codec rtx(int payloadType, int associatedPayloadType, int clockRate) {
        return of(payloadType, RTX, clockRate).withParameter("apt", Integer.toString(associatedPayloadType));
    }

    public Codec withChannels(int channelCount) {
        return new Codec(payloadType, name, clockRate, channelCount, parameters, feedback);
    }

    public Codec withPayloadType(int pt) {
        return new Codec(pt, name, clockRate, channels, parameters, feedback);
    }

    /** Adds (or replaces) one fmtp parameter; a null value writes the bare name. */
    public Codec withParameter(String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(parameters);
        p.put(key, value);
        return new Codec(payloadType, name, clockRate, channels, p, feedback);
    }

    public Codec withParameters(Map<String, String> params) {
        return new Codec(payloadType, name, clockRate, channels, params, feedback);
    }

    public Codec withFeedback(String type) {
        return withFeedback(RtcpFeedback.of(type));
    }

    public Codec withFeedback(String type, String parameter) {
        return withFeedback(RtcpFeedback.of(type, parameter));
    }

    public Codec withFeedback(RtcpFeedback fb) {
        List<RtcpFeedback> f = new ArrayList<>(feedback);
        f.add(fb);
        return new Codec(payloadType, name, clockRate, channels, parameters, f);
    }

    public Codec withoutFeedback() {
        return new Codec(payloadType, name, clockRate, channels, parameters, List.of());
    }

    /** Whether this is an RTX (retransmission) payload type. */
    public boolean isRtx() {
        return RTX.equalsIgnoreCase(name);
    }

    /** The {@code apt} parameter: the payload type this RTX (or RED/FEC wrapper) repairs, if present and numeric. */
    public OptionalInt associatedPayloadType() {
        String apt = parameters.get("apt");
        if (apt == null || apt.isEmpty() || apt.length() > 3 || !Syntax.isDigits(apt)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(apt));
    }

    public Optional<String> parameter(String key) {
        return Optional.ofNullable(parameters.get(key));
    }

    /** Whether the codec lists this feedback type and parameter (null for none), e.g. {@code ("nack", "pli")}. */
    public boolean hasFeedback(String type, String parameter) {
        return feedback.contains(new RtcpFeedback(type, parameter));
    }

    /** The codec name in upper case, for comparisons (encoding names are case-insensitive, RFC 4855 §3). */
    public String normalizedName() {
        return name.toUpperCase(Locale.ROOT);
    }

    /** The rtpmap line's value for this codec. */
    public Rtpmap rtpmap() {
        return new Rtpmap(payloadType, name, clockRate, channels);
    }
}
