package io.relaycast.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.relaycast.srtp.SrtpProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool's two bounds: handshakes in progress (threads, mostly waiting for the peer) and
 * handshakes computing (permits). A handshake waiting for its peer must not hold a permit, or a
 * join burst is served as many at a time as there are permits, however idle the threads are.
 */
class DtlsHandshakePoolTest {

    static DtlsCertificate clientCert;
    static DtlsCertificate serverCert;

    @BeforeAll
    static void certificates() {
        SecureRandom random = new SecureRandom();
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        clientCert = DtlsCertificate.generate(random, now);
        serverCert = DtlsCertificate.generate(random, now);
    }

    static SimulatedLink link(DtlsHandshakePool pool) {
        return link(pool, DtlsEndpoint.DEFAULT_PROFILES, DtlsEndpoint.DEFAULT_PROFILES);
    }

    static SimulatedLink link(DtlsHandshakePool pool, List<SrtpProfile> clientProfiles,
                              List<SrtpProfile> serverProfiles) {
        return SimulatedLink.perfect(
                new DtlsEndpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(), clientProfiles, pool,
                        () -> { }, new SecureRandom()),
                new DtlsEndpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), serverProfiles, pool,
                        () -> { }, new SecureRandom()));
    }

    static void assertConnected(SimulatedLink link) {
        assertInstanceOf(DtlsEvent.Connected.class, link.clientEvents.get(0), link.clientEvents.toString());
        assertInstanceOf(DtlsEvent.Connected.class, link.serverEvents.get(0), link.serverEvents.toString());
    }

    /** Waits (real time, up to 5 s) for tasks that reported their outcome to end and return their permit. */
    static void assertNoPermitHeld(DtlsHandshakePool pool) throws InterruptedException {
        assertTrue(pool.awaitIdle(5_000));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (pool.computingCount() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(0, pool.computingCount(), "a permit was not given back");
    }

    @Test
    void aHandshakeWaitingForItsPeerGivesItsPermitToAnother() throws Exception {
        // One permit, two threads: the client's handshake holds one thread while it waits for the
        // server's flight, and the server's handshake needs the permit to produce it. A permit
        // kept while waiting would deadlock here (SimulatedLink's settle times out).
        try (DtlsHandshakePool pool = new DtlsHandshakePool(2, 1, 16, 60_000)) {
            SimulatedLink link = link(pool);
            link.start();
            assertEquals(1, pool.activeCount(), "the client's handshake waits for the server on its thread");
            assertEquals(0, pool.computingCount(), "and holds no permit while it waits");
            assertTrue(link.runUntilBothReported());
            assertConnected(link);
            assertNoPermitHeld(pool);
        }
    }

    @Test
    void manyHandshakesWaitAtOnceOnOnePermit() throws Exception {
        try (DtlsHandshakePool pool = new DtlsHandshakePool(16, 1, 16, 60_000)) {
            assertEquals(1, pool.computingPermits());
            assertEquals(16, pool.threads());
            List<SimulatedLink> links = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                SimulatedLink link = link(pool);
                link.start();
                links.add(link);
            }
            // Eight ClientHellos sent, eight threads waiting for their servers, no permit held.
            assertEquals(8, pool.activeCount());
            assertEquals(0, pool.computingCount());
            for (SimulatedLink link : links) {
                assertTrue(link.runUntilBothReported());
                assertConnected(link);
            }
            assertNoPermitHeld(pool);
        }
    }

    @Test
    void failedAndCancelledHandshakesGiveTheirPermitBack() throws Exception {
        try (DtlsHandshakePool pool = new DtlsHandshakePool(4, 1, 16, 60_000)) {
            // No common SRTP profile: both sides fail with an alert.
            SimulatedLink mismatch = link(pool, List.of(SrtpProfile.AES128_CM_HMAC_SHA1_80),
                    List.of(SrtpProfile.AEAD_AES_128_GCM));
            mismatch.start();
            assertTrue(mismatch.runUntilBothReported());
            assertInstanceOf(DtlsEvent.Failed.class, mismatch.clientEvents.get(0));
            assertInstanceOf(DtlsEvent.Failed.class, mismatch.serverEvents.get(0));
            // A client closed while it waits for the server's flight.
            SimulatedLink cancelled = link(pool);
            cancelled.client.start(0);
            assertTrue(cancelled.client.awaitIdle(5_000));
            cancelled.client.close();
            assertTrue(cancelled.client.awaitIdle(5_000));
            assertEquals(DtlsState.CLOSED, cancelled.client.state());

            assertNoPermitHeld(pool);
            SimulatedLink after = link(pool);
            after.start();
            assertTrue(after.runUntilBothReported());
            assertConnected(after);
        }
    }

    @Test
    void boundsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new DtlsHandshakePool(4, 0, 16, 1_000));
        assertThrows(IllegalArgumentException.class, () -> new DtlsHandshakePool(0, 1, 16, 1_000));
        try (DtlsHandshakePool pool = new DtlsHandshakePool(2, 8, 16, 1_000)) {
            assertEquals(2, pool.computingPermits(), "no more permits than threads");
        }
    }
}
