package io.relaycast.dtls;

import static io.relaycast.dtls.DtlsTestRecords.changeCipherSpec;
import static io.relaycast.dtls.DtlsTestRecords.epochOne;
import static io.relaycast.dtls.DtlsTestRecords.fragment;
import static io.relaycast.dtls.DtlsTestRecords.handshake;
import static io.relaycast.dtls.DtlsTestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class InboundRecordOrderTest {

    // RFC 5246 §7.4 handshake types
    static final int CLIENT_HELLO = 1;
    static final int CERTIFICATE = 11;
    static final int CLIENT_KEY_EXCHANGE = 16;
    static final int CERTIFICATE_VERIFY = 15;

    @Test
    void clientHoldsTheServersFinishedUntilItsChangeCipherSpec() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.CLIENT);
        byte[] finished = epochOne(DtlsRecords.HANDSHAKE, 0, 40);
        byte[] ccs = changeCipherSpec(5);
        assertTrue(order.offer(finished).isEmpty(), "epoch 1 before the ChangeCipherSpec waits");
        assertEquals(1, order.held());
        List<byte[]> released = order.offer(ccs);
        assertEquals(2, released.size());
        assertSame(ccs, released.get(0));
        assertSame(finished, released.get(1));
        assertEquals(0, order.held());
        byte[] later = epochOne(DtlsRecords.APPLICATION_DATA, 1, 30);
        assertSame(later, order.offer(later).get(0), "after it, epoch 1 passes straight through");
    }

    @Test
    void serverHoldsTheClientsChangeCipherSpecUntilCertificateVerifyArrived() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        byte[] hello = handshake(0, CLIENT_HELLO, 0, 100);
        byte[] cert = handshake(1, CERTIFICATE, 1, 300);
        byte[] cke = handshake(2, CLIENT_KEY_EXCHANGE, 2, 66);
        byte[] cv = handshake(3, CERTIFICATE_VERIFY, 3, 72);
        byte[] ccs = changeCipherSpec(4);
        byte[] finished = epochOne(DtlsRecords.HANDSHAKE, 0, 40);
        assertEquals(List.of(hello), order.offer(hello));
        assertEquals(List.of(cert), order.offer(cert));
        // Reordered: ChangeCipherSpec and Finished before the rest of the flight.
        assertTrue(order.offer(ccs).isEmpty());
        assertTrue(order.offer(finished).isEmpty());
        assertEquals(List.of(cke), order.offer(cke));
        List<byte[]> released = order.offer(cv);
        assertEquals(List.of(cv, ccs, finished), released);
    }

    @Test
    void serverWaitsForEveryFragmentOfEarlierMessages() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        order.offer(handshake(0, CLIENT_HELLO, 0, 100));
        byte[] certTail = record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 2, fragment(CERTIFICATE, 300, 1, 150, 150));
        byte[] certHead = record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, 1, fragment(CERTIFICATE, 300, 1, 0, 150));
        order.offer(certTail);
        order.offer(handshake(3, CLIENT_KEY_EXCHANGE, 2, 66));
        order.offer(handshake(4, CERTIFICATE_VERIFY, 3, 72));
        byte[] ccs = changeCipherSpec(5);
        assertTrue(order.offer(ccs).isEmpty(), "half a Certificate is not enough");
        assertEquals(List.of(certHead, ccs), order.offer(certHead));
    }

    @Test
    void aRetransmittedChangeCipherSpecReplacesTheHeldOne() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        order.offer(handshake(0, CLIENT_HELLO, 0, 100));
        byte[] oldCcs = changeCipherSpec(4);
        byte[] newCcs = changeCipherSpec(9);
        assertTrue(order.offer(oldCcs).isEmpty());
        assertTrue(order.offer(newCcs).isEmpty());
        assertEquals(1, order.held());
        order.offer(handshake(6, CERTIFICATE, 1, 300));
        order.offer(handshake(7, CLIENT_KEY_EXCHANGE, 2, 66));
        byte[] cv = handshake(8, CERTIFICATE_VERIFY, 3, 72);
        assertEquals(List.of(cv, newCcs), order.offer(cv));
    }

    @Test
    void heldRecordsAreBounded() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.CLIENT);
        for (int i = 0; i < InboundRecordOrder.MAX_HELD + 3; i++) {
            order.offer(epochOne(DtlsRecords.HANDSHAKE, i, 40));
        }
        assertEquals(InboundRecordOrder.MAX_HELD, order.held());
        assertEquals(3, order.dropped());
        assertEquals(InboundRecordOrder.MAX_HELD + 1, order.offer(changeCipherSpec(1)).size());
    }

    @Test
    void alertsAndPlaintextPassThrough() {
        InboundRecordOrder order = new InboundRecordOrder(DtlsRole.SERVER);
        byte[] alert = record(DtlsRecords.ALERT, DtlsRecords.DTLS_1_2, 0, 0, new byte[] {2, 40});
        assertSame(alert, order.offer(alert).get(0));
    }
}
