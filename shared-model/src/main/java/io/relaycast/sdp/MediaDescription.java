package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One m= section (RFC 8866 §5.14) with its lines in the order written, and typed views of the
 * attributes WebRTC uses. Immutable; read one from {@link SessionDescription#parse} or make
 * one with {@link #builder(MediaKind)}.
 *
 * <p>The lines are the source of truth: {@link #write} gives back exactly what was read, and the
 * typed accessors read the (already validated) attributes each time.
 */
public final class MediaDescription {
    private final String mediaLine;
    private final String media;
    private final int port;
    private final int portCount;
    private final String proto;
    private final List<String> formats;
    private final List<Field> fields;
    private final List<Attribute> attributes;
    /** Assembled on first use; the description is immutable so the list never changes. */
    private List<Codec> codecs;

    MediaDescription(String mediaLine, String media, int port, int portCount, String proto, List<String> formats,
                     List<Field> fields, List<Attribute> attributes) {
        this.mediaLine = mediaLine;
        this.media = media;
        this.port = port;
        this.portCount = portCount;
        this.proto = proto;
        this.formats = List.copyOf(formats);
        this.fields = List.copyOf(fields);
        this.attributes = List.copyOf(attributes);
    }

    /** A builder for an m= section of this kind; see {@link MediaDescriptionBuilder} for its defaults. */
    public static MediaDescriptionBuilder builder(MediaKind kind) {
        return new MediaDescriptionBuilder(kind);
    }

    /** A builder for any media type and protocol, e.g. to answer an m-line the node does not support with port 0. */
    public static MediaDescriptionBuilder builder(String media, String proto) {
        return MediaDescriptionBuilder.of(media, proto);
    }

    // ---- m= line (RFC 8866 §5.14) ----

    /** The media field as written ({@code audio}, {@code video}, {@code application}, ...). */
    public String media() {
        return media;
    }

    public MediaKind kind() {
        return MediaKind.of(media);
    }

    public int port() {
        return port;
    }

    /** The {@code /<number of ports>} of the m= line, or 0 when absent. */
    public int portCount() {
        return portCount;
    }

    /** The transport protocol, e.g. {@code UDP/TLS/RTP/SAVPF} or {@code UDP/DTLS/SCTP}. */
    public String proto() {
        return proto;
    }

    /** The formats in m= line order: payload type numbers for RTP, e.g. {@code webrtc-datachannel} for SCTP. */
    public List<String> formats() {
        return formats;
    }

    /** Whether the protocol carries RTP, so the formats are payload types (RFC 8866 §5.14). */
    public boolean isRtp() {
        return isRtpProto(proto);
    }

    static boolean isRtpProto(String proto) {
        for (String part : Syntax.split(proto, '/')) {
            if (part.equals("RTP")) {
                return true;
            }
        }
        return false;
    }

    /** The payload types of an RTP m-line in m= line order (empty for other protocols). */
    public List<Integer> payloadTypes() {
        List<Integer> out = new ArrayList<>();
        if (isRtp()) {
            for (String f : formats) {
                out.add(payloadTypeNumber(f));
            }
        }
        return out;
    }

    /** A format's payload type number, or -1 if it is not one (checked for RTP m-lines when parsed). */
    static int payloadTypeNumber(String fmt) {
        if (fmt.length() > 3 || !Syntax.isDigits(fmt)) {
            return -1;
        }
        int v = Integer.parseInt(fmt);
        return v <= 127 ? v : -1;
    }

    /**
     * Whether the m-line is bundle-only (RFC 8843 §6): port 0 with {@code a=bundle-only} asks to be
     * bundled, it does not reject the media.
     */
    public boolean isBundleOnly() {
        return has(KnownAttributes.BUNDLE_ONLY);
    }

    /** Port 0 without {@code a=bundle-only}: the m-line is rejected or disabled (RFC 3264 §6, RFC 8843 §6). */
    public boolean isRejected() {
        return port == 0 && !isBundleOnly();
    }

    // ---- lines ----

    /** The non-attribute lines after m= ({@code i= c= b= k=}) in order. */
    public List<Field> fields() {
        return fields;
    }

    /** Every attribute in order, including those this package does not model. */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** The first attribute named {@code name}. */
    public Optional<Attribute> attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** All attributes named {@code name}, in order. */
    public List<Attribute> attributes(String name) {
        List<Attribute> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                out.add(a);
            }
        }
        return out;
    }

    /** Whether a property (or any) attribute of that name is present. */
    public boolean has(String name) {
        return attribute(name).isPresent();
    }

    // ---- connection data ----

    /** The media-level {@code c=} line (the session-level one applies when absent). */
    public Optional<Connection> connection() {
        for (Field f : fields) {
            if (f.type() == 'c') {
                return Optional.of((Connection) f.typed());
            }
        }
        return Optional.empty();
    }

    public List<Bandwidth> bandwidths() {
        List<Bandwidth> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.type() == 'b') {
                out.add((Bandwidth) f.typed());
            }
        }
        return out;
    }

    // ---- identification, direction, RTCP ----

    /** {@code a=mid} (RFC 5888 §4). */
    public Optional<String> mid() {
        return typedFirst(KnownAttributes.MID, String.class);
    }

    /** The media-level direction attribute, if any; see {@link SessionDescription#directionOf}. */
    public Optional<Direction> direction() {
        for (Attribute a : attributes) {
            if (a.isFlag()) {
                Optional<Direction> d = Direction.fromName(a.name());
                if (d.isPresent()) {
                    return d;
                }
            }
        }
        return Optional.empty();
    }

    /** {@code a=rtcp-mux} (RFC 5761 §5.1.1): RTP and RTCP share the port. */
    public boolean rtcpMux() {
        return has(KnownAttributes.RTCP_MUX);
    }

    /** {@code a=rtcp-rsize} (RFC 5506 §5): reduced-size RTCP is accepted. */
    public boolean rtcpRsize() {
        return has(KnownAttributes.RTCP_RSIZE);
    }

    // ---- ICE and DTLS (media level; see SessionDescription for the resolved values) ----

    public Optional<String> iceUfrag() {
        return typedFirst(KnownAttributes.ICE_UFRAG, String.class);
    }

    public Optional<String> icePwd() {
        return typedFirst(KnownAttributes.ICE_PWD, String.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> iceOptions() {
        return typedFirst(KnownAttributes.ICE_OPTIONS, List.class).map(l -> (List<String>) l).orElse(List.of());
    }

    /** Every media-level {@code a=fingerprint} (RFC 8122 §5 allows several). */
    public List<Fingerprint> fingerprints() {
        return typedAll(Fingerprint.ATTRIBUTE, Fingerprint.class);
    }

    public Optional<Setup> setup() {
        return typedFirst(KnownAttributes.SETUP, Setup.class);
    }

    /** {@code a=candidate} lines in order (RFC 8839 §5.1). */
    public List<Candidate> candidates() {
        return typedAll(Candidate.ATTRIBUTE, Candidate.class);
    }

    /** {@code a=end-of-candidates} (RFC 8840 §8.2): no more candidates will be trickled. */
    public boolean endOfCandidates() {
        return has(KnownAttributes.END_OF_CANDIDATES);
    }

    // ---- RTP ----

    /**
     * The codecs of an RTP m-line in m= line order, assembled from rtpmap (or the static table of
     * RFC 3551 §6), fmtp and rtcp-fb ({@code *} included). A dynamic payload type without an
     * rtpmap has no name and is left out. Empty for non-RTP m-lines.
     */
    public List<Codec> codecs() {
        List<Codec> c = codecs;
        if (c == null) {
            c = assembleCodecs();
            codecs = c;
        }
        return c;
    }

    private List<Codec> assembleCodecs() {
        if (!isRtp()) {
            return List.of();
        }
        Map<Integer, Rtpmap> rtpmaps = new HashMap<>();
        Map<Integer, Fmtp> fmtps = new HashMap<>();
        List<RtcpFb> feedback = new ArrayList<>();
        for (Attribute a : attributes) {
            Object t = a.typed();
            if (t instanceof Rtpmap r) {
                rtpmaps.putIfAbsent(r.payloadType(), r);
            } else if (t instanceof Fmtp f) {
                int pt = payloadTypeNumber(f.fmt());
                if (pt >= 0) {
                    fmtps.putIfAbsent(pt, f);
                }
            } else if (t instanceof RtcpFb fb) {
                feedback.add(fb);
            }
        }
        // Payload type of each rtcp-fb line, -2 for '*', worked out once rather than per codec.
        int[] feedbackPt = new int[feedback.size()];
        for (int i = 0; i < feedbackPt.length; i++) {
            String fbPt = feedback.get(i).payloadType();
            feedbackPt[i] = RtcpFb.WILDCARD.equals(fbPt) ? -2 : payloadTypeNumber(fbPt);
        }
        List<Codec> out = new ArrayList<>();
        for (String fmt : formats) {
            int pt = payloadTypeNumber(fmt);
            Rtpmap r = rtpmaps.get(pt);
            if (r == null) {
                r = StaticPayloadTypes.lookup(pt);
            }
            if (r == null) {
                continue;
            }
            List<RtcpFeedback> fbs = new ArrayList<>();
            for (int i = 0; i < feedbackPt.length; i++) {
                if (feedbackPt[i] == -2 || feedbackPt[i] == pt) {
                    fbs.add(feedback.get(i).feedback());
                }
            }
            Fmtp f = fmtps.get(pt);
            out.add(new Codec(pt, r.encodingName(), r.clockRate(), r.channels(),
                    f == null ? Map.of() : f.parameters(), fbs));
        }
        return List.copyOf(out);
    }

    /** The codec with payload type {@code pt}. */
    public Optional<Codec> codec(int pt) {
        for (Codec c : codecs()) {
            if (c.payloadType() == pt) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The RTX payload type repairing {@code pt} ({@code a=fmtp:<rtx> apt=<pt>}, RFC 4588 §8.6). */
    public Optional<Codec> rtxFor(int pt) {
        for (Codec c : codecs()) {
            if (c.isRtx() && c.associatedPayloadType().orElse(-1) == pt) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** {@code a=extmap} lines in order (RFC 8285 §8). */
    public List<Extmap> extmaps() {
        return typedAll(Extmap.ATTRIBUTE, Extmap.class);
    }

    /** The extmap for a header-extension URI. */
    public Optional<Extmap> extmap(String uri) {
        for (Extmap e : extmaps()) {
            if (e.uri().equals(uri)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** {@code a=msid} lines (RFC 8830 §2; a track may be in several streams). */
    public List<Msid> msids() {
        return typedAll(Msid.ATTRIBUTE, Msid.class);
    }

    public Optional<Msid> msid() {
        return typedFirst(Msid.ATTRIBUTE, Msid.class);
    }

    /** {@code a=ssrc} lines in order (RFC 5576 §4.1). */
    public List<SsrcAttribute> ssrcs() {
        return typedAll(SsrcAttribute.ATTRIBUTE, SsrcAttribute.class);
    }

    /** The distinct SSRCs named by {@code a=ssrc} lines, in order of first appearance. */
    public List<Long> ssrcIds() {
        Set<Long> ids = new LinkedHashSet<>();
        for (SsrcAttribute s : ssrcs()) {
            ids.add(s.ssrc());
        }
        return List.copyOf(ids);
    }

    /** The value of source attribute {@code attribute} of {@code ssrc} (e.g. its {@code cname}). */
    public Optional<String> ssrcAttribute(long ssrc, String attribute) {
        for (SsrcAttribute s : ssrcs()) {
            if (s.ssrc() == ssrc && s.attribute().equals(attribute)) {
                return s.valueIfGiven();
            }
        }
        return Optional.empty();
    }

    /** {@code a=ssrc-group} lines in order (RFC 5576 §4.2). */
    public List<SsrcGroup> ssrcGroups() {
        return typedAll(SsrcGroup.ATTRIBUTE, SsrcGroup.class);
    }

    /** {@code a=rid} lines in order (RFC 8851). */
    public List<Rid> rids() {
        return typedAll(Rid.ATTRIBUTE, Rid.class);
    }

    /** {@code a=simulcast} (RFC 8853). */
    public Optional<Simulcast> simulcast() {
        return typedFirst(Simulcast.ATTRIBUTE, Simulcast.class);
    }

    // ---- writing ----

    /** The section as written: the m= line and every following line, each ending in CRLF. */
    public String write() {
        StringBuilder sb = new StringBuilder();
        appendTo(sb);
        return sb.toString();
    }

    void appendTo(StringBuilder sb) {
        sb.append("m=").append(mediaLine).append("\r\n");
        for (Field f : fields) {
            sb.append(f.line()).append("\r\n");
        }
        for (Attribute a : attributes) {
            sb.append(a.line()).append("\r\n");
        }
    }

    /** Number of lines this section writes (for locating it in a description). */
    int lineCount() {
        return 1 + fields.size() + attributes.size();
    }

    /** A short name for messages: {@code m=video mid 1}. */
    String label() {
        return "m=" + media + mid().map(m -> " mid " + m).orElse("");
    }

    private <T> Optional<T> typedFirst(String name, Class<T> type) {
        for (Attribute a : attributes) {
            if (a.name().equals(name) && type.isInstance(a.typed())) {
                return Optional.of(type.cast(a.typed()));
            }
        }
        return Optional.empty();
    }

    private <T> List<T> typedAll(String name, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name) && type.isInstance(a.typed())) {
                out.add(type.cast(a.typed()));
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MediaDescription m && m.write().equals(write());
    }

    @Override
    public int hashCode() {
        return write().hashCode();
    }

    @Override
    public String toString() {
        return write();
    }
}
