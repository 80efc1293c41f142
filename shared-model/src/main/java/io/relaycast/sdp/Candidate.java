package io.relaycast.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * An ICE candidate (RFC 8839 §5.1):
 * {@code <foundation> <component> <transport> <priority> <address> <port> typ <type>
 * [raddr <address>] [rport <port>] *(<extension name> <extension value>)}, e.g.
 * {@code 2841136656 1 udp 1686052607 79.125.240.146 60017 typ srflx raddr 192.168.1.102 rport 60017 generation 0 network-id 2}.
 *
 * <p>The same text is an SDP {@code a=candidate:} value and, prefixed with {@code candidate:},
 * the {@code candidate} string of a trickled {@code RTCIceCandidate} (RFC 8840 §4).
 *
 * @param component      1 for RTP, 2 for RTCP (1-256)
 * @param transport      as written ({@code UDP}, {@code udp}, {@code tcp}); compared case-insensitively
 * @param address        IP address or FQDN (mDNS {@code .local} names included)
 * @param type           {@code host}, {@code srflx}, {@code prflx}, {@code relay} or an extension token
 * @param relatedAddress {@code raddr}, or null
 * @param relatedPort    {@code rport}, or null
 * @param extensions     the extension attributes in order ({@code generation}, {@code ufrag},
 *                       {@code network-id}, {@code network-cost}, {@code tcptype}, ...)
 */
