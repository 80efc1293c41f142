package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a session description line by line (RFC 8866 §5), checking the order of line types,
 * every known attribute's grammar and the structural rules that keep the typed view unambiguous.
 */
final class SdpParser {
    private SdpParser() {
    }

    static SessionDescription parse(String text) throws SdpException {
        if (text == null) {
            throw new SdpException("no session description");
        }
        // Bound the work before doing any.
        if (SdpLimits.descriptionTooLarge(text)) {
            throw new SdpException("session description is larger than " + SdpLimits.MAX_DESCRIPTION_BYTES + " bytes");
        }
        LineReader lines = new LineReader(text);
        if (!lines.next() || lines.type() != 'v' || !lines.value().equals("0")) {
            throw new SdpException(Math.max(1, lines.number()), "a description must start with v=0 (RFC 8866 §5.1)");
        }
        if (!lines.next() || lines.type() != 'o') {
            throw new SdpException(lines.number(), "the second line must be o= (RFC 8866 §5.2)");
        }
        String originValue = lines.value();
        Origin origin = at(lines, () -> Origin.parse(originValue));
        if (!lines.next() || lines.type() != 's') {
            throw new SdpException(lines.number(), "the third line must be s= (RFC 8866 §5.3)");
        }
        String sessionName = lines.value();

        Section session = new Section(false, 0);
        List<MediaDescription> media = new ArrayList<>();
        Section current = session;
        String mediaLine = null;
        int mediaLineNumber = 0;
        while (lines.next()) {
            char type = lines.type();
            if (type == 'm') {
                if (current == session && !session.sawTiming) {
                    throw new SdpException(lines.number(), "missing t= line before the first m= (RFC 8866 §5.9)");
                }
                if (current != session) {
                    media.add(current.toMedia(mediaLine));
                }
                if (media.size() >= SdpLimits.MAX_MEDIA_SECTIONS) {
                    throw new SdpException(lines.number(), "more than " + SdpLimits.MAX_MEDIA_SECTIONS + " m= sections");
                }
                mediaLine = lines.value();
                mediaLineNumber = lines.number();
                current = new Section(true, mediaLineNumber);
                current.parseMediaLine(mediaLine);
            } else {
                current.add(type, lines.value(), lines.number());
            }
        }
        if (current == session && !session.sawTiming) {
            throw new SdpException(lines.number() + 1, "missing t= line (RFC 8866 §5.9)");
        }
        if (current != session) {
            media.add(current.toMedia(mediaLine));
        }
        return new SessionDescription(origin, originValue, sessionName, session.fields, session.attributes, media);
    }

    /** Parses one m= section given as lines without line endings (for builders); numbers are 1-based within it. */
    static MediaDescription parseMediaSection(List<String> sectionLines) throws SdpException {
        if (sectionLines.isEmpty() || !sectionLines.get(0).startsWith("m=")) {
            throw new SdpException(1, "an m= section starts with its m= line");
        }
        Section section = null;
        String mediaLine = null;
        for (int i = 0; i < sectionLines.size(); i++) {
            String line = sectionLines.get(i);
            LineReader.check(line, i + 1);
            if (i == 0) {
                mediaLine = line.substring(2);
                section = new Section(true, 1);
                section.parseMediaLine(mediaLine);
            } else if (line.charAt(0) == 'm') {
                throw new SdpException(i + 1, "a second m= line in one m= section");
            } else {
                section.add(line.charAt(0), line.substring(2), i + 1);
            }
        }
        return section.toMedia(mediaLine);
    }

    private interface ValueParser<T> {
        T parse() throws SdpException;
    }

    private static <T> T at(LineReader lines, ValueParser<T> p) throws SdpException {
        try {
            return p.parse();
        } catch (SdpException e) {
            throw e.atLine(lines.number());
        }
    }

    /**
     * Splits text into lines ending in CRLF or LF and checks each line's shape and size in place,
     * so that a line's characters are copied once, into its value.
     */
    static final class LineReader {
        private final String text;
        private int pos;
        private int number;
        private char type;
        private String value;

