package io.relaycast.dtls;

import static io.relaycast.dtls.SimulatedLink.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.relaycast.testing.HostileInputs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Garbage, truncated and oversized datagrams, before, during and after the handshake. */
class DtlsHostileDatagramTest {

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

    static SimulatedLink newLink() {
        return SimulatedLink.perfect(
                new DtlsEndpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(), pool, () -> { }, new SecureRandom()),
                new DtlsEndpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), pool, () -> { }, new SecureRandom()));
    }

    @Test
    void garbageDuringTheHandshakeIsDroppedAndTheHandshakeCompletes() throws Exception {
        SimulatedLink link = newLink();
        Random random = new Random(7);
        // Before the ClientHello: noise, a DTLS-looking header with a lying length, an oversized datagram.
        byte[] noise = new byte[200];
        random.nextBytes(noise);
        noise[0] = 0x42; // not a DTLS content type
        link.server.start(0);
        link.inject(link.server, noise);
        link.inject(link.server, new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 1, 2});
        link.inject(link.server, new byte[DtlsEndpoint.RECEIVE_LIMIT + 1]);
        link.inject(link.server, new byte[3]);
        assertEquals(DtlsState.HANDSHAKING, link.server.state());
        assertNull(link.server.pollTransmit());
        assertNull(link.server.pollEvent());
        assertEquals(3, link.server.stats().malformedDropped());
        assertEquals(1, link.server.stats().oversizedDropped());

        link.client.start(0);
        link.settle();
        int injected = 0;
        while (link.clientEvents.isEmpty() || link.serverEvents.isEmpty()) {
            // Truncated copies of everything sent so far, to both sides, between every step.
            for (byte[] d : new ArrayList<>(link.sent)) {
                byte[] truncated = Arrays.copyOf(d, 1 + random.nextInt(d.length - 1));
                link.inject(link.client, truncated);
                link.inject(link.server, truncated);
                injected += 2;
            }
            assertTrue(link.step(), "stalled: " + link.transcript);
        }
        assertTrue(injected > 0);
        DtlsSrtpKeys keys = assertInstanceOf(DtlsEvent.Connected.class, link.clientEvents.get(0)).keys();
        assertEquals(keys, assertInstanceOf(DtlsEvent.Connected.class, link.serverEvents.get(0)).keys());
        // Every truncated copy was caught by the framing check, before BouncyCastle.
        assertEquals(injected + 3, link.client.stats().malformedDropped() + link.server.stats().malformedDropped());
        // The handshake needed no retransmission: the garbage was not mistaken for anything.
        assertEquals(0, link.client.stats().timerRetransmissions());
        assertEquals(40 * MS, link.now());
    }

    @Test
    void theInboundQueueIsBounded() throws Exception {
        // Not started: nothing consumes the queue, so it fills up.
        DtlsEndpoint server = new DtlsEndpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), pool,
                () -> { }, new SecureRandom());
        byte[] alert = DtlsTestRecords.record(DtlsRecords.ALERT, DtlsRecords.DTLS_1_2, 0, 0, new byte[] {1, 0});
        for (int i = 0; i < DtlsEndpoint.MAX_QUEUED_RECORDS + 6; i++) {
            server.handleDatagram(0, alert, 0, alert.length);
        }
        assertEquals(6, server.stats().inboundQueueFull());
        byte[] two = DtlsTestRecords.concat(alert, alert);
        server.handleDatagram(0, two, 0, two.length);
        assertEquals(7, server.stats().inboundQueueFull(), "a datagram is queued whole or not at all");
        server.close();
        assertInstanceOf(DtlsEvent.Closed.class, server.pollEvent());
    }

    @Test
    void hostileDatagramsToConnectedEndpointsChangeNothing() throws Exception {
        SimulatedLink link = newLink();
        link.start();
        assertTrue(link.runUntilBothReported());
        assertInstanceOf(DtlsEvent.Connected.class, link.clientEvents.get(0));
        List<byte[]> corpus = new ArrayList<>(link.sent);

        for (DtlsEndpoint target : List.of(link.server, link.client)) {
            int[] fed = {0};
            HostileInputs.Outcome outcome = HostileInputs.check(11, 3_000, corpus, DtlsException.class, input -> {
                target.handleDatagram(link.now(), input, 0, input.length);
                if (++fed[0] % 32 == 0) {
                    assertTrue(target.awaitIdle(5_000));
                    while (target.pollTransmit() != null) {
                        // a replayed client flight makes the server resend its last flight; discard
                    }
                }
            });
            assertEquals(3_000, outcome.accepted());
            assertTrue(target.awaitIdle(5_000));
            assertEquals(DtlsState.CONNECTED, target.state(), target.stats() + " " + target.pollEvent());
            assertNull(target.pollEvent());
            assertTrue(target.stats().malformedDropped() > 1_000, target.stats().toString());
            while (target.pollTransmit() != null) {
                // discard
            }
        }

        // Both still work: an orderly close reaches the other side.
        link.server.close();
        link.settle();
        assertTrue(link.runUntil(() -> link.clientEvents.size() == 2, 1_000 * MS), link.transcript.toString());
        assertInstanceOf(DtlsEvent.Closed.class, link.clientEvents.get(1));
        assertInstanceOf(DtlsEvent.Closed.class, link.serverEvents.get(1));
    }
}