public record Candidate(String foundation, int component, String transport, long priority,
                        String address, int port, String type,
                        String relatedAddress, Integer relatedPort, Map<String, String> extensions) {

    public static final String ATTRIBUTE = "candidate";
    public static final String HOST = "host";
    public static final String SRFLX = "srflx";
    public static final String PRFLX = "prflx";
    public static final String RELAY = "relay";

    public Candidate {
        Syntax.require(foundation != null && foundation.length() >= 1 && foundation.length() <= 32
                && allIceChars(foundation), "candidate foundation must be 1 to 32 ice-chars", foundation);
        Syntax.require(component >= 1 && component <= 256, "candidate component outside 1-256", component);
        Syntax.require(Syntax.isToken(transport), "candidate transport must be a token");
        Syntax.require(priority >= 1 && priority <= 0xFFFFFFFFL, "candidate priority outside 1 to 2^32-1");
        Syntax.require(Syntax.isWord(address), "candidate address must be non-empty without spaces");
        Syntax.require(port >= 0 && port <= 65535, "candidate port outside 0-65535", port);
        Syntax.require(Syntax.isToken(type), "candidate type must be a token");
        Syntax.require(relatedAddress == null || Syntax.isWord(relatedAddress), "candidate raddr must be non-empty without spaces");
        Syntax.require(relatedPort == null || (relatedPort >= 0 && relatedPort <= 65535), "candidate rport outside 0-65535");
        Map<String, String> ext = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            Syntax.require(Syntax.isWord(e.getKey()) && Syntax.isWord(e.getValue()),
                    "candidate extension name and value must be non-empty without spaces");
            ext.put(e.getKey(), e.getValue());
        }
        extensions = Collections.unmodifiableMap(ext);
    }

    /** A host UDP candidate for component 1, as an ICE-lite server advertises its socket (RFC 8445 §5.1.1). */
    public static Candidate host(String foundation, long priority, String address, int port) {
        return new Candidate(foundation, 1, "udp", priority, address, port, HOST, null, null, Map.of());
    }

    /** The same candidate with one more extension attribute (e.g. {@code generation 0}). */
    public Candidate withExtension(String name, String value) {
        Map<String, String> ext = new LinkedHashMap<>(extensions);
        ext.put(name, value);
        return new Candidate(foundation, component, transport, priority, address, port, type,
                relatedAddress, relatedPort, ext);
    }

    public boolean isUdp() {
        return transport.equalsIgnoreCase("udp");
    }

    public boolean isTcp() {
        return transport.equalsIgnoreCase("tcp");
    }

    /** The {@code generation} extension (Chrome writes it; 0 when ICE has not restarted). */
    public OptionalInt generation() {
        String g = extensions.get("generation");
        if (g == null || g.length() > 9 || !Syntax.isDigits(g)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(g));
    }

    /** The {@code tcptype} of a TCP candidate (RFC 6544 §4.5): active, passive or so. */
    public Optional<String> tcpType() {
        return Optional.ofNullable(extensions.get("tcptype"));
    }

    public Optional<String> extension(String name) {
        return Optional.ofNullable(extensions.get(name));
    }

    /** The lower-case type, e.g. {@code host}. */
    public String normalizedType() {
        return type.toLowerCase(Locale.ROOT);
    }

    /** Parses the value of an {@code a=candidate:} attribute (without the {@code candidate:} prefix). */
    public static Candidate parse(String s) throws SdpException {
        List<String> f = Syntax.fields(s, "a=candidate");
        if (f.size() < 8) {
            throw new SdpException("a=candidate needs at least 8 fields "
                    + "(foundation component transport priority address port typ type), got " + f.size());
        }
        String foundation = f.get(0);
        int component = Syntax.integer(f.get(1), 1, 256, "candidate component");
        if (f.get(1).length() > 3) {
            throw new SdpException("candidate component-id longer than 3 digits");
        }
        String transport = f.get(2);
        if (f.get(3).length() > 10) {
            throw new SdpException("candidate priority longer than 10 digits");
        }
        long priority = Syntax.decimal(f.get(3), 1, 0xFFFFFFFFL, "candidate priority");
        String address = f.get(4);
        int port = Syntax.integer(f.get(5), 0, 65535, "candidate port");
        if (!f.get(6).equals("typ")) {
            throw new SdpException("a=candidate seventh field must be 'typ', got '" + f.get(6) + "'");
        }
        String type = f.get(7);
        int i = 8;
        String raddr = null;
        Integer rport = null;
        if (i + 1 < f.size() && f.get(i).equals("raddr")) {
            raddr = f.get(i + 1);
            i += 2;
        }
        if (i + 1 < f.size() && f.get(i).equals("rport")) {
            rport = Syntax.integer(f.get(i + 1), 0, 65535, "candidate rport");
            i += 2;
        }
        if ((f.size() - i) % 2 != 0) {
            throw new SdpException("a=candidate extension '" + f.get(f.size() - 1) + "' has no value");
        }
        Map<String, String> ext = new LinkedHashMap<>();
        for (; i < f.size(); i += 2) {
            ext.put(f.get(i), f.get(i + 1));
        }
        String ra = raddr;
        Integer rp = rport;
        return Syntax.construct(() -> new Candidate(foundation, component, transport, priority, address, port,
                type, ra, rp, ext));
    }

    /**
     * Parses a trickled candidate string as JavaScript's {@code RTCIceCandidate.candidate} gives it
     * ({@code candidate:...}); an {@code a=candidate:} line is accepted too.
     */
    public static Candidate parseTrickled(String s) throws SdpException {
        String v = s.startsWith("a=") ? s.substring(2) : s;
        if (!v.startsWith(ATTRIBUTE + ":")) {
            throw new SdpException("trickled candidate must start with 'candidate:', got '"
                    + v.substring(0, Math.min(v.length(), 20)) + "'");
        }
        return parse(v.substring(ATTRIBUTE.length() + 1));
    }

    /** The attribute value (what follows {@code a=candidate:}). */
    public String format() {
        StringBuilder sb = new StringBuilder(96)
                .append(foundation).append(' ').append(component).append(' ').append(transport).append(' ')
                .append(priority).append(' ').append(address).append(' ').append(port).append(" typ ").append(type);
        if (relatedAddress != null) {
            sb.append(" raddr ").append(relatedAddress);
        }
        if (relatedPort != null) {
            sb.append(" rport ").append(relatedPort);
        }
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            sb.append(' ').append(e.getKey()).append(' ').append(e.getValue());
        }
        return sb.toString();
    }

    /** The trickle form, {@code candidate:<value>}, for an {@code RTCIceCandidate}'s {@code candidate} field. */
    public String toTrickleString() {
        return ATTRIBUTE + ':' + format();
    }

    private static boolean allIceChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Syntax.isIceChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