        LineReader(String text) {
            this.text = text;
        }

        boolean next() throws SdpException {
            if (pos >= text.length()) {
                return false;
            }
            int nl = text.indexOf('\n', pos);
            int end = nl < 0 ? text.length() : nl;
            int lineEnd = end > pos && text.charAt(end - 1) == '\r' ? end - 1 : end;
            number++;
            check(text, pos, lineEnd, number);
            type = text.charAt(pos);
            value = text.substring(pos + 2, lineEnd);
            pos = nl < 0 ? text.length() : nl + 1;
            return true;
        }

        static void check(String line, int number) throws SdpException {
            check(line, 0, line.length(), number);
        }

        /** RFC 8866 §5: {@code <type>=<value>}, type one lower-case letter; no NUL or bare CR. */
        static void check(String s, int from, int to, int number) throws SdpException {
            int len = to - from;
            if (len * 3L > SdpLimits.MAX_LINE_BYTES && Syntax.utf8Length(s, from, to) > SdpLimits.MAX_LINE_BYTES) {
                throw new SdpException(number, "line longer than " + SdpLimits.MAX_LINE_BYTES + " bytes");
            }
            if (len == 0) {
                throw new SdpException(number, "empty line");
            }
            char t = s.charAt(from);
            if (len < 2 || s.charAt(from + 1) != '=' || t < 'a' || t > 'z') {
                throw new SdpException(number, "line must be <type>=<value> with a lower-case type letter (RFC 8866 §5)");
            }
            for (int i = from + 2; i < to; i++) {
                char c = s.charAt(i);
                if (c == 0 || c == '\r') {
                    throw new SdpException(number, "line contains NUL or a bare CR");
                }
            }
        }

        int number() {
            return number;
        }

        char type() {
            return type;
        }

        String value() {
            return value;
        }
    }

    /**
     * The lines of one section (session level or one m= section), checked as they arrive:
     * RFC 8866 §5 fixes the order of line types, and JSEP (RFC 8829 §5.8) asks for a description
     * with an attribute repeated that may appear only once to be rejected.
     */
    private static final class Section {
        // RFC 8866 §5: session "i u e p c b (t r) z k a", media "i c b k a".
        private static final String SESSION_ORDER = "iuepcbtzka";
        private static final String MEDIA_ORDER = "icbka";
        private static final String SESSION_SINGLE = "iuczk";
        private static final String MEDIA_SINGLE = "ik";

        private final boolean isMedia;
        private final int startLine;
        final List<Field> fields = new ArrayList<>();
        final List<Attribute> attributes = new ArrayList<>(64);
        boolean sawTiming;
        private int rank = -1;
        private final Set<Character> seenTypes = new HashSet<>();
        private final Set<String> seenSingletons = new HashSet<>();
        private final Set<Integer> rtpmapPts = new HashSet<>();
        private final Set<String> fmtpFormats = new HashSet<>();
        private final Set<Integer> extmapIds = new HashSet<>();
        private final Set<String> ridIds = new HashSet<>();
        private String direction;

        // m= line
        private String media;
        private int port;
        private int portCount;
        private String proto;
        private List<String> formats;

        Section(boolean isMedia, int startLine) {
            this.isMedia = isMedia;
            this.startLine = startLine;
        }

