package io.relaycast.node.whip;

import io.relaycast.sdp.Candidate;
import io.relaycast.sdp.SdpException;

import java.util.ArrayList;
import java.util.List;

/**
 * An {@code application/trickle-ice-sdpfrag} body (RFC 8840 §9, used by RFC 9725 §4.3.1): the
 * client's ICE ufrag and pwd, its {@code a=mid} / {@code m=} lines, and the candidates it
 * trickles. The node is ICE-lite and learns the client's addresses from its checks (RFC 8445
 * §2.5), so the candidates are only checked to be well-formed, as on the WebSocket.
 */
record TrickleFragment(String ufrag, String pwd, List<Candidate> candidates, boolean endOfCandidates) {
    /** Far more than any client trickles in one request. */
    static final int MAX_LINES = 256;

    static TrickleFragment parse(String body) throws SdpException {
        String ufrag = null;
        String pwd = null;
        boolean end = false;
        List<Candidate> candidates = new ArrayList<>();
        String[] lines = body.split("\r?\n", -1);
        if (lines.length > MAX_LINES) {
            throw new SdpException("more than " + MAX_LINES + " lines");
        }
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=') {
                throw new SdpException("not an SDP line: '" + abbreviate(line) + "'");
            }
            if (line.startsWith("a=ice-ufrag:")) {
                ufrag = line.substring("a=ice-ufrag:".length());
            } else if (line.startsWith("a=ice-pwd:")) {
                pwd = line.substring("a=ice-pwd:".length());
            } else if (line.startsWith("a=candidate:")) {
                candidates.add(Candidate.parseTrickled(line));
            } else if (line.equals("a=end-of-candidates")) {
                end = true;
            }
            // m=, a=mid:, a=ice-options: and anything else (RFC 8840 §9) carry nothing an ICE-lite node needs.
        }
        return new TrickleFragment(ufrag, pwd, List.copyOf(candidates), end);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
