package io.relaycast.sdp;

/** The media type of an m= line (RFC 8866 §5.14) as WebRTC uses it; anything else is {@link #OTHER}. */
public enum MediaKind {
    AUDIO("audio"),
    VIDEO("video"),
    /** Data channels: {@code m=application 9 UDP/DTLS/SCTP webrtc-datachannel} (RFC 8841). */
    APPLICATION("application"),
    /** A media type WebRTC does not use (text, message, ...); kept verbatim in the m= line. */
    OTHER("");

    private final String sdpName;

    MediaKind(String sdpName) {
        this.sdpName = sdpName;
    }

    /** The name written in the m= line; empty for {@link #OTHER}. */
    public String sdpName() {
        return sdpName;
    }

    /** The kind of an m= line's media field (case-sensitive, as browsers write it). */
    public static MediaKind of(String media) {
        for (MediaKind k : values()) {
            if (k != OTHER && k.sdpName.equals(media)) {
                return k;
            }
        }
        return OTHER;
    }
}
