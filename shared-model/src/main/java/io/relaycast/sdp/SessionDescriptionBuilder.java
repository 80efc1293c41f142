package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds a session description with typed calls: the node's answers and offers, the load-test
 * clients' offers. Session-level attributes are written in a fixed order
 * ({@code a=ice-lite}, {@code a=group}, {@code a=extmap-allow-mixed}, {@code a=msid-semantic},
 * the ICE and DTLS attributes, then any other), after {@code v=0}, {@code o=}, {@code s=-} and
 * {@code t=0 0}. {@link #build()} reads the text back through the parser.
 */
public final class SessionDescriptionBuilder {
    private Origin origin;
    private String sessionName = "-";
    private Timing timing = Timing.PERMANENT;
    private Connection connection;
    private boolean iceLite;
    private final List<Group> groups = new ArrayList<>();
    private boolean extmapAllowMixed;
    private MsidSemantic msidSemantic;
    private String iceUfrag;
    private String icePwd;
    private List<String> iceOptions;
    private final List<Fingerprint> fingerprints = new ArrayList<>();
    private Setup setup;
    private final List<Attribute> others = new ArrayList<>();
    private final List<MediaDescription> media = new ArrayList<>();

    SessionDescriptionBuilder() {
    }

    /** The {@code o=} line (required). */
    public SessionDescriptionBuilder origin(Origin o) {
        this.origin = Objects.requireNonNull(o);
        return this;
    }

    /** The {@code s=} line; {@code -} by default, as JSEP writes it (RFC 8829 §5.2.1). */
    public SessionDescriptionBuilder sessionName(String name) {
        Syntax.require(name != null && Syntax.isByteString(name), "s= must not contain NUL, CR or LF");
        this.sessionName = name;
        return this;
    }

    public SessionDescriptionBuilder timing(Timing t) {
        this.timing = Objects.requireNonNull(t);
        return this;
    }

    /** A session-level {@code c=} line (none by default; WebRTC puts c= in each m= section). */
    public SessionDescriptionBuilder connection(Connection c) {
        this.connection = c;
        return this;
    }

    /** {@code a=ice-lite} (RFC 8839 §5.3): the node is an ICE-lite agent. */
    public SessionDescriptionBuilder iceLite() {
        this.iceLite = true;
        return this;
    }

    public SessionDescriptionBuilder addGroup(Group g) {
        groups.add(Objects.requireNonNull(g));
        return this;
    }

    /** {@code a=group:BUNDLE <mids>} (RFC 8843 §5); the first mid is the tagged m-line. */
    public SessionDescriptionBuilder bundle(List<String> mids) {
        return addGroup(Group.bundle(mids));
    }

    public SessionDescriptionBuilder extmapAllowMixed() {
        this.extmapAllowMixed = true;
        return this;
    }

    public SessionDescriptionBuilder msidSemantic(MsidSemantic s) {
        this.msidSemantic = s;
        return this;
    }

    /** Session-level {@code a=ice-ufrag} / {@code a=ice-pwd} (RFC 8839 §5.4). */
    public SessionDescriptionBuilder iceCredentials(String ufrag, String pwd) {
        MediaDescriptionBuilder.valued(KnownAttributes.ICE_UFRAG, ufrag);
        MediaDescriptionBuilder.valued(KnownAttributes.ICE_PWD, pwd);
        this.iceUfrag = ufrag;
        this.icePwd = pwd;
        return this;
    }

    public SessionDescriptionBuilder iceOptions(List<String> tags) {
        MediaDescriptionBuilder.valued(KnownAttributes.ICE_OPTIONS, String.join(" ", tags));
        this.iceOptions = List.copyOf(tags);
        return this;
    }

    /** Session-level {@code a=fingerprint} (RFC 8122 §5). */
    public SessionDescriptionBuilder addFingerprint(Fingerprint f) {
        fingerprints.add(Objects.requireNonNull(f));
        return this;
    }

    /** Session-level {@code a=setup} (RFC 4145 §4). */
    public SessionDescriptionBuilder setup(Setup s) {
        this.setup = s;
        return this;
    }

    /** Any other session-level attribute with a value, written after the ones above. */
    public SessionDescriptionBuilder addAttribute(String name, String value) {
        others.add(MediaDescriptionBuilder.valued(name, value));
        return this;
    }

    /** Any other session-level property attribute. */
    public SessionDescriptionBuilder addFlag(String name) {
        others.add(MediaDescriptionBuilder.flag(name));
        return this;
    }

    public SessionDescriptionBuilder addMedia(MediaDescription m) {
        media.add(Objects.requireNonNull(m));
        return this;
    }

    public SessionDescriptionBuilder addMedia(MediaDescriptionBuilder m) {
        return addMedia(m.build());
    }

    /**
     * The description. Its session-level lines are read back through the parser; each m= section
     * already was, by {@link MediaDescriptionBuilder#build} (or came from a parsed description),
     * so it is not parsed a second time: a node offer of ten m-lines is built with about 60 % of
     * the allocation and half the time that parsing the whole text again cost (SdpBuildBenchmark).
     * The description's limits ({@link SdpLimits}) are checked as the parser would.
     *
     * @throws IllegalStateException without an origin, or if the result is not valid SDP
     */
    public SessionDescription build() {
        if (origin == null) {
            throw new IllegalStateException("a description needs an origin (o= line)");
        }
        if (media.size() > SdpLimits.MAX_MEDIA_SECTIONS) {
            throw new IllegalStateException("invalid session description: more than " + SdpLimits.MAX_MEDIA_SECTIONS
                    + " m= sections");
        }
        StringBuilder sb = new StringBuilder(1024);
        line(sb, "v=0");
        line(sb, "o=" + origin.format());
        line(sb, "s=" + sessionName);
        if (connection != null) {
            line(sb, "c=" + connection.format());
        }
        line(sb, "t=" + timing.format());
        if (iceLite) {
            line(sb, "a=" + KnownAttributes.ICE_LITE);
        }
        for (Group g : groups) {
            line(sb, "a=group:" + g.format());
        }
        if (extmapAllowMixed) {
            line(sb, "a=" + KnownAttributes.EXTMAP_ALLOW_MIXED);
        }
        if (msidSemantic != null) {
            line(sb, "a=msid-semantic:" + msidSemantic.format());
        }
        if (iceUfrag != null) {
            line(sb, "a=ice-ufrag:" + iceUfrag);
            line(sb, "a=ice-pwd:" + icePwd);
        }
        if (iceOptions != null) {
            line(sb, "a=ice-options:" + String.join(" ", iceOptions));
        }
        for (Fingerprint f : fingerprints) {
            line(sb, "a=fingerprint:" + f.format());
        }
        if (setup != null) {
            line(sb, "a=setup:" + setup.value());
        }
        for (Attribute a : others) {
            line(sb, a.line());
        }
        SessionDescription described;
        try {
            described = SessionDescription.parse(sb.toString()).withMedia(media);
        } catch (SdpException e) {
            throw new IllegalStateException("invalid session description: " + e.getMessage(), e);
        }
        String text = described.write();
        if (SdpLimits.descriptionTooLarge(text)) {
            throw new IllegalStateException("invalid session description: larger than "
                    + SdpLimits.MAX_DESCRIPTION_BYTES + " bytes");
        }
        return described;
    }

    private static void line(StringBuilder sb, String line) {
        sb.append(line).append("\r\n");
    }
}
