package io.relaycast.sdp;

import java.util.List;

/**
 * The {@code o=} line (RFC 8866 §5.2):
 * {@code o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>}.
 *
 * <p>The session id and version are kept as their digit strings: the grammar puts no bound on
 * them and browsers use up to 19 digits.
 */
public record Origin(String username, String sessionId, String sessionVersion,
                     String netType, String addrType, String address) {

    public Origin {
        Syntax.require(Syntax.isWord(username), "o= username must be non-empty without spaces");
        Syntax.require(Syntax.isDigits(sessionId), "o= sess-id must be digits", sessionId);
        Syntax.require(Syntax.isDigits(sessionVersion), "o= sess-version must be digits", sessionVersion);
        Syntax.require(Syntax.isToken(netType), "o= nettype must be a token");
        Syntax.require(Syntax.isToken(addrType), "o= addrtype must be a token");
        Syntax.require(Syntax.isWord(address), "o= unicast-address must be non-empty without spaces");
    }

    /** An {@code IN IP4} origin, as browsers and servers write it ({@code o=- <id> <version> IN IP4 127.0.0.1}). */
    public static Origin of(String username, long sessionId, long sessionVersion, String ip4Address) {
        Syntax.require(sessionId >= 0 && sessionVersion >= 0, "o= sess-id and sess-version are unsigned");
        return new Origin(username, Long.toString(sessionId), Long.toString(sessionVersion), "IN", "IP4", ip4Address);
    }

    /** The same origin with another version: each new offer or answer of a session increments it (RFC 3264 §8). */
    public Origin withSessionVersion(long version) {
        Syntax.require(version >= 0, "o= sess-version is unsigned");
        return new Origin(username, sessionId, Long.toString(version), netType, addrType, address);
    }

    static Origin parse(String value) throws SdpException {
        List<String> f = Syntax.fields(value, "o= line");
        if (f.size() != 6) {
            throw new SdpException("o= line needs 6 fields (username sess-id sess-version nettype addrtype address), got " + f.size());
        }
        return Syntax.construct(() -> new Origin(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), f.get(5)));
    }

    /** The value after {@code o=}. */
    public String format() {
        return username + ' ' + sessionId + ' ' + sessionVersion + ' ' + netType + ' ' + addrType + ' ' + address;
    }
}
