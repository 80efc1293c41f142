package io.relaycast.webrtc;

import static io.relaycast.webrtc.TransportPair.CLIENT_ADDRESS;
import static io.relaycast.webrtc.TransportPair.MS;
import static io.relaycast.webrtc.TransportPair.SERVER_ADDRESS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.dtls.DtlsRole;
import io.relaycast.ice.IceCheckOutcome;
import io.relaycast.ice.IceControllingAgent;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.Transmit;
import io.relaycast.rtcp.PictureLossIndication;
import io.relaycast.rtcp.ReceiverReport;
import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.srtp.SrtpProfile;
import io.relaycast.stun.MessageIntegrityKey;
import io.relaycast.stun.StunMessage;
import io.relaycast.stun.StunMessageWriter;
import io.relaycast.stun.TransactionId;
import io.relaycast.testing.SimulatedNetwork;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** One transport pair over a loss-free simulated network, or one transport alone: each rule of the composition. */
class MediaTransportTest {

    static final InetSocketAddress STRANGER = TransportPair.address("192.0.2.66", 40000);
    static final InetSocketAddress REBOUND_CLIENT = TransportPair.address("198.51.100.10", 50001);

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

    static TransportPair pair(DtlsHandshakePool pool, DtlsFingerprint clientExpects, DtlsFingerprint serverExpects) {
        return TransportPair.create(new DtlsSetup(clientCert, pool), clientExpects, new DtlsSetup(serverCert, pool),
                serverExpects, SimulatedNetwork.perfect(10 * MS), 42);
    }

    static TransportPair connectedPair() throws InterruptedException {
        TransportPair pair = pair(pool, serverCert.fingerprint(), clientCert.fingerprint());
        pair.start();
        assertTrue(pair.runUntil(pair::bothConnected, 10_000 * MS), pair.clientEvents + " " + pair.serverEvents);
        return pair;
    }

    static byte[] rtp(int ssrc, int seq, int payloadType, boolean marker, int payloadLength) {
        byte[] payload = new byte[payloadLength];
        new Random(seq).nextBytes(payload);
        RtpWriter writer = new RtpWriter().ssrc(ssrc).sequenceNumber(seq).timestamp(seq * 960)
                .payloadType(payloadType).marker(marker).addAudioLevel(1, true, 30);
        byte[] buf = new byte[writer.length(payloadLength) + MediaTransport.MAX_PROTECT_OVERHEAD];
        int len = writer.writeTo(buf, 0, payload, 0, payloadLength);
        return Arrays.copyOf(buf, len);
    }

    /** {@code plain} protected by {@code sender}, as a datagram. */
    static byte[] protect(MediaTransport sender, byte[] plain, boolean rtcp) throws Exception {
        byte[] buf = Arrays.copyOf(plain, plain.length + MediaTransport.MAX_PROTECT_OVERHEAD);
        int len = rtcp ? sender.protectRtcp(buf, 0, plain.length) : sender.protectRtp(buf, 0, plain.length);
        assertTrue(len > plain.length);
        return Arrays.copyOf(buf, len);
    }

    static List<MediaTransportEvent.Closed> closedEvents(List<MediaTransportEvent> events) {
        List<MediaTransportEvent.Closed> closed = new ArrayList<>();
        for (MediaTransportEvent e : events) {
            if (e instanceof MediaTransportEvent.Closed c) {
                closed.add(c);
            }
        }
        return closed;
    }

    static void assertClosedOnce(List<MediaTransportEvent> events, CloseReason reason) {
        List<MediaTransportEvent.Closed> closed = closedEvents(events);
        assertEquals(1, closed.size(), events.toString());
        assertEquals(reason, closed.get(0).reason(), events.toString());
        assertTrue(events.get(events.size() - 1) instanceof MediaTransportEvent.Closed, "Closed must be last: " + events);
    }

