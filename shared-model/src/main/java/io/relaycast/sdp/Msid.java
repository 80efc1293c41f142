package io.relaycast.sdp;

import java.util.List;
import java.util.Optional;

/**
 * {@code a=msid:<stream id> [<track id>]} (RFC 8830 §2): the MediaStream and track an m-line
 * (or, in {@code a=ssrc:<n> msid:...}, an SSRC) belongs to. A stream id of {@code "-"} means
 * the track is in no stream (RFC 8829 §5.2.1).
 *
 * @param streamId the msid-id
 * @param trackId  the msid-appdata, or null when absent
 */
public record Msid(String streamId, String trackId) {
    public static final String ATTRIBUTE = "msid";
    /** The stream id JSEP writes for a track that belongs to no stream. */
    public static final String NO_STREAM = "-";

    public Msid {
        Syntax.require(Syntax.isToken(streamId), "msid stream id must be a token", streamId);
        Syntax.require(trackId == null || Syntax.isToken(trackId), "msid track id must be a token", trackId);
    }

    public Optional<String> trackIdIfGiven() {
        return Optional.ofNullable(trackId);
    }

    /** Parses {@code <stream id> [<track id>]} (also the value of an {@code a=ssrc:<n> msid:} attribute). */
    public static Msid parse(String s) throws SdpException {
        List<String> f = Syntax.fields(s, "msid");
        if (f.size() > 2) {
            throw new SdpException("msid has more than a stream id and a track id: '" + s + "'");
        }
        return Syntax.construct(() -> new Msid(f.get(0), f.size() == 2 ? f.get(1) : null));
    }

    public String format() {
        return trackId == null ? streamId : streamId + ' ' + trackId;
    }
}
