package io.relaycast.ice;

import io.relaycast.stun.MessageIntegrityKey;
import io.relaycast.stun.StunError;
import io.relaycast.stun.StunMessage;
import io.relaycast.stun.StunMessageWriter;
import io.relaycast.stun.TransactionId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.relaycast.ice.IceTestSupport.CLIENT_A;
import static io.relaycast.ice.IceTestSupport.SERVER;
import static io.relaycast.ice.IceTestSupport.SERVER_2;
import static io.relaycast.ice.IceTestSupport.drain;
import static io.relaycast.ice.IceTestSupport.ms;
import static io.relaycast.ice.IceTestSupport.parse;
import static io.relaycast.ice.IceTestSupport.signed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IceControllingAgentTest {
    private final Random random = new Random(23);
    private IceCredentials local;
    private IceCredentials remote;
    private IceControllingAgent agent;
    private MessageIntegrityKey remoteKey;

    @BeforeEach
    void setUp() {
        local = IceCredentials.generate(random);
        remote = IceCredentials.generate(random);
        agent = new IceControllingAgent(local, remote, new Random(99));
        remoteKey = MessageIntegrityKey.shortTerm(remote.pwd());
    }

    /** A success response as the remote peer would sign it. */
    private StunMessage success(StunMessage request, InetSocketAddress mapped) {
        return parse(StunMessageWriter.bindingSuccess(request.transactionId()).xorMappedAddress(mapped)
                .messageIntegrity(remoteKey).fingerprint().toByteArray());
    }

    private Transmit only() {
        List<Transmit> out = drain(agent::pollTransmit);
        assertEquals(1, out.size());
        return out.get(0);
    }

    @Test
    void checkCarriesTheIceAttributes() {
        agent.addRemoteCandidate(SERVER);
        agent.start(ms(0));
        Transmit t = only();
        assertEquals(SERVER, t.to());
        StunMessage m = parse(t);
        assertTrue(m.isBindingRequest());
        assertEquals(remote.ufrag() + ":" + local.ufrag(), m.username());
        assertEquals(IceControllingAgent.PEER_REFLEXIVE_PRIORITY, m.priority().getAsLong());
        assertEquals(0x6EFFFFFFL, IceControllingAgent.PEER_REFLEXIVE_PRIORITY);
        assertEquals(agent.tieBreaker(), m.iceControlling().getAsLong());
        assertFalse(m.iceControlled().isPresent());
        assertTrue(m.useCandidate());
        assertTrue(m.verifyMessageIntegrity(remoteKey));
        assertFalse(m.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())));
        assertTrue(m.verifyFingerprint());
    }

    @Test
    void tieBreakerComesFromTheRandomArgument() {
        assertEquals(new IceControllingAgent(local, remote, new Random(4)).tieBreaker(),
                new IceControllingAgent(local, remote, new Random(4)).tieBreaker());
        assertNotEquals(new IceControllingAgent(local, remote, new Random(4)).tieBreaker(),
                new IceControllingAgent(local, remote, new Random(5)).tieBreaker());
    }

    @Test
    void successSelectsTheCandidate() {
        agent.addRemoteCandidate(SERVER);
        agent.start(ms(0));
        StunMessage request = parse(only());
        assertEquals(IceCheckOutcome.RESPONSE_ACCEPTED, agent.handleStun(ms(30), SERVER, success(request, CLIENT_A)));
        assertEquals(new IceEvent.Selected(SERVER), agent.pollEvent());
        assertTrue(agent.isValidated(SERVER));
        assertEquals(SERVER, agent.selectedAddress());
        // No more retransmissions of the check: the next deadline is a consent check 4–6 s away.
        long next = agent.nextTimeoutNanos();
        assertTrue(next >= ms(30 + 4_000) && next <= ms(30 + 6_000), "next " + next);
        // A duplicate response is no longer expected.
        assertEquals(IceCheckOutcome.DROPPED_UNEXPECTED, agent.handleStun(ms(40), SERVER, success(request, CLIENT_A)));
    }

    @Test
    void retransmitsOnTheRtoScheduleThenFails() {
        agent.addRemoteCandidate(SERVER);
        agent.start(ms(0));
        List<Long> sendTimes = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        long now = 0;
        IceEvent event = null;
        while (event == null) {
            for (Transmit t : drain(agent::pollTransmit)) {
                sendTimes.add(now / 1_000_000L);
                sent.add(t.data());
            }
            now = agent.nextTimeoutNanos();
            assertNotEquals(Long.MAX_VALUE, now);
            agent.handleTimeout(now);
            event = agent.pollEvent();
        }
        // RTO 100 ms doubling, capped at 1.6 s, 7 sends; failure one capped RTO after the last.
        assertEquals(List.of(0L, 100L, 300L, 700L, 1_500L, 3_100L, 4_700L), sendTimes);
        assertEquals(new IceEvent.Failed(), event);
        assertEquals(ms(6_300), now);
        for (byte[] b : sent) {
            assertArrayEquals(sent.get(0), b, "a retransmission is the same request");
        }
        assertNull(agent.pollTransmit());
        assertEquals(Long.MAX_VALUE, agent.nextTimeoutNanos());
        assertFalse(agent.isValidated(SERVER));
    }

    @Test
    void failureIsDeclaredOnlyWhenEveryCandidateHasFailed() {
        agent.addRemoteCandidate(SERVER);
        agent.addRemoteCandidate(SERVER_2);
        agent.start(ms(0));
        Transmit first = only();
        assertEquals(SERVER, first.to());
        // Pacing: the second check goes out Ta later.
        assertEquals(ms(50), agent.nextTimeoutNanos());
        agent.handleTimeout(ms(50));
        assertEquals(SERVER_2, only().to());
        // Drive the timers with nothing answered: the first check fails at 6.3 s, the second,
        // started 50 ms later, at 6.35 s; only then is the agent Failed.
        long now = ms(50);
        IceEvent event = null;
        int sends = 2;
        while (event == null) {
            now = agent.nextTimeoutNanos();
            agent.handleTimeout(now);
            sends += drain(agent::pollTransmit).size();
            event = agent.pollEvent();
            if (now < ms(6_350)) {
                assertNull(event, "Failed before every candidate failed, at " + now);
            }
        }
        assertEquals(new IceEvent.Failed(), event);
        assertEquals(ms(6_350), now);
        assertEquals(2 * IceControllingAgent.MAX_TRANSMISSIONS, sends);
        assertEquals(Long.MAX_VALUE, agent.nextTimeoutNanos());
    }

    @Test
    void droppedFirstRequestsAreRetransmittedAndTheThirdSucceeds() {
        agent.addRemoteCandidate(SERVER);
        agent.start(ms(0));
        drain(agent::pollTransmit); // lost
        agent.handleTimeout(ms(100));
        drain(agent::pollTransmit); // lost
        agent.handleTimeout(ms(300));
        StunMessage third = parse(only());
        agent.handleStun(ms(320), SERVER, success(third, CLIENT_A));
        assertEquals(new IceEvent.Selected(SERVER), agent.pollEvent());
    }

    @Test
    void responseWithBadIntegrityIsDroppedAndTheCheckGoesOn() {
        agent.addRemoteCandidate(SERVER);
        agent.start(0);
        StunMessage request = parse(only());
        StunMessage forged = parse(StunMessageWriter.bindingSuccess(request.transactionId()).xorMappedAddress(CLIENT_A)
                .messageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())).fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.DROPPED_BAD_INTEGRITY, agent.handleStun(ms(10), SERVER, forged));
        StunMessage unsigned = parse(StunMessageWriter.bindingSuccess(request.transactionId()).xorMappedAddress(CLIENT_A)
                .fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.DROPPED_BAD_INTEGRITY, agent.handleStun(ms(10), SERVER, unsigned));
        assertNull(agent.pollEvent());
        assertEquals(2, agent.count(IceCheckOutcome.DROPPED_BAD_INTEGRITY));
        assertEquals(IceCheckOutcome.RESPONSE_ACCEPTED, agent.handleStun(ms(20), SERVER, success(request, CLIENT_A)));
        assertEquals(new IceEvent.Selected(SERVER), agent.pollEvent());
    }

    @Test
    void unknownTransactionAndAsymmetricResponse() {
        agent.addRemoteCandidate(SERVER);
        agent.start(0);
        StunMessage request = parse(only());
        StunMessage stranger = parse(StunMessageWriter.bindingSuccess(TransactionId.random(random))
                .messageIntegrity(remoteKey).fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.DROPPED_UNEXPECTED, agent.handleStun(ms(10), SERVER, stranger));
        // RFC 8445 §7.2.5.2.1: the answer came from another address: the check fails.
        assertEquals(IceCheckOutcome.DROPPED_NOT_SYMMETRIC, agent.handleStun(ms(20), SERVER_2, success(request, CLIENT_A)));
        assertEquals(new IceEvent.Failed(), agent.pollEvent());
        assertEquals(IceCheckOutcome.DROPPED_CLOSED, agent.handleStun(ms(30), SERVER, success(request, CLIENT_A)));
    }

    @Test
    void roleConflictResponseRestartsTheCheckAsANewTransaction() {
        agent.addRemoteCandidate(SERVER);
        agent.start(0);
        StunMessage first = parse(only());
        for (int i = 0; i < IceControllingAgent.MAX_ROLE_CONFLICT_RETRIES; i++) {
            StunMessage conflict = parse(StunMessageWriter.bindingError(first.transactionId(), StunError.ROLE_CONFLICT)
                    .messageIntegrity(remoteKey).fingerprint().toByteArray());
            assertEquals(IceCheckOutcome.RESPONSE_ERROR, agent.handleStun(ms(10 + i), SERVER, conflict));
            StunMessage retry = parse(only());
            assertNotEquals(first.transactionId(), retry.transactionId());
            assertTrue(retry.iceControlling().isPresent());
            assertNull(agent.pollEvent());
            first = retry;
        }
        // Out of retries: the next 487 fails the check.
        StunMessage conflict = parse(StunMessageWriter.bindingError(first.transactionId(), StunError.ROLE_CONFLICT)
                .messageIntegrity(remoteKey).fingerprint().toByteArray());
        agent.handleStun(ms(20), SERVER, conflict);
        assertEquals(new IceEvent.Failed(), agent.pollEvent());
    }

    @Test
    void roleConflictThenSuccess() {
        agent.addRemoteCandidate(SERVER);
        agent.start(0);
        StunMessage first = parse(only());
        agent.handleStun(ms(10), SERVER, parse(StunMessageWriter.bindingError(first.transactionId(), StunError.ROLE_CONFLICT)
                .messageIntegrity(remoteKey).fingerprint().toByteArray()));
        StunMessage retry = parse(only());
        agent.handleStun(ms(20), SERVER, success(retry, CLIENT_A));
        assertEquals(new IceEvent.Selected(SERVER), agent.pollEvent());
    }

    @Test
    void otherErrorResponsesFailTheCheck() {
        agent.addRemoteCandidate(SERVER);
        agent.start(0);
        StunMessage request = parse(only());
        // A 401 cannot be signed; it is trusted on the transaction ID.
        StunMessage unauthenticated = parse(StunMessageWriter.bindingError(request.transactionId(), StunError.UNAUTHENTICATED)
                .fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.RESPONSE_ERROR, agent.handleStun(ms(10), SERVER, unauthenticated));
        assertEquals(new IceEvent.Failed(), agent.pollEvent());
    }

    @Test
    void answersAFullPeersChecks() {
        // Janus/libnice, controlled, checks us: USERNAME local:remote, signed with our password.
        StunMessage request = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(local.ufrag() + ":" + remote.ufrag()).priority(1_234).iceControlled(random.nextLong()), local.pwd());
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(0, SERVER, request));
        Transmit t = only();
        assertEquals(SERVER, t.to());
        StunMessage r = parse(t);
        assertTrue(r.isBindingSuccess());
        assertEquals(request.transactionId(), r.transactionId());
        assertEquals(SERVER, r.xorMappedAddress());
        assertTrue(r.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())));
        assertTrue(r.verifyFingerprint());

        StunMessage wrongPassword = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(local.ufrag() + ":" + remote.ufrag()).iceControlled(1), remote.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, SERVER, wrongPassword));
        assertEquals(StunError.UNAUTHENTICATED, parse(only()).error().code());

        StunMessage wrongRemote = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(local.ufrag() + ":abcd").iceControlled(1), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, SERVER, wrongRemote));
        only();

        // A peer that also claims to be controlling is told 487 (we cannot yield).
        StunMessage controlling = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(local.ufrag() + ":" + remote.ufrag()).iceControlling(-1L), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_ROLE_CONFLICT, agent.handleStun(0, SERVER, controlling));
        StunMessage conflict = parse(only());
        assertEquals(StunError.ROLE_CONFLICT, conflict.error().code());
        assertTrue(conflict.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())));
        assertNull(agent.pollEvent(), "answering checks selects nothing on the controlling side");
    }

    @Test
    void consentChecksKeepTheSessionAliveAndItDiesThirtySecondsAfterTheLastAnswer() {
        agent.addRemoteCandidate(SERVER);
        agent.start(0);
        agent.handleStun(ms(10), SERVER, success(parse(only()), CLIENT_A));
        assertEquals(new IceEvent.Selected(SERVER), agent.pollEvent());

        long now = ms(10);
        long lastAnswer = now;
        int consentChecks = 0;
        long previousSend = now;
        while (now < ms(60_000)) {
            now = agent.nextTimeoutNanos();
            agent.handleTimeout(now);
            for (Transmit t : drain(agent::pollTransmit)) {
                StunMessage m = parse(t);
                assertEquals(SERVER, t.to());
                assertTrue(m.isBindingRequest());
                assertTrue(m.useCandidate(), "consent checks keep nominating (aggressive nomination)");
                assertTrue(m.verifyMessageIntegrity(remoteKey));
                long gap = now - previousSend;
                assertTrue(gap >= ms(4_000) && gap <= ms(6_000), "consent interval " + gap);
                previousSend = now;
                consentChecks++;
                assertEquals(IceCheckOutcome.RESPONSE_ACCEPTED, agent.handleStun(now + ms(20), SERVER, success(m, CLIENT_A)));
                lastAnswer = now + ms(20);
            }
        }
        assertTrue(consentChecks >= 10, "consent checks " + consentChecks);
        assertNull(agent.pollEvent());

        // From now on the peer is silent: checks keep going, Dead exactly 30 s after the last answer.
        List<Long> silentSends = new ArrayList<>();
        IceEvent event = null;
        while (event == null) {
            now = agent.nextTimeoutNanos();
            assertTrue(now <= lastAnswer + ms(30_000));
            agent.handleTimeout(now);
            silentSends.addAll(drain(agent::pollTransmit).stream().map(t -> 0L).toList());
            event = agent.pollEvent();
        }
        assertEquals(new IceEvent.Dead(), event);
        assertEquals(lastAnswer + ms(30_000), now);
        assertTrue(silentSends.size() >= 4, "kept asking while silent: " + silentSends.size());
        assertFalse(agent.isValidated(SERVER));
        assertEquals(Long.MAX_VALUE, agent.nextTimeoutNanos());
    }

    @Test
    void candidateAddedAfterStartIsCheckedInTheNextSlot() {
        agent.start(ms(1_000));
        assertEquals(Long.MAX_VALUE, agent.nextTimeoutNanos());
        assertNull(agent.pollTransmit());
        agent.handleTimeout(ms(2_000));
        agent.addRemoteCandidate(SERVER);
        agent.addRemoteCandidate(SERVER); // duplicate, ignored
        assertEquals(ms(2_000), agent.nextTimeoutNanos());
        agent.handleTimeout(ms(2_000));
        assertEquals(SERVER, only().to());
        agent.addRemoteCandidate(SERVER_2);
        assertEquals(ms(2_050), agent.nextTimeoutNanos());
    }
}
