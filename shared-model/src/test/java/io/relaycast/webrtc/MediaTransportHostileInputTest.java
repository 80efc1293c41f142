package io.relaycast.webrtc;

import static io.relaycast.webrtc.TransportPair.CLIENT_ADDRESS;
import static io.relaycast.webrtc.TransportPair.MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.rtcp.ReceiverReport;
import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.testing.HostileInputs;
import io.relaycast.testing.SimulatedNetwork;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Mutated datagrams of every kind the transport sees (STUN checks and responses, DTLS flights,
 * SRTP, SRTCP) thrown at a connected server transport from its validated address: every one
 * must end in a {@link DatagramOutcome}, never in an exception. The DTLS part of the corpus
 * differs per run (handshake randomness), so a failure prints the offending input itself.
 */
class MediaTransportHostileInputTest {

    /** Thrown by nothing: handleDatagram declares no exception, so any throwable is a failure. */
    private static final class NeverThrown extends Exception {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void everyMutatedDatagramEndsInAnOutcome() throws Exception {
        SecureRandom random = new SecureRandom();
        Instant now = Instant.parse("2025-01-01T00:00:00Z");
        DtlsCertificate clientCert = DtlsCertificate.generate(random, now);
        DtlsCertificate serverCert = DtlsCertificate.generate(random, now);
        try (DtlsHandshakePool pool = new DtlsHandshakePool(2, 16, 60_000)) {
            TransportPair pair = TransportPair.create(new DtlsSetup(clientCert, pool), serverCert.fingerprint(),
                    new DtlsSetup(serverCert, pool), clientCert.fingerprint(), SimulatedNetwork.perfect(10 * MS), 3);
            // Collect what reaches the server during the connection: STUN checks and DTLS flights.
            List<byte[]> corpus = new ArrayList<>();
            pair.receiver = (atServer, delivery, outcome, length) -> {
                if (atServer) {
                    corpus.add(delivery.data().clone());
                }
            };
            pair.start();
            assertTrue(pair.runUntil(pair::bothConnected, 10_000 * MS));
            for (int seq = 0; seq < 4; seq++) {
                corpus.add(MediaTransportTest.protect(pair.client, MediaTransportTest.rtp(0x42, seq, 96, seq == 3, 200), false));
            }
            corpus.add(MediaTransportTest.protect(pair.client,
                    RtcpCompound.toBytes(List.of(new ReceiverReport(0x42, List.of()))), true));

            MediaTransport server = pair.server;
            Map<DatagramOutcome, Integer> seen = new EnumMap<>(DatagramOutcome.class);
            HostileInputs.Outcome result = HostileInputs.check(20250101L, 100_000, corpus, NeverThrown.class, input -> {
                DatagramOutcome outcome = server.handleDatagram(pair.now(), CLIENT_ADDRESS, input, 0, input.length);
                seen.merge(outcome, 1, Integer::sum);
                while (server.pollTransmit() != null) {
                    // error responses to mutated checks: not needed here
                }
            });
            System.out.println("webrtc hostile datagrams: " + seen);
            assertEquals(100_000, result.accepted());
            long counted = 0;
            for (DatagramOutcome o : DatagramOutcome.values()) {
                counted += server.count(o);
            }
            assertTrue(counted >= 100_000, "every datagram is counted");
            assertTrue(seen.getOrDefault(DatagramOutcome.DROPPED_SRTP_AUTH, 0) > 0
                    && seen.getOrDefault(DatagramOutcome.DROPPED_MALFORMED_STUN, 0) > 0
                    && seen.getOrDefault(DatagramOutcome.CONSUMED, 0) > 0, "the mutations reach every branch: " + seen);
            // Forged DTLS records do not authenticate (RFC 6347 §4.1.2.7: discarded) and cannot end the association.
            pair.settle();
            assertTrue(server.isConnected(), "hostile datagrams closed the transport: " + pair.serverEvents);
            assertEquals(0, seen.getOrDefault(DatagramOutcome.DROPPED_CLOSED, 0));
            pair.close();
        }
    }
}