        /** RFC 8866 §5.14: {@code m=<media> <port>[/<number of ports>] <proto> <fmt> ...}. */
        void parseMediaLine(String value) throws SdpException {
            try {
                List<String> f = Syntax.fields(value, "m= line");
                if (f.size() < 4) {
                    throw new SdpException("m= line needs <media> <port> <proto> and at least one format");
                }
                media = Syntax.token(f.get(0), "m= media");
                String portText = f.get(1);
                int slash = portText.indexOf('/');
                port = Syntax.integer(slash < 0 ? portText : portText.substring(0, slash), 0, 65535, "m= port");
                portCount = slash < 0 ? 0 : Syntax.integer(portText.substring(slash + 1), 1, 65535, "m= number of ports");
                proto = f.get(2);
                for (String part : Syntax.split(proto, '/')) {
                    Syntax.token(part, "m= proto part");
                }
                formats = f.subList(3, f.size());
                boolean rtp = MediaDescription.isRtpProto(proto);
                Set<String> seen = new HashSet<>();
                for (String fmt : formats) {
                    Syntax.token(fmt, "m= format");
                    if (rtp && MediaDescription.payloadTypeNumber(fmt) < 0) {
                        // RFC 8866 §5.14: for RTP profiles the formats are RTP payload type numbers.
                        throw new SdpException("RTP m= format '" + fmt + "' is not a payload type 0-127");
                    }
                    if (!seen.add(rtp ? Integer.toString(MediaDescription.payloadTypeNumber(fmt)) : fmt)) {
                        throw new SdpException("m= format " + fmt + " listed twice");
                    }
                }
            } catch (SdpException e) {
                throw e.atLine(startLine);
            }
        }

        void add(char type, String value, int line) throws SdpException {
            String order = isMedia ? MEDIA_ORDER : SESSION_ORDER;
            char key = type == 'r' ? 't' : type; // r= lines belong to the t= before them
            int r = order.indexOf(key);
            if (r < 0) {
                if ("vosuepmtrz".indexOf(type) >= 0 || (isMedia && type == 'm')) {
                    throw new SdpException(line, type + "= line not allowed " + (isMedia ? "in an m= section" : "here"));
                }
                // RFC 8866 §5: a parser must reject a description with a type letter it does not understand.
                throw new SdpException(line, "unknown line type '" + type + "='");
            }
            if (r < rank) {
                throw new SdpException(line, type + "= line out of order (RFC 8866 §5 fixes the order of lines)");
            }
            if (type == 'r' && !sawTiming) {
                throw new SdpException(line, "r= line without a t= line before it");
            }
            rank = r;
            String single = isMedia ? MEDIA_SINGLE : SESSION_SINGLE;
            if (single.indexOf(type) >= 0 && !seenTypes.add(type)) {
                throw new SdpException(line, "more than one " + type + "= line in a section");
            }
            try {
                if (type == 'a') {
                    addAttribute(Attribute.parseChecked(value), line);
                } else {
                    if (type == 't') {
                        sawTiming = true;
                    }
                    fields.add(Field.parse(type, value));
                }
            } catch (SdpException e) {
                throw e.atLine(line);
            }
        }

        private void addAttribute(Attribute a, int line) throws SdpException {
            String name = a.name();
            if (KnownAttributes.SINGLETONS.contains(name) && !seenSingletons.add(name)) {
                throw new SdpException(line, "a=" + name + " appears more than once in a section");
            }
            if (a.isFlag() && Direction.fromName(name).isPresent()) {
                if (direction != null) {
                    throw new SdpException(line, "a=" + name + " conflicts with a=" + direction + " in the same section");
                }
                direction = name;
            }
            Object t = a.typed();
            if (t instanceof Rtpmap rm && !rtpmapPts.add(rm.payloadType())) {
                throw new SdpException(line, "a second a=rtpmap for payload type " + rm.payloadType());
            }
            if (t instanceof Fmtp fm) {
                int pt = MediaDescription.payloadTypeNumber(fm.fmt());
                if (!fmtpFormats.add(pt >= 0 ? Integer.toString(pt) : fm.fmt())) {
                    throw new SdpException(line, "a second a=fmtp for format " + fm.fmt());
                }
            }
            if (t instanceof Extmap em && !extmapIds.add(em.id())) {
                // RFC 8285 §8: each local identifier maps one extension.
                throw new SdpException(line, "a second a=extmap with id " + em.id());
            }
            if (t instanceof Rid rid && !ridIds.add(rid.id())) {
                // RFC 8851 §4: rid-ids are unique within an m-line.
                throw new SdpException(line, "a second a=rid with id " + rid.id());
            }
            attributes.add(a);
        }

        MediaDescription toMedia(String mediaLine) {
            return new MediaDescription(mediaLine, media, port, portCount, proto, formats, fields, attributes);
        }
    }
}
