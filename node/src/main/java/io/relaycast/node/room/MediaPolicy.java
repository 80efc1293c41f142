package io.relaycast.node.room;

import io.relaycast.sdp.Codec;
import io.relaycast.sdp.Extmap;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaKind;
import io.relaycast.sdp.RtcpFeedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the node forwards and negotiates (PROTOCOL.md "Media negotiation rules"): Opus for audio,
 * VP8 and H264 (packetization-mode 1) for video, RTX, the rtcp-fb types and header extensions
 * the node understands. Everything else a browser offers is left out of the node's SDP.
 */
public final class MediaPolicy {
    public static final String EXT_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    public static final String EXT_RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    public static final String EXT_REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
    public static final String EXT_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    public static final String EXT_TWCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    public static final String EXT_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";

    /** Extensions accepted from publishers. */
    static final Set<String> PUBLISH_EXTENSIONS = Set.of(EXT_MID, EXT_RID, EXT_REPAIRED_RID, EXT_ABS_SEND_TIME,
            EXT_TWCC, EXT_AUDIO_LEVEL);
    /**
     * Extensions carried to subscribers. mid and rid are the publisher's own names for its
     * streams, meaningless to a subscriber, so they are stripped; transport-cc is the publisher
     * link's sequence, so it is stripped too (the subscriber leg is paced by the browser's REMB).
     */
    static final Set<String> FORWARDED_EXTENSIONS = Set.of(EXT_ABS_SEND_TIME, EXT_AUDIO_LEVEL);

    private static final Set<String> FEEDBACK_TYPES = Set.of("nack", "ccm", "transport-cc", "goog-remb");

    private MediaPolicy() {
    }

    /** True for codecs the node can forward, whatever the payload type. */
    static boolean isForwardable(Codec c) {
        String name = c.name().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "opus" -> c.clockRate() == 48000;
            case "vp8" -> c.clockRate() == 90000;
            case "h264" -> c.clockRate() == 90000 && "1".equals(c.parameter("packetization-mode").orElse("0"));
            default -> false;
        };
    }

    /**
     * The one media codec the node accepts on a publisher's m-line, in the node's order of
     * preference: Opus; VP8, then H264 constrained baseline, then any H264 with packetization mode 1.
     * Accepting a single codec means every packet of the track has one payload type to map.
     */
    static Optional<Codec> choosePublishCodec(MediaDescription m) {
        List<Codec> codecs = m.codecs();
        if (m.kind() == MediaKind.AUDIO) {
            return codecs.stream().filter(c -> c.name().equalsIgnoreCase("opus") && isForwardable(c)).findFirst();
        }
        Optional<Codec> vp8 = codecs.stream().filter(c -> c.name().equalsIgnoreCase("vp8")).findFirst();
        if (vp8.isPresent()) {
            return vp8;
        }
        List<Codec> h264 = codecs.stream().filter(c -> c.name().equalsIgnoreCase("h264") && isForwardable(c)).toList();
        return h264.stream().filter(c -> c.parameter("profile-level-id").orElse("").toLowerCase(Locale.ROOT)
                .startsWith("42e0")).findFirst().or(() -> h264.stream().findFirst());
    }

    /** The codec in {@code candidates} that can decode packets of {@code source}, if any. */
    static Optional<Codec> matchingCodec(Codec source, List<Codec> candidates) {
        for (Codec c : candidates) {
            if (!c.name().equalsIgnoreCase(source.name()) || c.clockRate() != source.clockRate()) {
                continue;
            }
            if (source.name().equalsIgnoreCase("h264")) {
                // H264 needs the same packetization mode and profile (RFC 6184 §8.2.2).
                if (!c.parameter("packetization-mode").orElse("0").equals(source.parameter("packetization-mode").orElse("0"))) {
                    continue;
                }
                String want = profileOf(source);
                if (!want.isEmpty() && !profileOf(c).equals(want)) {
                    continue;
                }
            }
            return Optional.of(c);
        }
        return Optional.empty();
    }

    private static String profileOf(Codec c) {
        String plid = c.parameter("profile-level-id").orElse("");
        return plid.length() >= 4 ? plid.substring(0, 4).toLowerCase(Locale.ROOT) : "";
    }

    /** {@code c} with only the rtcp-fb lines the node understands; {@code allowed} narrows further. */
    static Codec keepFeedback(Codec c, Set<String> allowed) {
        Codec out = c.withoutFeedback();
        for (RtcpFeedback fb : c.feedback()) {
            if (FEEDBACK_TYPES.contains(fb.type()) && allowed.contains(fb.type())) {
                if (fb.type().equals("ccm") && !"fir".equals(fb.parameter())) {
                    continue;
                }
                if (fb.type().equals("nack") && fb.parameter() != null && !"pli".equals(fb.parameter())) {
                    continue;
                }
                out = out.withFeedback(fb);
            }
        }
        return out;
    }

    /** The extmaps of {@code m} whose URI is in {@code uris}, with the client's ids. */
    static List<Extmap> extmapsFor(MediaDescription m, Set<String> uris) {
        List<Extmap> out = new ArrayList<>();
        for (Extmap e : m.extmaps()) {
            if (uris.contains(e.uri())) {
                out.add(Extmap.of(e.id(), e.uri()));
            }
        }
        return out;
    }
}
