package io.relaycast.sdp;

import java.util.List;

/**
 * The {@code c=<nettype> <addrtype> <connection-address>} line (RFC 8866 §5.7). WebRTC puts
 * the default candidate's address here, or {@code IN IP4 0.0.0.0} before gathering (RFC 8829 §5.2.1).
 */
public record Connection(String netType, String addrType, String address) {
    /** {@code c=IN IP4 0.0.0.0}, what JSEP writes when no candidate is known yet. */
    public static final Connection ANY_IP4 = new Connection("IN", "IP4", "0.0.0.0");

    public Connection {
        Syntax.require(Syntax.isToken(netType), "c= nettype must be a token");
        Syntax.require(Syntax.isToken(addrType), "c= addrtype must be a token");
        Syntax.require(Syntax.isWord(address), "c= connection-address must be non-empty without spaces");
    }

    /** {@code IN IP4 <address>} or {@code IN IP6 <address>}, chosen by whether the address has a colon. */
    public static Connection of(String address) {
        return new Connection("IN", address.indexOf(':') >= 0 ? "IP6" : "IP4", address);
    }

    static Connection parse(String value) throws SdpException {
        List<String> f = Syntax.fields(value, "c= line");
        if (f.size() != 3) {
            throw new SdpException("c= line needs 3 fields (nettype addrtype address), got " + f.size());
        }
        return Syntax.construct(() -> new Connection(f.get(0), f.get(1), f.get(2)));
    }

    public String format() {
        return netType + ' ' + addrType + ' ' + address;
    }
}
