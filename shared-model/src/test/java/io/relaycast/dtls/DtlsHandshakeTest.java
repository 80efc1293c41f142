package io.relaycast.dtls;

import static io.relaycast.dtls.SimulatedLink.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

import io.relaycast.srtp.SrtpProfile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client and server endpoints over a loss-free simulated link: negotiation, keys, authentication. */
class DtlsHandshakeTest {

    static DtlsCertificate clientCert;
    static DtlsCertificate serverCert;
    static DtlsCertificate strangerCert;
    static DtlsHandshakePool pool;

    @BeforeAll
    static void setUp() {
        SecureRandom random = new SecureRandom();
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        clientCert = DtlsCertificate.generate(random, now);
        serverCert = DtlsCertificate.generate(random, now);
        strangerCert = DtlsCertificate.generate(random, now);
        pool = new DtlsHandshakePool(4, 64, 60_000);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static DtlsEndpoint endpoint(DtlsRole role, DtlsCertificate local, DtlsFingerprint expected,
                                 List<SrtpProfile> profiles) {
        return new DtlsEndpoint(role, local, expected, profiles, pool, () -> { }, new SecureRandom());
    }

    static SimulatedLink link(List<SrtpProfile> clientProfiles, List<SrtpProfile> serverProfiles) {
        return SimulatedLink.perfect(
                endpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(), clientProfiles),
                endpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), serverProfiles));
    }

    static DtlsSrtpKeys connectedKeys(List<DtlsEvent> events) {
        assertEquals(1, events.size(), "events: " + events);
        return assertInstanceOf(DtlsEvent.Connected.class, events.get(0), events.toString()).keys();
    }

    @Test
    void bothOfferingBothProfilesAgreeOnGcmAndEqualKeys() throws Exception {
        SimulatedLink link = link(DtlsEndpoint.DEFAULT_PROFILES, DtlsEndpoint.DEFAULT_PROFILES);
        link.start();
        assertTrue(link.runUntilBothReported());

        DtlsSrtpKeys atClient = connectedKeys(link.clientEvents);
        DtlsSrtpKeys atServer = connectedKeys(link.serverEvents);
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, atClient.profile());
        assertEquals(atClient, atServer);
        // What one side sends with, the other receives with (RFC 5764 §4.2).
        assertArrayEquals(atClient.localKey(DtlsRole.CLIENT), atServer.remoteKey(DtlsRole.SERVER));
        assertArrayEquals(atClient.localSalt(DtlsRole.CLIENT), atServer.remoteSalt(DtlsRole.SERVER));
        assertArrayEquals(atServer.localKey(DtlsRole.SERVER), atClient.remoteKey(DtlsRole.CLIENT));
        assertArrayEquals(atServer.localSalt(DtlsRole.SERVER), atClient.remoteSalt(DtlsRole.CLIENT));
        assertEquals(16, atClient.clientKey().length);
        assertEquals(12, atClient.clientSalt().length);
        assertFalse(java.util.Arrays.equals(atClient.clientKey(), atClient.serverKey()));
        assertEquals(DtlsState.CONNECTED, link.client.state());
        assertEquals(DtlsState.CONNECTED, link.server.state());
        // Loss-free: one full handshake, no retransmission of any kind, deadlines cleared.
        assertEquals(0, link.client.stats().timerRetransmissions());
        assertEquals(0, link.server.stats().timerRetransmissions());
        assertEquals(Long.MAX_VALUE, link.client.nextTimeoutNanos());
        assertEquals(Long.MAX_VALUE, link.server.nextTimeoutNanos());
        // Two round trips: ClientHello, server flight, client flight, server Finished.
        assertEquals(40 * MS, link.now());
    }

    @Test
    void clientOfferingOnlyCmGetsCm() throws Exception {
        SimulatedLink link = link(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80), DtlsEndpoint.DEFAULT_PROFILES);
        link.start();
        assertTrue(link.runUntilBothReported());
        DtlsSrtpKeys keys = connectedKeys(link.clientEvents);
        assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, keys.profile());
        assertEquals(keys, connectedKeys(link.serverEvents));
        assertEquals(14, keys.serverSalt().length);
    }

    @Test
    void serverPreferenceWinsOverClientOrder() throws Exception {
        SimulatedLink link = link(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM),
                List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80));
        link.start();
        assertTrue(link.runUntilBothReported());
        assertEquals(SrtpProfile.AEAD_AES_128_GCM, connectedKeys(link.clientEvents).profile());

        SimulatedLink reversed = link(DtlsEndpoint.DEFAULT_PROFILES,
                List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80, SrtpProfile.AEAD_AES_128_GCM));
        reversed.start();
        assertTrue(reversed.runUntilBothReported());
        assertEquals(SrtpProfile.AES128_CM_HMAC_SHA1_80, connectedKeys(reversed.serverEvents).profile());
    }

    @Test
    void noCommonProfileFailsBothSides() throws Exception {
        SimulatedLink link = link(List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80), List.of(SrtpProfile.AEAD_AES_128_GCM));
        link.start();
        assertTrue(link.runUntilBothReported());
        DtlsEvent.Failed server = assertInstanceOf(DtlsEvent.Failed.class, link.serverEvents.get(0));
        DtlsEvent.Failed client = assertInstanceOf(DtlsEvent.Failed.class, link.clientEvents.get(0));
        assertTrue(server.reason().contains("no common SRTP protection profile"), server.reason());
        assertTrue(client.reason().contains("handshake_failure"), client.reason());
        assertEquals(DtlsState.FAILED, link.client.state());
        assertEquals(DtlsState.FAILED, link.server.state());
    }

    @Test
    void clientRejectsServerWhoseCertificateIsNotTheAnnouncedOne() throws Exception {
        SimulatedLink link = SimulatedLink.perfect(
                endpoint(DtlsRole.CLIENT, clientCert, strangerCert.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES),
                endpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES));
        link.start();
        assertTrue(link.runUntilBothReported());
        DtlsEvent.Failed client = assertInstanceOf(DtlsEvent.Failed.class, link.clientEvents.get(0));
        assertTrue(client.reason().contains("bad_certificate"), client.reason());
        assertTrue(client.reason().contains("does not match the SDP fingerprint"), client.reason());
        DtlsEvent.Failed server = assertInstanceOf(DtlsEvent.Failed.class, link.serverEvents.get(0));
        assertEquals("peer sent fatal alert bad_certificate", server.reason());
        assertEquals(1, link.clientEvents.size());
        assertEquals(1, link.serverEvents.size());
    }

    @Test
    void serverRejectsClientWhoseCertificateIsNotTheAnnouncedOne() throws Exception {
        SimulatedLink link = SimulatedLink.perfect(
                endpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES),
                endpoint(DtlsRole.SERVER, serverCert, strangerCert.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES));
        link.start();
        assertTrue(link.runUntilBothReported());
        DtlsEvent.Failed server = assertInstanceOf(DtlsEvent.Failed.class, link.serverEvents.get(0));
        assertTrue(server.reason().contains("bad_certificate"), server.reason());
        DtlsEvent.Failed client = assertInstanceOf(DtlsEvent.Failed.class, link.clientEvents.get(0));
        assertEquals("peer sent fatal alert bad_certificate", client.reason());
        // Neither side exported keys: no Connected event anywhere.
        assertEquals(1, link.clientEvents.size());
        assertEquals(1, link.serverEvents.size());
    }

    @Test
    void fingerprintOfAnotherHashFunctionIsCheckedWithThatFunction() throws Exception {
        DtlsFingerprint sha384 = DtlsFingerprint.of("sha-384", serverCert.encoded());
        SimulatedLink link = SimulatedLink.perfect(
                endpoint(DtlsRole.CLIENT, clientCert, sha384, DtlsEndpoint.DEFAULT_PROFILES),
                endpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES));
        link.start();
        assertTrue(link.runUntilBothReported());
        assertNotEquals(null, connectedKeys(link.clientEvents));
    }

    @Test
    void closeSendsCloseNotifyAndThePeerReportsClosed() throws Exception {
        SimulatedLink link = link(DtlsEndpoint.DEFAULT_PROFILES, DtlsEndpoint.DEFAULT_PROFILES);
        link.start();
        assertTrue(link.runUntilBothReported());
        link.client.close();
        link.settle();
        assertEquals(DtlsState.CLOSED, link.client.state());
        assertInstanceOf(DtlsEvent.Closed.class, link.clientEvents.get(1));
        assertTrue(link.runUntil(() -> link.serverEvents.size() == 2, 1_000 * MS));
        assertInstanceOf(DtlsEvent.Closed.class, link.serverEvents.get(1));
        assertEquals(DtlsState.CLOSED, link.server.state());
        // Closing twice, or after the end, changes nothing.
        link.client.close();
        link.settle();
        assertEquals(2, link.clientEvents.size());
    }

    @Test
    void flightsArrivingInReverseOrderStillCompleteWithoutRetransmission() throws Exception {
        // Every batch of datagrams arrives back to front: the server sees the client's
        // ChangeCipherSpec and Finished before its CertificateVerify, the client the server's
        // Finished before its ChangeCipherSpec. BouncyCastle alone would drop those records.
        SimulatedLink link = link(DtlsEndpoint.DEFAULT_PROFILES, DtlsEndpoint.DEFAULT_PROFILES);
        link.batchFilter = (toServer, batch) -> {
            List<byte[]> reversed = new java.util.ArrayList<>(batch);
            java.util.Collections.reverse(reversed);
            return reversed;
        };
        link.start();
        assertTrue(link.runUntilBothReported());
        assertEquals(connectedKeys(link.clientEvents), connectedKeys(link.serverEvents));
        assertEquals(0, link.client.stats().timerRetransmissions());
        assertEquals(0, link.server.stats().timerRetransmissions());
        assertEquals(40 * MS, link.now());
    }

    @Test
    void aConnectedServerAnswersTheClientsRetransmissionWhenItsLastFlightWasLost() throws Exception {
        SimulatedLink link = link(DtlsEndpoint.DEFAULT_PROFILES, DtlsEndpoint.DEFAULT_PROFILES);
        boolean[] droppedOnce = {false};
        link.batchFilter = (toServer, batch) -> {
            boolean finalFlight = !batch.isEmpty() && batch.get(0)[0] == DtlsRecords.CHANGE_CIPHER_SPEC;
            if (!toServer && finalFlight && !droppedOnce[0]) {
                droppedOnce[0] = true;
                return List.of();
            }
            return batch;
        };
        link.start();
        assertTrue(link.runUntilBothReported());
        assertTrue(droppedOnce[0]);
        // The server finished at 30 ms; the client resent its flight after 1 s (its timer), and the
        // connected server, which has no timer left, answered it (RFC 6347 §4.2.4).
        assertEquals(connectedKeys(link.clientEvents), connectedKeys(link.serverEvents));
        assertEquals(1, link.client.stats().timerRetransmissions());
        assertEquals(0, link.server.stats().timerRetransmissions());
        assertEquals(Long.MAX_VALUE, link.server.nextTimeoutNanos());
        assertEquals((20 + 1_000 + 20) * MS, link.now());
    }

    @Test
    void secondStartIsAProgrammingError() {
        DtlsEndpoint e = endpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), DtlsEndpoint.DEFAULT_PROFILES);
        e.start(0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> e.start(1));
        e.close();
    }
}
