package io.relaycast.dtls;

import static io.relaycast.dtls.SimulatedLink.MS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Timers on the caller's clock, timeouts, closing, threads and the pool's bounds. */
class DtlsEndpointLifecycleTest {

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

    static DtlsEndpoint client(DtlsHandshakePool on, Runnable wakeup) {
        return new DtlsEndpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(), on, wakeup, new SecureRandom());
    }

    static DtlsEndpoint server(DtlsHandshakePool on, Runnable wakeup) {
        return new DtlsEndpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), on, wakeup, new SecureRandom());
    }

    static List<byte[]> drain(DtlsEndpoint e) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] d = e.pollTransmit(); d != null; d = e.pollTransmit()) {
            out.add(d);
        }
        return out;
    }

    @Test
    void clientHelloIsResentOnTheCallersClockWithExponentialBackoff() throws Exception {
        DtlsEndpoint client = client(pool, () -> { });
        client.start(0);
        assertTrue(client.awaitIdle(5_000));
        List<byte[]> first = drain(client);
        assertEquals(1, first.size());
        byte[] hello = first.get(0);
        assertEquals(DtlsRecords.HANDSHAKE, hello[0]);
        assertEquals(1, hello[DtlsRecords.HEADER_LENGTH], "a ClientHello");

        // The flight left after the caller's last clock reading (0): its timer starts at the next
        // one, which the caller is asked for at once.
        assertEquals(0, client.nextTimeoutNanos());
        client.handleTimeout(0);
        // RFC 6347 §4.2.4.1: 1 s, then doubling. Early calls do nothing.
        long[] expectedDeadlines = {1_000, 3_000, 7_000, 15_000};
        for (int i = 0; i < expectedDeadlines.length; i++) {
            long deadline = expectedDeadlines[i] * MS;
            if (i > 0) {
                long previous = expectedDeadlines[i - 1] * MS;
                assertEquals(previous, client.nextTimeoutNanos(), "the resend's timer waits for the clock " + i);
                client.handleTimeout(previous);
            }
            assertEquals(deadline, client.nextTimeoutNanos(), "deadline " + i);
            client.handleTimeout(deadline - 1);
            assertTrue(client.awaitIdle(5_000));
            assertNull(client.pollTransmit(), "nothing before the deadline");
            client.handleTimeout(deadline);
            assertTrue(client.awaitIdle(5_000));
            List<byte[]> resent = drain(client);
            assertEquals(1, resent.size());
            byte[] again = resent.get(0);
            // Same handshake message, new record sequence number (RFC 6347 §4.2.4 / §4.1).
            assertArrayEquals(Arrays.copyOfRange(hello, 13, hello.length), Arrays.copyOfRange(again, 13, again.length));
            assertFalse(Arrays.equals(Arrays.copyOfRange(hello, 5, 11), Arrays.copyOfRange(again, 5, 11)));
            assertEquals(i + 1, client.stats().timerRetransmissions());
        }
        assertEquals(15_000 * MS, client.nextTimeoutNanos(), "the last resend's timer waits for the clock");
        client.handleTimeout(15_000 * MS);
        // The next doubling (16 s) would pass the 30 s handshake budget, which comes first.
        assertEquals(DtlsEndpoint.HANDSHAKE_TIMEOUT_NANOS, client.nextTimeoutNanos());
        client.handleTimeout(DtlsEndpoint.HANDSHAKE_TIMEOUT_NANOS);
        assertTrue(client.awaitIdle(5_000));
        DtlsEvent.Failed failed = assertInstanceOf(DtlsEvent.Failed.class, client.pollEvent());
        assertTrue(failed.reason().contains("30 s"), failed.reason());
        assertEquals(DtlsState.FAILED, client.state());
        assertEquals(Long.MAX_VALUE, client.nextTimeoutNanos());
        assertNull(client.pollEvent());
    }

    @Test
    void aFlightsTimerRunsFromTheCallersNextClockReadingNotFromTheInputThatCausedIt() throws Exception {
        // The handshake thread may produce a flight long after the input that caused it (waiting
        // for a core in a join burst); the caller sends it at its next poll. Timed from the old
        // input, it would be resent as soon as it left.
        DtlsEndpoint client = client(pool, () -> { });
        client.start(0);
        assertTrue(client.awaitIdle(5_000));
        assertEquals(1, drain(client).size());
        client.handleTimeout(700 * MS);
        assertEquals(1_700 * MS, client.nextTimeoutNanos());
        client.handleTimeout(1_000 * MS);
        assertTrue(client.awaitIdle(5_000));
        assertNull(client.pollTransmit(), "not resent 300 ms after it left");
        assertEquals(0, client.stats().timerRetransmissions());
        client.handleTimeout(1_700 * MS);
        assertTrue(client.awaitIdle(5_000));
        assertEquals(1, drain(client).size());
        assertEquals(1, client.stats().timerRetransmissions());
        client.close();
    }

    @Test
    void realTimePassingResendsNothing() throws Exception {
        // BouncyCastle's own resend timer is 1 ms of wall-clock time here; in 300 ms it would have
        // resent the ClientHello several times if its clock were in charge.
        DtlsEndpoint client = client(pool, () -> { });
        client.start(0);
        assertTrue(client.awaitIdle(5_000));
        assertEquals(1, drain(client).size());
        client.handleTimeout(0); // the caller's clock after sending: the ClientHello's timer starts
        Thread.sleep(300);
        assertTrue(client.awaitIdle(5_000));
        assertNull(client.pollTransmit());
        assertEquals(0, client.stats().timerRetransmissions());
        assertEquals(0, client.stats().suppressedRetransmissions());
        client.handleTimeout(1_000 * MS);
        assertTrue(client.awaitIdle(5_000));
        assertEquals(1, drain(client).size());
        client.close();
        assertTrue(client.awaitIdle(5_000));
    }

    @Test
    void aServerWaitingForItsFirstDatagramHoldsNoThreadAndTimesOut() throws Exception {
        DtlsHandshakePool own = new DtlsHandshakePool(1, 1, 60_000);
        try {
            DtlsEndpoint server = server(own, () -> { });
            server.start(5 * MS);
            assertEquals(0, own.activeCount());
            assertEquals(5 * MS + DtlsEndpoint.HANDSHAKE_TIMEOUT_NANOS, server.nextTimeoutNanos());
            server.handleTimeout(5 * MS + DtlsEndpoint.HANDSHAKE_TIMEOUT_NANOS);
            // Decided on the caller's thread: nothing to wait for.
            assertInstanceOf(DtlsEvent.Failed.class, server.pollEvent());
            assertEquals(DtlsState.FAILED, server.state());
            server.handleDatagram(0, new byte[20], 0, 20);
            assertEquals(1, server.stats().ignoredAfterEnd());
        } finally {
            own.close();
        }
    }

    @Test
    void wakeupRunsOnPoolThreadsForOutputAndEvents() throws Exception {
        List<String> clientWakeups = new CopyOnWriteArrayList<>();
        List<String> serverWakeups = new CopyOnWriteArrayList<>();
        SimulatedLink link = SimulatedLink.perfect(
                client(pool, () -> clientWakeups.add(Thread.currentThread().getName())),
                server(pool, () -> serverWakeups.add(Thread.currentThread().getName())));
        link.start();
        assertTrue(link.runUntilBothReported());
        assertInstanceOf(DtlsEvent.Connected.class, link.clientEvents.get(0));
        assertFalse(clientWakeups.isEmpty());
        assertFalse(serverWakeups.isEmpty());
        for (String name : clientWakeups) {
            assertTrue(name.startsWith(DtlsHandshakePool.THREAD_NAME_PREFIX), name);
        }
        for (String name : serverWakeups) {
            assertTrue(name.startsWith(DtlsHandshakePool.THREAD_NAME_PREFIX), name);
        }
        // Connected endpoints hold no pool thread.
        assertTrue(noneActive(pool));
    }

    @Test
    void closingHandshakesReleasesTheirPoolThreads() throws Exception {
        DtlsHandshakePool own = new DtlsHandshakePool(8, 8, 200);
        Set<Thread> before = dtlsThreads();
        List<DtlsEndpoint> endpoints = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                DtlsEndpoint client = client(own, () -> { });
                DtlsEndpoint server = server(own, () -> { });
                endpoints.add(client);
                endpoints.add(server);
                client.start(0);
                server.start(0);
                assertTrue(client.awaitIdle(5_000));
                for (byte[] d : drain(client)) {
                    server.handleDatagram(10 * MS, d, 0, d.length);
                }
                assertTrue(server.awaitIdle(5_000));
                // Server flight produced, never delivered: both handshakes are blocked mid-way.
                assertEquals(5, drain(server).size());
            }
            assertEquals(6, own.activeCount());
            Set<Thread> ours = dtlsThreads();
            ours.removeAll(before);
            assertEquals(6, ours.size());

            for (DtlsEndpoint e : endpoints) {
                e.close();
            }
            for (DtlsEndpoint e : endpoints) {
                assertTrue(e.awaitIdle(5_000));
                assertInstanceOf(DtlsEvent.Closed.class, e.pollEvent());
                assertEquals(DtlsState.CLOSED, e.state());
                List<byte[]> alerts = drain(e);
                for (byte[] a : alerts) {
                    assertEquals(DtlsRecords.ALERT, a[0]);
                }
                // RFC 5246 §7.2.2: user_canceled then close_notify once the peer has spoken (the
                // servers heard a ClientHello); the clients heard nothing, so close_notify only.
                assertEquals(e.role() == DtlsRole.SERVER ? 2 : 1, alerts.size());
            }
            assertTrue(noneActive(own));
            // Idle threads die after the 200 ms keep-alive: nothing was leaked.
            long waitedMillis = 0;
            while (ours.stream().anyMatch(Thread::isAlive) && waitedMillis < 10_000) {
                Thread.sleep(20);
                waitedMillis += 20;
            }
            assertFalse(ours.stream().anyMatch(Thread::isAlive), "still alive: " + ours);
        } finally {
            own.close();
        }
    }

    @Test
    void aFullPoolFailsNewHandshakesAtOnce() throws Exception {
        DtlsHandshakePool tiny = new DtlsHandshakePool(1, 1, 60_000);
        try {
            DtlsEndpoint running = client(tiny, () -> { });
            running.start(0);
            assertTrue(running.awaitIdle(5_000));
            DtlsEndpoint queued = client(tiny, () -> { });
            queued.start(0);
            DtlsEndpoint refused = client(tiny, () -> { });
            refused.start(0);
            DtlsEvent.Failed failed = assertInstanceOf(DtlsEvent.Failed.class, refused.pollEvent());
            assertTrue(failed.reason().contains("refused"), failed.reason());
            assertEquals(DtlsState.FAILED, refused.state());

            // Closing the running one lets the queued one start; closing that frees the pool.
            running.close();
            assertTrue(running.awaitIdle(5_000));
            assertTrue(queued.awaitIdle(5_000));
            assertNotNull(queued.pollTransmit(), "the queued handshake ran once a thread was free");
            queued.close();
            assertTrue(queued.awaitIdle(5_000));
            assertInstanceOf(DtlsEvent.Closed.class, queued.pollEvent());
            assertTrue(noneActive(tiny));
        } finally {
            tiny.close();
        }
    }

    @Test
    void closingThePoolFailsBlockedHandshakes() throws Exception {
        DtlsHandshakePool closing = new DtlsHandshakePool(1, 1, 60_000);
        DtlsEndpoint client = client(closing, () -> { });
        client.start(0);
        assertTrue(client.awaitIdle(5_000));
        closing.close();
        assertTrue(closing.awaitTermination(5_000));
        assertTrue(client.awaitIdle(5_000));
        assertEquals(DtlsState.FAILED, client.state());
    }

    @Test
    void closeBeforeStartAndAfterEndAreQuiet() throws Exception {
        DtlsEndpoint neverStarted = client(pool, () -> { });
        neverStarted.close();
        assertInstanceOf(DtlsEvent.Closed.class, neverStarted.pollEvent());
        assertNull(neverStarted.pollTransmit());
        neverStarted.close();
        assertNull(neverStarted.pollEvent());

        DtlsEndpoint waitingServer = server(pool, () -> { });
        waitingServer.start(0);
        waitingServer.close();
        assertInstanceOf(DtlsEvent.Closed.class, waitingServer.pollEvent());
        assertEquals(Long.MAX_VALUE, waitingServer.nextTimeoutNanos());
    }

    /** The pool counts a task as active until its worker loop moves on, a moment after the task ends. */
    static boolean noneActive(DtlsHandshakePool p) throws InterruptedException {
        for (int i = 0; i < 500 && p.activeCount() > 0; i++) {
            Thread.sleep(10);
        }
        return p.activeCount() == 0;
    }

    static Set<Thread> dtlsThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(DtlsHandshakePool.THREAD_NAME_PREFIX) && t.isAlive())
                .collect(Collectors.toCollection(HashSet::new));
    }
}