    static void assertEnded(MediaTransport t) throws Exception {
        assertEquals(MediaTransportState.CLOSED, t.state());
        assertFalse(t.isConnected());
        assertNull(t.remoteAddress());
        assertEquals(Long.MAX_VALUE, t.nextTimeoutNanos());
        assertEquals(-1, t.protectRtp(rtp(1, 1, 111, false, 50), 0, 62));
    }

    // ------------------------------------------------------------------------------------------

    @Test
    void connectsWithDefaultProfilesAndReportsItsState() throws Exception {
        TransportPair pair = connectedPair();
        try {
            for (MediaTransport t : List.of(pair.client, pair.server)) {
                assertEquals(MediaTransportState.CONNECTED, t.state());
                assertEquals(SrtpProfile.AEAD_AES_128_GCM, t.srtpProfile(), "GCM is preferred");
                assertTrue(t.nextTimeoutNanos() > pair.now() && t.nextTimeoutNanos() < Long.MAX_VALUE,
                        "ICE consent keeps a deadline while connected");
            }
            assertEquals(DtlsRole.CLIENT, pair.client.role());
            assertEquals(DtlsRole.SERVER, pair.server.role());
            assertEquals(pair.client.localCredentials().ufrag(), pair.server.remoteUfrag());
            assertEquals(pair.server.localCredentials().ufrag(), pair.client.remoteUfrag());
            assertEquals(SERVER_ADDRESS, pair.client.remoteAddress());
            assertEquals(CLIENT_ADDRESS, pair.server.remoteAddress());
            // Loss-free 10 ms links: ICE takes one round trip; the DTLS 1.2 handshake two.
            MediaTransportEvent.Connected atClient =
                    assertInstanceOf(MediaTransportEvent.Connected.class, pair.clientEvents.get(1));
            assertEquals(20 * MS, atClient.iceNanos());
            assertEquals(40 * MS, atClient.dtlsNanos());
            MediaTransportEvent.Connected atServer =
                    assertInstanceOf(MediaTransportEvent.Connected.class, pair.serverEvents.get(1));
            assertEquals(10 * MS, atServer.iceNanos(), "the server selects when the first check arrives");
            assertEquals(new MediaTransportEvent.RemoteAddressChanged(null, CLIENT_ADDRESS), pair.serverEvents.get(0));
            assertTrue(pair.wakeups.get() > 0, "the DTLS threads announce their output");
            assertEquals(0, pair.client.dtlsStats().timerRetransmissions());
            assertEquals(1, pair.server.iceCount(IceCheckOutcome.ANSWERED));
        } finally {
            pair.close();
        }
    }

    @Test
    void rtpAndRtcpAreToldApartByTheSecondByteAndUnprotectedInPlace() throws Exception {
        TransportPair pair = connectedPair();
        try {
            // RFC 5761 §4: PT 96 with the marker bit makes a second byte of 224, outside 192–223: RTP.
            for (byte[] plain : List.of(rtp(0x1234, 7, 96, true, 900), rtp(0x1234, 8, 127, false, 20),
                    rtp(0x1234, 9, 0, false, 160))) {
                byte[] datagram = protect(pair.client, plain, false);
                assertEquals(DatagramOutcome.RTP, pair.server.handleDatagram(pair.now(), CLIENT_ADDRESS, datagram, 0,
                        datagram.length));
                assertEquals(plain.length, pair.server.plaintextLength());
                assertArrayEquals(plain, Arrays.copyOf(datagram, plain.length), "plaintext in place");
            }
            byte[] rtcp = RtcpCompound.toBytes(List.of(new ReceiverReport(0x1234, List.of()),
                    new PictureLossIndication(0x1234, 0x5678)));
            byte[] datagram = protect(pair.server, rtcp, true);
            // An offset inside a larger buffer works the same.
            byte[] big = new byte[datagram.length + 100];
            System.arraycopy(datagram, 0, big, 37, datagram.length);
            assertEquals(DatagramOutcome.RTCP, pair.client.handleDatagram(pair.now(), SERVER_ADDRESS, big, 37,
                    datagram.length));
            assertEquals(rtcp.length, pair.client.plaintextLength());
            List<RtcpPacket> parsed = RtcpCompound.parse(big, 37, rtcp.length);
            assertInstanceOf(PictureLossIndication.class, parsed.get(1));
            assertEquals(3, pair.server.count(DatagramOutcome.RTP));
            assertEquals(1, pair.client.count(DatagramOutcome.RTCP));
        } finally {
            pair.close();
        }
    }

