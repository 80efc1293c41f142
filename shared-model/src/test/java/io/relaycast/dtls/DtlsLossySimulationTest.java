package io.relaycast.dtls;

import static io.relaycast.dtls.SimulatedLink.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Handshakes over a seeded network that drops 10% of datagrams and reorders them (10-40 ms
 * delay), stepped in simulated time. Retransmissions must come from the simulated clock through
 * {@code handleTimeout}; with BouncyCastle's own 1 s wall-clock timers these runs would take
 * seconds of real time each.
 */
class DtlsLossySimulationTest {

    static final int SEEDS = 20;

    static DtlsCertificate clientCert;
    static DtlsCertificate serverCert;
    static DtlsHandshakePool pool;

    @BeforeAll
    static void setUp() {
        SecureRandom random = new SecureRandom();
        clientCert = DtlsCertificate.generate(random, Instant.parse("2025-01-01T00:00:00Z"));
        serverCert = DtlsCertificate.generate(random, Instant.parse("2025-01-01T00:00:00Z"));
        pool = new DtlsHandshakePool(4, 64, 60_000);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
    }

    static SimulatedLink lossyLink(long seed) {
        DtlsEndpoint client = new DtlsEndpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(),
                pool, () -> { }, new SecureRandom());
        DtlsEndpoint server = new DtlsEndpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(),
                pool, () -> { }, new SecureRandom());
        return new SimulatedLink(client, server, new Random(seed), 0.10, 10 * MS, 30 * MS);
    }

    @Test
    void handshakesCompleteOverALossyReorderingNetworkInSimulatedTime() throws Exception {
        long totalSimulatedNanos = 0;
        long timerRetransmissions = 0;
        int dropped = 0;
        long wallStart = System.nanoTime();
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimulatedLink link = lossyLink(seed);
            link.start();
            boolean done = link.runUntil(() -> link.clientEvents.size() == 1 && link.serverEvents.size() == 1
                    && link.client.nextTimeoutNanos() == Long.MAX_VALUE, 60_000 * MS);
            String context = "seed " + seed + ": " + link.transcript;
            assertTrue(done, context);
            DtlsSrtpKeys clientKeys = assertInstanceOf(DtlsEvent.Connected.class, link.clientEvents.get(0), context).keys();
            DtlsSrtpKeys serverKeys = assertInstanceOf(DtlsEvent.Connected.class, link.serverEvents.get(0), context).keys();
            assertEquals(clientKeys, serverKeys, context);
            totalSimulatedNanos += link.now();
            long retransmissions = link.client.stats().timerRetransmissions() + link.server.stats().timerRetransmissions();
            // A retransmission happens only once the simulated clock passed the 1 s initial timer.
            assertTrue(retransmissions == 0 || link.now() >= 1_000 * MS, context);
            timerRetransmissions += link.client.stats().timerRetransmissions() + link.server.stats().timerRetransmissions();
            dropped += link.dropped;
            link.client.close();
            link.server.close();
            link.settle();
        }
        long wallNanos = System.nanoTime() - wallStart;
        System.out.printf("DTLS lossy simulation: %d seeds, %d datagrams dropped, %d timer retransmissions, "
                        + "%.1f s simulated, %.2f s real%n", SEEDS, dropped, timerRetransmissions,
                totalSimulatedNanos / 1e9, wallNanos / 1e9);
        // With 10% loss over 20 handshakes some flights are lost; only the simulated clock resent them.
        assertTrue(dropped > 0 && timerRetransmissions > 0, "the network should have forced retransmissions");
        // Each retransmission waited at least the 1 s initial timer of simulated time (RFC 6347
        // §4.2.4.1); with BouncyCastle's own timers that waiting would have been real time, so the
        // runs would take about as long as the simulated time. They must take a fraction of it.
        assertTrue(totalSimulatedNanos >= 1_000 * MS);
        assertTrue(wallNanos < totalSimulatedNanos / 5, "took " + wallNanos / 1e9 + " s of real time for "
                + totalSimulatedNanos / 1e9 + " s of simulated time");
    }

    @Test
    void theSameSeedGivesTheSameRun() throws Exception {
        // Find a seed whose run needs retransmissions, then replay it: the schedule of deliveries,
        // drops, timeouts and events must be identical although key material differs per run.
        for (long seed = 1; seed <= SEEDS; seed++) {
            SimulatedLink first = lossyLink(seed);
            first.start();
            assertTrue(first.runUntil(() -> first.clientEvents.size() == 1 && first.serverEvents.size() == 1
                    && first.client.nextTimeoutNanos() == Long.MAX_VALUE, 60_000 * MS));
            if (first.client.stats().timerRetransmissions() + first.server.stats().timerRetransmissions() == 0) {
                continue;
            }
            SimulatedLink second = lossyLink(seed);
            second.start();
            assertTrue(second.runUntil(() -> second.clientEvents.size() == 1 && second.serverEvents.size() == 1
                    && second.client.nextTimeoutNanos() == Long.MAX_VALUE, 60_000 * MS));
            assertEquals(first.transcript, second.transcript, "seed " + seed);
            // (suppressedRetransmissions is not compared: how often BouncyCastle tries to resend on
            // its own wall clock depends on real time; what reaches the network does not.)
            assertEquals(first.client.stats().timerRetransmissions(), second.client.stats().timerRetransmissions());
            assertEquals(first.server.stats().timerRetransmissions(), second.server.stats().timerRetransmissions());
            return;
        }
        throw new AssertionError("no seed needed a retransmission");
    }
}
