package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one m= section with typed calls and writes its attributes in the order Chrome writes
 * them, whatever the order of the calls (see the offers in {@code shared/test-vectors/sdp}):
 *
 * <pre>
 * m= c= b=
 * a=bundle-only a=rtcp a=candidate... a=end-of-candidates
 * a=ice-ufrag a=ice-pwd a=ice-options a=fingerprint a=setup
 * a=mid a=extmap... a=&lt;direction&gt; a=msid a=rtcp-mux a=rtcp-rsize
 * per codec: a=rtpmap a=rtcp-fb... a=fmtp
 * a=rid... a=simulcast a=ssrc-group... a=ssrc... then any other attribute in call order
 * </pre>
 *
 * Defaults follow JSEP (RFC 8829 §5.2.1): port 9, {@code c=IN IP4 0.0.0.0}, and protocol
 * {@code UDP/TLS/RTP/SAVPF} for audio and video or {@code UDP/DTLS/SCTP} for data channels.
 * {@link #build()} reads the section back through the parser, so what it returns is exactly
 * what a peer will parse.
 */
public final class MediaDescriptionBuilder {
    /** Where an attribute goes in the written section; declaration order is output order. */
    private enum Slot {
        BUNDLE_ONLY, RTCP, CANDIDATE, END_OF_CANDIDATES, ICE_UFRAG, ICE_PWD, ICE_OPTIONS, FINGERPRINT, SETUP,
        MID, EXTMAP, DIRECTION, MSID, RTCP_MUX, RTCP_RSIZE, CODEC, RID, SIMULCAST, SSRC_GROUP, SSRC, OTHER
    }

    private static final Map<String, Slot> SLOT_BY_NAME = Map.ofEntries(
            Map.entry(KnownAttributes.BUNDLE_ONLY, Slot.BUNDLE_ONLY),
            Map.entry(KnownAttributes.RTCP, Slot.RTCP),
            Map.entry(Candidate.ATTRIBUTE, Slot.CANDIDATE),
            Map.entry(KnownAttributes.END_OF_CANDIDATES, Slot.END_OF_CANDIDATES),
            Map.entry(KnownAttributes.ICE_UFRAG, Slot.ICE_UFRAG),
            Map.entry(KnownAttributes.ICE_PWD, Slot.ICE_PWD),
            Map.entry(KnownAttributes.ICE_OPTIONS, Slot.ICE_OPTIONS),
            Map.entry(Fingerprint.ATTRIBUTE, Slot.FINGERPRINT),
            Map.entry(KnownAttributes.SETUP, Slot.SETUP),
            Map.entry(KnownAttributes.MID, Slot.MID),
            Map.entry(Extmap.ATTRIBUTE, Slot.EXTMAP),
            Map.entry("sendrecv", Slot.DIRECTION),
            Map.entry("sendonly", Slot.DIRECTION),
            Map.entry("recvonly", Slot.DIRECTION),
            Map.entry("inactive", Slot.DIRECTION),
            Map.entry(Msid.ATTRIBUTE, Slot.MSID),
            Map.entry(KnownAttributes.RTCP_MUX, Slot.RTCP_MUX),
            Map.entry(KnownAttributes.RTCP_RSIZE, Slot.RTCP_RSIZE),
            Map.entry(Rtpmap.ATTRIBUTE, Slot.CODEC),
            Map.entry(RtcpFb.ATTRIBUTE, Slot.CODEC),
            Map.entry(Fmtp.ATTRIBUTE, Slot.CODEC),
            Map.entry(Rid.ATTRIBUTE, Slot.RID),
            Map.entry(Simulcast.ATTRIBUTE, Slot.SIMULCAST),
            Map.entry(SsrcGroup.ATTRIBUTE, Slot.SSRC_GROUP),
            Map.entry(SsrcAttribute.ATTRIBUTE, Slot.SSRC));

    private final String media;
    private int port = 9;
    private int portCount;
    private String proto;
    private final List<String> formats = new ArrayList<>();
    private Connection connection = Connection.ANY_IP4;
    private final List<Bandwidth> bandwidths = new ArrayList<>();
    private final Map<Slot, List<Attribute>> slots = new EnumMap<>(Slot.class);

    MediaDescriptionBuilder(MediaKind kind) {
        if (kind == MediaKind.OTHER) {
            throw new IllegalArgumentException("use MediaDescriptionBuilder.of(String) for a media type outside audio/video/application");
        }
        this.media = kind.sdpName();
        this.proto = kind == MediaKind.APPLICATION ? "UDP/DTLS/SCTP" : "UDP/TLS/RTP/SAVPF";
        for (Slot s : Slot.values()) {
            slots.put(s, new ArrayList<>());
        }
    }

    private MediaDescriptionBuilder(String media, String proto) {
        Syntax.require(Syntax.isToken(media), "m= media must be a token");
        this.media = media;
        this.proto = proto;
        for (Slot s : Slot.values()) {
            slots.put(s, new ArrayList<>());
        }
    }

    /** A builder for any media type (e.g. to answer an unknown m-line with port 0). */
    public static MediaDescriptionBuilder of(String media, String proto) {
        return new MediaDescriptionBuilder(media, proto);
    }

    // ---- m=, c=, b= ----

    public MediaDescriptionBuilder port(int p) {
        Syntax.require(p >= 0 && p <= 65535, "port outside 0-65535");
        this.port = p;
        return this;
    }

    /** The {@code /<number of ports>} suffix; 0 for none. */
    public MediaDescriptionBuilder portCount(int count) {
        Syntax.require(count >= 0 && count <= 65535, "number of ports outside 0-65535");
        this.portCount = count;
        return this;
    }

    public MediaDescriptionBuilder proto(String p) {
        this.proto = p;
        return this;
    }

    /** Adds a non-RTP format (e.g. {@code webrtc-datachannel}); RTP payload types come from {@link #addCodec}. */
    public MediaDescriptionBuilder addFormat(String format) {
        Syntax.require(Syntax.isToken(format), "format must be a token");
        Syntax.require(!formats.contains(format), "format added twice", format);
        formats.add(format);
        return this;
    }

    /** The {@code c=} line; null for none (then the session-level one applies). */
    public MediaDescriptionBuilder connection(Connection c) {
        this.connection = c;
        return this;
    }

    public MediaDescriptionBuilder addBandwidth(Bandwidth b) {
        bandwidths.add(b);
        return this;
    }

    // ---- transport ----

    /** {@code a=bundle-only} (RFC 8843 §6), usually with port 0. */
    public MediaDescriptionBuilder bundleOnly() {
        return add(Slot.BUNDLE_ONLY, flag(KnownAttributes.BUNDLE_ONLY));
    }

    public MediaDescriptionBuilder addCandidate(Candidate c) {
        return add(Slot.CANDIDATE, Attribute.typed(Candidate.ATTRIBUTE, c.format(), c));
    }

    /** {@code a=end-of-candidates} (RFC 8840 §8.2): an ICE-lite server knows all its candidates up front. */
    public MediaDescriptionBuilder endOfCandidates() {
        return add(Slot.END_OF_CANDIDATES, flag(KnownAttributes.END_OF_CANDIDATES));
    }

    /** {@code a=ice-ufrag} and {@code a=ice-pwd} (RFC 8839 §5.4). */
    public MediaDescriptionBuilder iceCredentials(String ufrag, String pwd) {
        add(Slot.ICE_UFRAG, valued(KnownAttributes.ICE_UFRAG, ufrag));
        return add(Slot.ICE_PWD, valued(KnownAttributes.ICE_PWD, pwd));
    }

    /** {@code a=ice-options} (RFC 8839 §5.6), e.g. {@code trickle}. */
    public MediaDescriptionBuilder iceOptions(List<String> tags) {
        return add(Slot.ICE_OPTIONS, valued(KnownAttributes.ICE_OPTIONS, String.join(" ", tags)));
    }

    public MediaDescriptionBuilder addFingerprint(Fingerprint f) {
        return add(Slot.FINGERPRINT, Attribute.typed(Fingerprint.ATTRIBUTE, f.format(), f));
    }

    public MediaDescriptionBuilder setup(Setup s) {
        return add(Slot.SETUP, Attribute.typed(KnownAttributes.SETUP, s.value(), s));
    }

    // ---- media ----

    public MediaDescriptionBuilder mid(String mid) {
        return add(Slot.MID, valued(KnownAttributes.MID, mid));
    }

    public MediaDescriptionBuilder addExtmap(Extmap e) {
        return add(Slot.EXTMAP, Attribute.typed(Extmap.ATTRIBUTE, e.format(), e));
    }

    public MediaDescriptionBuilder direction(Direction d) {
        return add(Slot.DIRECTION, flag(d.attributeName()));
    }

    public MediaDescriptionBuilder addMsid(Msid m) {
        return add(Slot.MSID, Attribute.typed(Msid.ATTRIBUTE, m.format(), m));
    }

    public MediaDescriptionBuilder rtcpMux() {
        return add(Slot.RTCP_MUX, flag(KnownAttributes.RTCP_MUX));
    }

    public MediaDescriptionBuilder rtcpRsize() {
        return add(Slot.RTCP_RSIZE, flag(KnownAttributes.RTCP_RSIZE));
    }

    /**
     * Adds a payload type to the m= line with its {@code a=rtpmap}, one {@code a=rtcp-fb} per
     * feedback value and, when it has parameters, its {@code a=fmtp}, in that order.
     */
    public MediaDescriptionBuilder addCodec(Codec c) {
        String pt = Integer.toString(c.payloadType());
        Syntax.require(!formats.contains(pt), "payload type added twice", pt);
        formats.add(pt);
        Rtpmap rtpmap = c.rtpmap();
        add(Slot.CODEC, Attribute.typed(Rtpmap.ATTRIBUTE, rtpmap.format(), rtpmap));
        for (RtcpFeedback fb : c.feedback()) {
            RtcpFb line = new RtcpFb(pt, fb);
            add(Slot.CODEC, Attribute.typed(RtcpFb.ATTRIBUTE, line.format(), line));
        }
        if (!c.parameters().isEmpty()) {
            Fmtp fmtp = new Fmtp(pt, c.parameters());
            add(Slot.CODEC, Attribute.typed(Fmtp.ATTRIBUTE, fmtp.format(), fmtp));
        }
        return this;
    }

    public MediaDescriptionBuilder addRid(Rid r) {
        return add(Slot.RID, Attribute.typed(Rid.ATTRIBUTE, r.format(), r));
    }

    public MediaDescriptionBuilder simulcast(Simulcast s) {
        return add(Slot.SIMULCAST, Attribute.typed(Simulcast.ATTRIBUTE, s.format(), s));
    }

    public MediaDescriptionBuilder addSsrcGroup(SsrcGroup g) {
        return add(Slot.SSRC_GROUP, Attribute.typed(SsrcGroup.ATTRIBUTE, g.format(), g));
    }

    public MediaDescriptionBuilder addSsrc(SsrcAttribute s) {
        return add(Slot.SSRC, Attribute.typed(SsrcAttribute.ATTRIBUTE, s.format(), s));
    }

    /** The two lines Chrome writes per SSRC: {@code a=ssrc:<n> cname:<cname>} and {@code a=ssrc:<n> msid:<msid>}. */
    public MediaDescriptionBuilder addSsrc(long ssrc, String cname, Msid msid) {
        addSsrc(SsrcAttribute.cname(ssrc, cname));
        return addSsrc(SsrcAttribute.msid(ssrc, msid));
    }

    // ---- anything else ----

    /**
     * Any attribute with a value, e.g. {@code sctp-port} / {@code 5000} or
     * {@code max-message-size} / {@code 262144} (RFC 8841); a known name goes to its place in the
     * order above and is checked against its grammar.
     *
     * @throws IllegalArgumentException for a malformed value
     */
    public MediaDescriptionBuilder addAttribute(String name, String value) {
        Attribute a = valued(name, value);
        return add(SLOT_BY_NAME.getOrDefault(name, Slot.OTHER), a);
    }

    /** Any property attribute (no value). */
    public MediaDescriptionBuilder addFlag(String name) {
        Attribute a = flag(name);
        return add(SLOT_BY_NAME.getOrDefault(name, Slot.OTHER), a);
    }

    /**
     * The m= section. Its text is read back through the parser, so a section that would not
     * parse (a repeated mid, two extmaps with one id, ...) fails here rather than at the peer.
     *
     * @throws IllegalStateException if the section is not valid SDP
     */
    public MediaDescription build() {
        try {
            return SdpParser.parseMediaSection(lines());
        } catch (SdpException e) {
            throw new IllegalStateException("invalid m= section: " + e.getMessage(), e);
        }
    }

    List<String> lines() {
        if (formats.isEmpty()) {
            throw new IllegalStateException("an m= line needs at least one format (add a codec or a format)");
        }
        List<String> out = new ArrayList<>();
        StringBuilder m = new StringBuilder("m=").append(media).append(' ').append(port);
        if (portCount > 0) {
            m.append('/').append(portCount);
        }
        m.append(' ').append(proto);
        for (String f : formats) {
            m.append(' ').append(f);
        }
        out.add(m.toString());
        if (connection != null) {
            out.add("c=" + connection.format());
        }
        for (Bandwidth b : bandwidths) {
            out.add("b=" + b.format());
        }
        for (Slot s : Slot.values()) {
            for (Attribute a : slots.get(s)) {
                out.add(a.line());
            }
        }
        return out;
    }

    /** Appends to a slot; a second value of an attribute allowed once per section (or a second direction) replaces the first. */
    private MediaDescriptionBuilder add(Slot slot, Attribute a) {
        List<Attribute> list = slots.get(slot);
        if (slot == Slot.DIRECTION) {
            list.clear();
        } else if (KnownAttributes.SINGLETONS.contains(a.name())) {
            list.removeIf(x -> x.name().equals(a.name()));
        }
        list.add(a);
        return this;
    }

    static Attribute valued(String name, String value) {
        try {
            return Attribute.of(name, value);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static Attribute flag(String name) {
        try {
            return Attribute.flag(name);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