    @Test
    void srtpFailuresAreDroppedAndCountedPerReason() throws Exception {
        TransportPair pair = connectedPair();
        try {
            byte[] plain = rtp(0xabc, 100, 111, false, 120);
            byte[] datagram = protect(pair.client, plain, false);
            MediaTransport server = pair.server;

            byte[] forged = datagram.clone();
            forged[forged.length - 1] ^= 1;
            assertEquals(DatagramOutcome.DROPPED_SRTP_AUTH, pair.inject(true, CLIENT_ADDRESS, forged));
            assertEquals(DatagramOutcome.DROPPED_SRTP_MALFORMED, pair.inject(true, CLIENT_ADDRESS,
                    Arrays.copyOf(datagram, 14)));
            assertEquals(DatagramOutcome.DROPPED_SRTP_MALFORMED, pair.inject(true, CLIENT_ADDRESS, new byte[] {(byte) 0x80}));
            // The failures above did not consume the index: the genuine packet still passes, once.
            assertEquals(DatagramOutcome.RTP, pair.inject(true, CLIENT_ADDRESS, datagram.clone()));
            assertEquals(DatagramOutcome.DROPPED_SRTP_REPLAY, pair.inject(true, CLIENT_ADDRESS, datagram.clone()));
            byte[] rtcpDatagram = protect(pair.client, RtcpCompound.toBytes(List.of(new ReceiverReport(0xabc, List.of()))), true);
            assertEquals(DatagramOutcome.RTCP, pair.inject(true, CLIENT_ADDRESS, rtcpDatagram.clone()));
            assertEquals(DatagramOutcome.DROPPED_SRTP_REPLAY, pair.inject(true, CLIENT_ADDRESS, rtcpDatagram.clone()));

            assertEquals(1, server.count(DatagramOutcome.DROPPED_SRTP_AUTH));
            assertEquals(2, server.count(DatagramOutcome.DROPPED_SRTP_MALFORMED));
            assertEquals(2, server.count(DatagramOutcome.DROPPED_SRTP_REPLAY));
            assertTrue(server.isConnected(), "SRTP drops do not end the transport");
            // Protecting an index twice would reuse keystream (RFC 3711 §9.1): refused.
            byte[] again = Arrays.copyOf(plain, plain.length + MediaTransport.MAX_PROTECT_OVERHEAD);
            assertThrows(io.relaycast.srtp.SrtpException.class, () -> pair.client.protectRtp(again, 0, plain.length));
        } finally {
            pair.close();
        }
    }

    @Test
    void datagramsFromAnUnvalidatedAddressAreDroppedAndCounted() throws Exception {
        TransportPair pair = connectedPair();
        try {
            byte[] plain = rtp(0x99, 1, 111, false, 80);
            byte[] datagram = protect(pair.client, plain, false);
            byte[] rtcp = protect(pair.client, RtcpCompound.toBytes(List.of(new ReceiverReport(0x99, List.of()))), true);
            // A DTLS record header (handshake, DTLS 1.2) from a stranger.
            byte[] dtls = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            assertEquals(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE, pair.inject(true, STRANGER, datagram.clone()));
            assertEquals(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE, pair.inject(true, STRANGER, rtcp.clone()));
            assertEquals(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE, pair.inject(true, STRANGER, dtls));
            // Same IP, other port: still another candidate.
            assertEquals(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE, pair.inject(true, REBOUND_CLIENT, datagram.clone()));
            assertEquals(4, pair.server.count(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE));
            assertEquals(0, pair.server.dtlsStats().malformedDropped(), "the DTLS endpoint never saw the stranger's record");
            // Nothing was consumed: the same bytes from the selected address are accepted.
            assertEquals(DatagramOutcome.RTP, pair.inject(true, CLIENT_ADDRESS, datagram.clone()));
            assertEquals(DatagramOutcome.RTCP, pair.inject(true, CLIENT_ADDRESS, rtcp.clone()));
        } finally {
            pair.close();
        }
    }

