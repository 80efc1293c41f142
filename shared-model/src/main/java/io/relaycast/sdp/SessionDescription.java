package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A whole session description (RFC 8866): the session-level lines, then the m= sections.
 * Immutable. {@link #parse} reads one (JSEP's offers and answers, RFC 8829), {@link #write}
 * writes it back exactly, lines ending in CRLF, and {@link #builder()} makes a new one.
 *
 * <p>Typed accessors read the attributes WebRTC uses; for the transport attributes that may sit
 * at either level, the {@code ...For(MediaDescription)} methods resolve media level, the
 * BUNDLE-tagged m-line (RFC 8843 §7.2) and session level, in that order.
 */
public final class SessionDescription {
    private final Origin origin;
    private final String originValue;
    private final String sessionName;
    private final List<Field> fields;
    private final List<Attribute> attributes;
    private final List<MediaDescription> media;
    private String text;

    SessionDescription(Origin origin, String originValue, String sessionName, List<Field> fields,
                       List<Attribute> attributes, List<MediaDescription> media) {
        this.origin = origin;
        this.originValue = originValue;
        this.sessionName = sessionName;
        this.fields = List.copyOf(fields);
        this.attributes = List.copyOf(attributes);
        this.media = List.copyOf(media);
    }

    /**
     * Parses a description. Lines may end in CRLF or in LF alone (RFC 8866 §5 asks writers for
     * CRLF and readers to accept LF); anything malformed, out of order, duplicated where only one
     * is allowed, or beyond {@link SdpLimits} throws {@link SdpException} with the line number.
     */
    public static SessionDescription parse(String sdp) throws SdpException {
        return SdpParser.parse(sdp);
    }

    /** This description's session level with {@code media} as its m= sections (for the builder). */
    SessionDescription withMedia(List<MediaDescription> sections) {
        return new SessionDescription(origin, originValue, sessionName, fields, attributes, sections);
    }

    public static SessionDescriptionBuilder builder() {
        return new SessionDescriptionBuilder();
    }

    /** {@code v=}: always 0 (RFC 8866 §5.1). */
    public int version() {
        return 0;
    }

    public Origin origin() {
        return origin;
    }

    /** {@code s=}, usually {@code -}. */
    public String sessionName() {
        return sessionName;
    }

    /** Session-level lines other than v=, o=, s= and attributes ({@code i= u= e= p= c= b= t= r= z= k=}), in order. */
    public List<Field> fields() {
        return fields;
    }

    /** The first {@code t=} line. */
    public Timing timing() {
        for (Field f : fields) {
            if (f.type() == 't') {
                return (Timing) f.typed();
            }
        }
        throw new IllegalStateException("a parsed description always has a t= line");
    }

    /** The session-level {@code c=} line. */
    public Optional<Connection> connection() {
        for (Field f : fields) {
            if (f.type() == 'c') {
                return Optional.of((Connection) f.typed());
            }
        }
        return Optional.empty();
    }

    /** Session-level attributes in order. */
    public List<Attribute> attributes() {
        return attributes;
    }

    public Optional<Attribute> attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    public boolean has(String name) {
        return attribute(name).isPresent();
    }

    public List<MediaDescription> media() {
        return media;
    }

    /** The m= section with this mid. */
    public Optional<MediaDescription> media(String mid) {
        for (MediaDescription m : media) {
            if (m.mid().filter(mid::equals).isPresent()) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    // ---- session-level attributes ----

    /** {@code a=group} lines (RFC 5888 §5). */
    public List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.typed() instanceof Group g) {
                out.add(g);
            }
        }
        return out;
    }

    /** The first {@code a=group:BUNDLE} (RFC 8843 §5). */
    public Optional<Group> bundleGroup() {
        for (Group g : groups()) {
            if (g.isBundle()) {
                return Optional.of(g);
            }
        }
        return Optional.empty();
    }

    /** {@code a=ice-lite} (RFC 8839 §5.3): the writer is an ICE-lite agent. */
    public boolean isIceLite() {
        return has(KnownAttributes.ICE_LITE);
    }

    /** {@code a=extmap-allow-mixed} (RFC 8285 §6): one- and two-byte header extensions may be mixed. */
    public boolean extmapAllowMixed() {
        return has(KnownAttributes.EXTMAP_ALLOW_MIXED);
    }

    public Optional<MsidSemantic> msidSemantic() {
        return attribute(MsidSemantic.ATTRIBUTE).map(a -> (MsidSemantic) a.typed());
    }

    /** Session-level {@code a=ice-ufrag}. */
    public Optional<String> iceUfrag() {
        return attribute(KnownAttributes.ICE_UFRAG).map(a -> (String) a.typed());
    }

    /** Session-level {@code a=ice-pwd}. */
    public Optional<String> icePwd() {
        return attribute(KnownAttributes.ICE_PWD).map(a -> (String) a.typed());
    }

    /** Session-level {@code a=ice-options} tags. */
    @SuppressWarnings("unchecked")
    public List<String> iceOptions() {
        return attribute(KnownAttributes.ICE_OPTIONS).map(a -> (List<String>) a.typed()).orElse(List.of());
    }

    /** Session-level {@code a=fingerprint} lines. */
    public List<Fingerprint> fingerprints() {
        List<Fingerprint> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.typed() instanceof Fingerprint f) {
                out.add(f);
            }
        }
        return out;
    }

    /** Session-level {@code a=setup}. */
    public Optional<Setup> setup() {
        return attribute(KnownAttributes.SETUP).map(a -> (Setup) a.typed());
    }

    /** Session-level direction attribute (Firefox 48 writes {@code a=sendrecv} here). */
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

    // ---- values resolved for one m-line ----

    /** The direction of {@code m}: media level, else session level, else sendrecv (RFC 8866 §6.7). */
    public Direction directionOf(MediaDescription m) {
        return m.direction().or(this::direction).orElse(Direction.SENDRECV);
    }

    public Optional<String> iceUfragFor(MediaDescription m) {
        return m.iceUfrag().or(() -> bundleTagOf(m).flatMap(MediaDescription::iceUfrag)).or(this::iceUfrag);
    }

    public Optional<String> icePwdFor(MediaDescription m) {
        return m.icePwd().or(() -> bundleTagOf(m).flatMap(MediaDescription::icePwd)).or(this::icePwd);
    }

    public List<String> iceOptionsFor(MediaDescription m) {
        if (!m.iceOptions().isEmpty()) {
            return m.iceOptions();
        }
        List<String> tagged = bundleTagOf(m).map(MediaDescription::iceOptions).orElse(List.of());
        return tagged.isEmpty() ? iceOptions() : tagged;
    }

    /** Fingerprints of {@code m}: media level, else the BUNDLE tag's, else session level (RFC 8122 §5). */
    public List<Fingerprint> fingerprintsFor(MediaDescription m) {
        if (!m.fingerprints().isEmpty()) {
            return m.fingerprints();
        }
        List<Fingerprint> tagged = bundleTagOf(m).map(MediaDescription::fingerprints).orElse(List.of());
        return tagged.isEmpty() ? fingerprints() : tagged;
    }

    public Optional<Setup> setupFor(MediaDescription m) {
        return m.setup().or(() -> bundleTagOf(m).flatMap(MediaDescription::setup)).or(this::setup);
    }

    /**
     * The BUNDLE-tagged m-line whose transport {@code m} shares: the m-line of the first mid of the
     * BUNDLE group {@code m} is in (RFC 8843 §7.2), when that is another m-line.
     */
    public Optional<MediaDescription> bundleTagOf(MediaDescription m) {
        Optional<String> mid = m.mid();
        if (mid.isEmpty()) {
            return Optional.empty();
        }
        for (Group g : groups()) {
            if (g.isBundle() && g.mids().contains(mid.get()) && !g.mids().get(0).equals(mid.get())) {
                return media(g.mids().get(0));
            }
        }
        return Optional.empty();
    }

    /** The 1-based line number of {@code m}'s m= line, for messages. */
    public int lineNumberOf(MediaDescription m) {
        int line = 4 + fields.size() + attributes.size();
        for (MediaDescription other : media) {
            if (other == m) {
                return line;
            }
            line += other.lineCount();
        }
        return 0;
    }

    // ---- writing ----

    /** The description as text, every line ending in CRLF (RFC 8866 §5). */
    public String write() {
        String t = text;
        if (t == null) {
            StringBuilder sb = new StringBuilder(4096);
            sb.append("v=0\r\n");
            sb.append("o=").append(originValue).append("\r\n");
            sb.append("s=").append(sessionName).append("\r\n");
            for (Field f : fields) {
                sb.append(f.line()).append("\r\n");
            }
            for (Attribute a : attributes) {
                sb.append(a.line()).append("\r\n");
            }
            for (MediaDescription m : media) {
                m.appendTo(sb);
            }
            t = sb.toString();
            text = t;
        }
        return t;
    }

    @Override
    public String toString() {
        return write();
    }

    /** Two descriptions are equal when they write the same text. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SessionDescription s && s.write().equals(write());
    }

    @Override
    public int hashCode() {
        return write().hashCode();
    }
}
