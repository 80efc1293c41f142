package io.relaycast.sdp;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every candidate of the candidate-bearing vectors, field by field, and the candidate grammar (RFC 8839 §5.1). */
class CandidateTest {

    private static Map<String, String> ext(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void chromeCandidatesHostSrflxTcp() {
        MediaDescription m = SdpVectors.parse(SdpVectors.CHROME_SIMULCAST_4M).media().get(0);
        assertEquals(List.of(
                new Candidate("2824354870", 1, "udp", 2122260223L, "192.168.1.102", 60017, "host", null, null,
                        ext("generation", "0", "network-id", "2")),
                new Candidate("427386432", 1, "udp", 2122194687L, "192.168.1.244", 63221, "host", null, null,
                        ext("generation", "0", "network-id", "1", "network-cost", "10")),
                new Candidate("2841136656", 1, "udp", 1686052607L, "79.125.240.146", 60017, "srflx", "192.168.1.102", 60017,
                        ext("generation", "0", "network-id", "2")),
                new Candidate("410588262", 1, "udp", 1685987071L, "79.125.240.146", 63221, "srflx", "192.168.1.244", 63221,
                        ext("generation", "0", "network-id", "1", "network-cost", "10")),
                new Candidate("3600277166", 1, "tcp", 1518280447L, "192.168.1.102", 9, "host", null, null,
                        ext("tcptype", "active", "generation", "0", "network-id", "2")),
                new Candidate("1740014808", 1, "tcp", 1518214911L, "192.168.1.244", 9, "host", null, null,
                        ext("tcptype", "active", "generation", "0", "network-id", "1", "network-cost", "10"))),
                m.candidates());

        Candidate srflx = m.candidates().get(2);
        assertEquals("srflx", srflx.type());
        assertEquals("192.168.1.102", srflx.relatedAddress());
        assertEquals(60017, srflx.relatedPort());
        assertEquals(0, srflx.generation().getAsInt());
        assertEquals(Optional.of("2"), srflx.extension("network-id"));
        assertTrue(srflx.isUdp());
        Candidate tcp = m.candidates().get(4);
        assertTrue(tcp.isTcp());
        assertEquals(Optional.of("active"), tcp.tcpType());
        assertFalse(m.endOfCandidates());
        // Each one writes back to its line.
        List<Attribute> lines = m.attributes("candidate");
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(lines.get(i).value(), m.candidates().get(i).format());
        }
    }

    @Test
    void firefox48CandidatesIncludingRtcpComponent() {
        SessionDescription sdp = SdpVectors.parse(SdpVectors.FIREFOX_48);
        String[][] audio = {
                {"0", "1", "2122252543", "192.168.1.3", "57299"},
                {"1", "1", "2122121471", "192.168.150.1", "61943"},
                {"2", "1", "2122187007", "172.16.0.56", "64853"},
                {"0", "2", "2122252542", "192.168.1.3", "50653"},
                {"1", "2", "2122121470", "192.168.150.1", "54574"},
                {"2", "2", "2122187006", "172.16.0.56", "50553"}};
        String[][] video = {
                {"0", "1", "2122252543", "192.168.1.3", "59464"},
                {"1", "1", "2122121471", "192.168.150.1", "59439"},
                {"2", "1", "2122187007", "172.16.0.56", "49156"},
                {"0", "2", "2122252542", "192.168.1.3", "50838"},
                {"1", "2", "2122121470", "192.168.150.1", "65291"},
                {"2", "2", "2122187006", "172.16.0.56", "63742"}};
        String[][][] expected = {audio, video};
        for (int s = 0; s < 2; s++) {
            MediaDescription m = sdp.media().get(s);
            List<Candidate> cands = m.candidates();
            assertEquals(6, cands.size());
            for (int i = 0; i < 6; i++) {
                String[] e = expected[s][i];
                assertEquals(new Candidate(e[0], Integer.parseInt(e[1]), "UDP", Long.parseLong(e[2]), e[3],
                        Integer.parseInt(e[4]), "host", null, null, Map.of()), cands.get(i));
                assertTrue(cands.get(i).isUdp());
                assertTrue(cands.get(i).generation().isEmpty());
            }
            assertTrue(m.endOfCandidates());
        }
    }

    @Test
    void trickledCandidateStrings() throws SdpException {
        String js = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx raddr 0.0.0.0 rport 0 "
                + "generation 0 ufrag sXP5 network-cost 999";
        Candidate c = Candidate.parseTrickled(js);
        assertEquals("842163049", c.foundation());
        assertEquals("0.0.0.0", c.relatedAddress());
        assertEquals(0, c.relatedPort());
        assertEquals(Optional.of("sXP5"), c.extension("ufrag"));
        assertEquals(js, c.toTrickleString());
        assertEquals(c, Candidate.parseTrickled("a=" + js));
        Candidate mdns = Candidate.parse("1 1 udp 2122262783 5c1fbd4e-1c0e-4a5e-9e05-2c2a1f0d7a11.local 54321 typ host generation 0");
        assertEquals("5c1fbd4e-1c0e-4a5e-9e05-2c2a1f0d7a11.local", mdns.address());
        Candidate relay = Candidate.parse("3 1 udp 41885439 198.51.100.9 3478 typ relay raddr 203.0.113.7 rport 46154");
        assertEquals(Candidate.RELAY, relay.type());
        assertEquals(46154, relay.relatedPort());
        assertThrows(SdpException.class, () -> Candidate.parseTrickled("842163049 1 udp 1 1.2.3.4 1 typ host"));
    }

    @Test
    void hostCandidateOfAnIceLiteServer() throws SdpException {
        Candidate c = Candidate.host("1", 2130706431L, "198.51.100.20", 40000).withExtension("generation", "0");
        assertEquals("1 1 udp 2130706431 198.51.100.20 40000 typ host generation 0", c.format());
        assertEquals(c, Candidate.parse(c.format()));
    }

    @Test
    void malformedCandidatesAreRejected() {
        String[] bad = {
                "",
                "1 1 udp 2130706431 1.2.3.4 40000 typ", // no type
                "1 1 udp 2130706431 1.2.3.4 40000 type host", // not 'typ'
                "1 0 udp 2130706431 1.2.3.4 40000 typ host", // component 0
                "1 1000 udp 2130706431 1.2.3.4 40000 typ host", // component above 3 digits / 256
                "1 1 udp 0 1.2.3.4 40000 typ host", // priority 0
                "1 1 udp 99999999999 1.2.3.4 40000 typ host", // priority above 10 digits
                "1 1 udp 2130706431 1.2.3.4 65536 typ host", // port
                "1 1 udp 2130706431 1.2.3.4 -1 typ host",
                "1 1 udp 2130706431 1.2.3.4 40000 typ host generation", // extension without value
                "1 1 udp 2130706431 1.2.3.4 40000 typ srflx raddr 1.2.3.4 rport x",
                "1 1 udp 2130706431 1.2.3.4  40000 typ host", // double space
                "f*o 1 udp 2130706431 1.2.3.4 40000 typ host", // foundation not ice-chars
                "123456789012345678901234567890123 1 udp 2130706431 1.2.3.4 40000 typ host", // foundation > 32
        };
        for (String s : bad) {
            assertThrows(SdpException.class, () -> Candidate.parse(s), s);
        }
    }
}
