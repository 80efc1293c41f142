package io.relaycast.dtls;

import static io.relaycast.dtls.DtlsTestRecords.changeCipherSpec;
import static io.relaycast.dtls.DtlsTestRecords.concat;
import static io.relaycast.dtls.DtlsTestRecords.epochOne;
import static io.relaycast.dtls.DtlsTestRecords.fragment;
import static io.relaycast.dtls.DtlsTestRecords.handshake;
import static io.relaycast.dtls.DtlsTestRecords.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.relaycast.testing.HostileInputs;
import org.junit.jupiter.api.Test;

class DtlsRecordsTest {

    @Test
    void splitsADatagramIntoItsRecords() throws Exception {
        byte[] a = handshake(7, 1, 0, 40);
        byte[] b = changeCipherSpec(8);
        byte[] c = epochOne(DtlsRecords.HANDSHAKE, 0, 40);
        byte[] d = record(DtlsRecords.APPLICATION_DATA, DtlsRecords.DTLS_1_2, 1, 1, new byte[0]);
        byte[] datagram = concat(new byte[3], a, b, c, d, new byte[2]);
        List<byte[]> records = DtlsRecords.split(datagram, 3, datagram.length - 5);
        assertEquals(4, records.size());
        assertArrayEquals(a, records.get(0));
        assertArrayEquals(b, records.get(1));
        assertArrayEquals(c, records.get(2));
        assertArrayEquals(d, records.get(3));
        assertEquals(0, DtlsRecords.plaintextMessageSeq(a, 0, a.length));
        assertEquals(-1, DtlsRecords.plaintextMessageSeq(b, 0, b.length));
        assertEquals(-1, DtlsRecords.plaintextMessageSeq(c, 0, c.length));
        assertEquals(5, DtlsRecords.plaintextMessageSeq(handshake(1, 11, 5, 3), 0, 28));
    }

    @Test
    void acceptsDtls10RecordsAndFragmentedHandshakes() throws Exception {
        byte[] hello = record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_0, 0, 0, fragment(1, 100, 0, 0, 100));
        assertEquals(1, DtlsRecords.split(hello, 0, hello.length).size());
        byte[] twoFragments = record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 1,
                concat(fragment(11, 300, 1, 0, 100), fragment(11, 300, 1, 100, 50)));
        assertEquals(1, DtlsRecords.split(twoFragments, 0, twoFragments.length).size());
        byte[] emptyMessage = handshake(2, 14, 4, 0); // ServerHelloDone has an empty body
        assertEquals(1, DtlsRecords.split(emptyMessage, 0, emptyMessage.length).size());
    }

    @Test
    void rejectsWhatIsNotWholeDtlsRecords() {
        byte[] good = handshake(7, 1, 0, 40);
        List<byte[]> bad = new ArrayList<>();
        bad.add(new byte[0]);
        bad.add(Arrays.copyOf(good, 12));                                    // shorter than a header
        bad.add(Arrays.copyOf(good, good.length - 1));                       // length runs past the end
        bad.add(concat(good, new byte[5]));                                  // trailing bytes
        bad.add(record(24, DtlsRecords.DTLS_1_2, 0, 0, new byte[4]));        // heartbeat, never negotiated
        bad.add(record(25, DtlsRecords.DTLS_1_2, 0, 0, new byte[4]));        // tls12_cid
        bad.add(record(19, DtlsRecords.DTLS_1_2, 0, 0, new byte[4]));
        bad.add(record(DtlsRecords.HANDSHAKE, 0xfefe, 0, 0, fragment(1, 4, 0, 0, 4))); // reserved version
        bad.add(record(DtlsRecords.HANDSHAKE, 0x0303, 0, 0, fragment(1, 4, 0, 0, 4))); // TLS, not DTLS
        bad.add(record(DtlsRecords.HANDSHAKE, 0xfefc, 0, 0, fragment(1, 4, 0, 0, 4))); // not DTLS 1.0/1.2
        bad.add(record(DtlsRecords.ALERT, DtlsRecords.DTLS_1_2, 0, 0, new byte[0]));   // empty alert
        bad.add(record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 0, new byte[11])); // cut fragment header
        bad.add(record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 0, fragment(1, 10, 0, 5, 6))); // outside message
        bad.add(record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 0,
                Arrays.copyOf(fragment(1, 10, 0, 0, 10), 20)));               // fragment past record
        bad.add(record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 0,
                fragment(11, DtlsRecords.MAX_HANDSHAKE_MESSAGE + 1, 1, 0, 10))); // absurd message size
        byte[] huge = new byte[13 + DtlsRecords.MAX_RECORD_PAYLOAD + 1];
        huge[0] = DtlsRecords.APPLICATION_DATA;
        huge[1] = (byte) 0xfe;
        huge[2] = (byte) 0xfd;
        huge[11] = (byte) ((DtlsRecords.MAX_RECORD_PAYLOAD + 1) >> 8);
        huge[12] = (byte) (DtlsRecords.MAX_RECORD_PAYLOAD + 1);
        bad.add(huge);
        for (int i = 0; i < bad.size(); i++) {
            byte[] b = bad.get(i);
            assertThrows(DtlsException.class, () -> DtlsRecords.split(b, 0, b.length), "case " + i);
        }
        // Encrypted handshake records are opaque: their content is not checked.
        byte[] encrypted = epochOne(DtlsRecords.HANDSHAKE, 3, 5);
        assertTrue(assertDoesNotThrow(encrypted));
    }

    private static boolean assertDoesNotThrow(byte[] b) {
        try {
            DtlsRecords.split(b, 0, b.length);
            return true;
        } catch (DtlsException e) {
            return false;
        }
    }

    @Test
    void hostileDatagramsEndInDtlsException() throws Exception {
        List<byte[]> corpus = realHandshakeDatagrams();
        corpus.add(concat(handshake(7, 1, 0, 40), changeCipherSpec(8), epochOne(DtlsRecords.HANDSHAKE, 0, 40)));
        HostileInputs.Outcome outcome = HostileInputs.check(6347, 100_000, corpus, DtlsException.class,
                input -> DtlsRecords.split(input, 0, input.length));
        assertTrue(outcome.accepted() > 1_000 && outcome.rejected() > 1_000, outcome.toString());
    }

    /** The datagrams of one real handshake between two endpoints. */
    static List<byte[]> realHandshakeDatagrams() throws Exception {
        DtlsCertificate a = DtlsCertificate.generate(new SecureRandom(), Instant.parse("2025-01-01T00:00:00Z"));
        DtlsCertificate b = DtlsCertificate.generate(new SecureRandom(), Instant.parse("2025-01-01T00:00:00Z"));
        try (DtlsHandshakePool pool = new DtlsHandshakePool(2, 4, 1_000)) {
            SimulatedLink link = SimulatedLink.perfect(
                    new DtlsEndpoint(DtlsRole.CLIENT, a, b.fingerprint(), pool, () -> { }, new SecureRandom()),
                    new DtlsEndpoint(DtlsRole.SERVER, b, a.fingerprint(), pool, () -> { }, new SecureRandom()));
            link.start();
            assertTrue(link.runUntilBothReported());
            link.client.close();
            link.settle();
            List<byte[]> datagrams = new ArrayList<>(link.sent);
            for (byte[] d : datagrams) {
                assertEquals(1, DtlsRecords.split(d, 0, d.length).size());
            }
            return datagrams;
        }
    }
}