    @Test
    void beforeSelectionNothingButStunIsAcceptedAndBeforeKeysNoMedia() throws Exception {
        TransportPair pair = pair(pool, serverCert.fingerprint(), clientCert.fingerprint());
        try {
            byte[] srtpLike = rtp(5, 5, 111, false, 40);
            byte[] dtls = {22, (byte) 0xfe, (byte) 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
            assertEquals(MediaTransportState.CHECKING, pair.server.state());
            assertEquals(MediaTransportState.NEW, pair.client.state());
            assertEquals(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE, pair.inject(true, CLIENT_ADDRESS, srtpLike.clone()));
            assertEquals(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE, pair.inject(true, CLIENT_ADDRESS, dtls.clone()));
            assertEquals(-1, pair.client.protectRtp(srtpLike.clone(), 0, srtpLike.length), "no keys yet: -1");

            pair.start();
            assertTrue(pair.runUntil(() -> pair.server.state() == MediaTransportState.HANDSHAKING, 1_000 * MS));
            assertEquals(CLIENT_ADDRESS, pair.server.remoteAddress());
            assertFalse(pair.server.isConnected());
            assertEquals(DatagramOutcome.DROPPED_NOT_CONNECTED, pair.inject(true, CLIENT_ADDRESS, srtpLike.clone()));
            assertEquals(1, pair.server.count(DatagramOutcome.DROPPED_NOT_CONNECTED));
            assertEquals(-1, pair.server.protectRtcp(new byte[64], 0, 8));

            assertTrue(pair.runUntil(pair::bothConnected, 10_000 * MS), "the early datagrams did not disturb the handshake");
        } finally {
            pair.close();
        }
    }

    @Test
    void theDemultiplexerDropsWhatIsNeitherStunNorDtlsNorSrtp() throws Exception {
        IceCredentials serverIce = IceCredentials.generate(new Random(1));
        IceCredentials clientIce = IceCredentials.generate(new Random(2));
        MediaTransport server = MediaTransport.server(serverIce, clientIce, clientCert.fingerprint(),
                new DtlsSetup(serverCert, pool), () -> { }, new SecureRandom(), 0);
        try {
            // RFC 7983 §7: 4–15 and 64–127 are unassigned, 16–19 ZRTP, 64–79 TURN channels, 192–255 unassigned.
            int[] firstBytes = {4, 15, 16, 19, 64, 79, 80, 127, 192, 255};
            for (int first : firstBytes) {
                byte[] datagram = new byte[40];
                datagram[0] = (byte) first;
                assertEquals(DatagramOutcome.DROPPED_UNKNOWN_PROTOCOL, server.handleDatagram(0, CLIENT_ADDRESS, datagram, 0, 40),
                        "first byte " + first);
            }
            assertEquals(DatagramOutcome.DROPPED_UNKNOWN_PROTOCOL, server.handleDatagram(0, CLIENT_ADDRESS, new byte[0], 0, 0));
            assertEquals(firstBytes.length + 1, server.count(DatagramOutcome.DROPPED_UNKNOWN_PROTOCOL));

            // First byte in the STUN range, but no magic cookie / wrong length.
            byte[] notStun = new byte[24];
            notStun[1] = 1;
            assertEquals(DatagramOutcome.DROPPED_MALFORMED_STUN, server.handleDatagram(0, CLIENT_ADDRESS, notStun, 0, 24));
            assertEquals(DatagramOutcome.DROPPED_MALFORMED_STUN, server.handleDatagram(0, CLIENT_ADDRESS, new byte[] {1}, 0, 1));

            // Well-formed STUN with a USERNAME that is not ours: ICE answers 401 (RFC 8489 §9.1.3) and it counts as a drop.
            byte[] check = StunMessageWriter.bindingRequest(TransactionId.random(new Random(3)))
                    .username("nobody:" + clientIce.ufrag())
                    .iceControlling(1)
                    .useCandidate()
                    .messageIntegrity(MessageIntegrityKey.shortTerm(serverIce.pwd()))
                    .fingerprint()
                    .toByteArray();
            assertEquals(DatagramOutcome.DROPPED_ICE_REJECTED, server.handleDatagram(0, STRANGER, check, 0, check.length));
            Transmit reply = server.pollTransmit();
            assertNotNull(reply);
            assertEquals(STRANGER, reply.to());
            assertEquals(401, StunMessage.parse(reply.data()).error().code());
            assertEquals(1, server.iceCount(IceCheckOutcome.REJECTED_UNAUTHENTICATED));

            // A valid check, handed over parsed: selects the address and starts DTLS.
            StunMessage valid = StunMessage.parse(StunMessageWriter.bindingRequest(TransactionId.random(new Random(4)))
                    .username(serverIce.ufrag() + ":" + clientIce.ufrag())
                    .priority(0x6effff00L + 255) // RFC 8445 §5.1.2.1: peer-reflexive type preference 110
                    .iceControlling(1)
                    .useCandidate()
                    .messageIntegrity(MessageIntegrityKey.shortTerm(serverIce.pwd()))
                    .fingerprint()
                    .toByteArray());
            assertEquals(DatagramOutcome.CONSUMED, server.handleStun(5 * MS, CLIENT_ADDRESS, valid));
            assertEquals(CLIENT_ADDRESS, server.remoteAddress());
            assertEquals(MediaTransportState.HANDSHAKING, server.state());
            assertEquals(new MediaTransportEvent.RemoteAddressChanged(null, CLIENT_ADDRESS), server.pollEvent());
            assertTrue(StunMessage.parse(server.pollTransmit().data()).isBindingSuccess());
            assertThrows(IllegalStateException.class, () -> server.start(0), "a lite server has no start()");
            assertThrows(IllegalStateException.class, () -> server.addRemoteCandidate(STRANGER));
        } finally {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void aFingerprintMismatchFailsTheHandshakeOnBothSidesAndNoMediaFlows(DtlsRole wrongSide) throws Exception {
        TransportPair pair = wrongSide == DtlsRole.CLIENT
                ? pair(pool, strangerCert.fingerprint(), clientCert.fingerprint())
                : pair(pool, serverCert.fingerprint(), strangerCert.fingerprint());
        try {
            pair.start();
            assertTrue(pair.runUntil(() -> pair.client.state() == MediaTransportState.CLOSED
                    && pair.server.state() == MediaTransportState.CLOSED, 60_000 * MS),
                    pair.clientEvents + " " + pair.serverEvents);
            for (List<MediaTransportEvent> events : List.of(pair.clientEvents, pair.serverEvents)) {
                assertTrue(events.stream().noneMatch(e -> e instanceof MediaTransportEvent.Connected), events.toString());
                assertClosedOnce(events, CloseReason.DTLS_FAILED);
            }
            // The side holding the wrong fingerprint is the one that refuses the peer's certificate.
            String detail = closedEvents(wrongSide == DtlsRole.CLIENT ? pair.clientEvents : pair.serverEvents)
                    .get(0).detail();
            assertTrue(detail.contains("certificate") || detail.contains("fingerprint"), detail);
            assertEnded(pair.client);
            assertEnded(pair.server);
            assertNull(pair.client.srtpProfile());
            byte[] srtpLike = rtp(5, 5, 111, false, 40);
            assertEquals(DatagramOutcome.DROPPED_CLOSED, pair.inject(true, CLIENT_ADDRESS, srtpLike));
        } finally {
            pair.close();
        }
    }

    @Test
    void iceFailureClosesOnceWhenNoCandidateAnswers() throws Exception {
        IceCredentials clientIce = IceCredentials.generate(new Random(1));
        IceCredentials serverIce = IceCredentials.generate(new Random(2));
        MediaTransport client = MediaTransport.client(clientIce, serverIce, serverCert.fingerprint(),
                new DtlsSetup(clientCert, pool), () -> { }, new SecureRandom());
        client.addRemoteCandidate(STRANGER);
        client.start(0);
        int checks = 0;
        List<MediaTransportEvent> events = new ArrayList<>();
        long now = 0;
        while (true) {
            for (Transmit t = client.pollTransmit(); t != null; t = client.pollTransmit()) {
                assertEquals(STRANGER, t.to());
                checks++;
            }
            for (MediaTransportEvent e = client.pollEvent(); e != null; e = client.pollEvent()) {
                events.add(e);
            }
            if (client.nextTimeoutNanos() == Long.MAX_VALUE) {
                break;
            }
            now = client.nextTimeoutNanos();
            client.handleTimeout(now);
        }
        assertEquals(IceControllingAgent.MAX_TRANSMISSIONS, checks);
        assertEquals(1, events.size(), events.toString());
        assertClosedOnce(events, CloseReason.ICE_FAILED);
        // 100 + 200 + 400 + 800 + 1600 + 1600 ms between the seven sends, then one capped RTO.
        assertEquals(6_300 * MS, now);
        assertEnded(client);
        client.close();
        assertNull(client.pollEvent(), "close() after the end adds nothing");
    }

    @Test
    void consentLossClosesBothSidesOnceAndSilencesThem() throws Exception {
        TransportPair pair = connectedPair();
        try {
            long connectedAt = pair.now();
            pair.network.cut(CLIENT_ADDRESS, SERVER_ADDRESS);
            assertTrue(pair.runUntil(() -> pair.client.state() == MediaTransportState.CLOSED
                    && pair.server.state() == MediaTransportState.CLOSED, 120_000 * MS));
            assertClosedOnce(pair.serverEvents, CloseReason.ICE_CONSENT_EXPIRED);
            assertClosedOnce(pair.clientEvents, CloseReason.ICE_CONSENT_EXPIRED);
            // RFC 7675 §5.1: 30 s after the last check from the client (the one in the connection setup).
            assertTrue(pair.now() >= 30_000 * MS && pair.now() <= connectedAt + 30_000 * MS, pair.now() / MS + " ms");
            assertEnded(pair.client);
            assertEnded(pair.server);
            long sentBefore = pair.network.sent();
            pair.network.heal(CLIENT_ADDRESS, SERVER_ADDRESS);
            byte[] anything = rtp(5, 5, 111, false, 40);
            assertEquals(DatagramOutcome.DROPPED_CLOSED, pair.inject(true, CLIENT_ADDRESS, anything));
            pair.advanceTo(pair.now() + 60_000 * MS);
            assertEquals(sentBefore, pair.network.sent(), "nothing is sent without consent, not even close_notify");
            assertEquals(1, closedEvents(pair.serverEvents).size());
            assertEquals(1, closedEvents(pair.clientEvents).size());
        } finally {
            pair.close();
        }
    }

    @Test
    void theServerFollowsTheClientToItsNewAddressAfterANatRebinding() throws Exception {
        TransportPair pair = connectedPair();
        try {
            pair.clientAddress = REBOUND_CLIENT;
            int[] acceptedAtServer = new int[1];
            int[] droppedAtServer = new int[1];
            pair.receiver = (atServer, delivery, outcome, length) -> {
                if (atServer && outcome == DatagramOutcome.RTP) {
                    acceptedAtServer[0]++;
                } else if (atServer && outcome == DatagramOutcome.DROPPED_UNVALIDATED_SOURCE) {
                    droppedAtServer[0]++;
                }
            };
            // Media keeps flowing from the new address; until the next consent check re-nominates, it is refused.
            int seq = 0;
            long until = pair.now() + 8_000 * MS;
            while (pair.now() < until) {
                pair.sendMedia(false, protect(pair.client, rtp(0x77, seq++, 111, false, 100), false));
                pair.advanceTo(pair.now() + 20 * MS);
            }
            MediaTransportEvent.RemoteAddressChanged changed = assertInstanceOf(
                    MediaTransportEvent.RemoteAddressChanged.class, pair.serverEvents.get(pair.serverEvents.size() - 1));
            assertEquals(CLIENT_ADDRESS, changed.previous());
            assertEquals(REBOUND_CLIENT, changed.current());
            assertEquals(REBOUND_CLIENT, pair.server.remoteAddress());
            assertTrue(droppedAtServer[0] > 0 && acceptedAtServer[0] > 0,
                    droppedAtServer[0] + " dropped, " + acceptedAtServer[0] + " accepted");
            assertEquals(seq, droppedAtServer[0] + acceptedAtServer[0]);
            // The server's media now reaches the client at its new address, with the same SRTP keys.
            byte[] plain = rtp(0x88, 1, 96, false, 300);
            pair.sendMedia(true, protect(pair.server, plain, false));
            pair.advanceTo(pair.now() + 20 * MS);
            assertEquals(1, pair.client.count(DatagramOutcome.RTP));
            assertTrue(pair.client.isConnected() && pair.server.isConnected());
        } finally {
            pair.close();
        }
    }

    @Test
    void closeEndsOnceAndThePeerSeesCloseNotify() throws Exception {
        TransportPair pair = connectedPair();
        pair.client.close();
        assertEquals(new MediaTransportEvent.Closed(CloseReason.LOCAL_CLOSE, "close() called"), pair.client.pollEvent());
        pair.client.close();
        assertNull(pair.client.pollEvent(), "idempotent");
        assertEnded(pair.client);
        pair.settle(); // the DTLS thread's close_notify goes out to the selected address
        assertTrue(pair.runUntil(() -> pair.server.state() == MediaTransportState.CLOSED, 1_000 * MS));
        assertClosedOnce(pair.serverEvents, CloseReason.DTLS_CLOSED);
        pair.server.close();
        pair.settle();
        assertEquals(1, closedEvents(pair.serverEvents).size(), "closing a closed transport adds nothing");
        assertEnded(pair.server);
    }

    @Test
    void closeDuringTheHandshakeFreesThePoolThreads() throws Exception {
        DtlsHandshakePool small = new DtlsHandshakePool(2, 4, 60_000);
        try {
            TransportPair first = pair(small, serverCert.fingerprint(), clientCert.fingerprint());
            first.start();
            // Run until both handshakes hold a thread: the server has received the ClientHello.
            assertTrue(first.runUntil(() -> first.server.state() == MediaTransportState.HANDSHAKING
                    && first.network.delivered() >= 3, 1_000 * MS));
            assertFalse(first.client.isConnected());
            assertEquals(2, small.activeCount(), "both handshakes are blocked on a pool thread");
            first.close();
            assertClosedOnce(first.clientEvents, CloseReason.LOCAL_CLOSE);
            assertClosedOnce(first.serverEvents, CloseReason.LOCAL_CLOSE);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (small.activeCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, small.activeCount(), "close() returned the threads");
            // The freed threads serve a new pair to the end.
            TransportPair second = pair(small, serverCert.fingerprint(), clientCert.fingerprint());
            second.start();
            assertTrue(second.runUntil(second::bothConnected, 10_000 * MS));
            second.close();
        } finally {
            small.close();
        }
    }
}
