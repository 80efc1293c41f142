package io.relaycast.ice;

import io.relaycast.stun.MessageIntegrityKey;
import io.relaycast.stun.StunError;
import io.relaycast.stun.StunMessage;
import io.relaycast.stun.StunMessageWriter;
import io.relaycast.stun.TransactionId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.relaycast.ice.IceTestSupport.CLIENT_A;
import static io.relaycast.ice.IceTestSupport.CLIENT_B;
import static io.relaycast.ice.IceTestSupport.CLIENT_V6;
import static io.relaycast.ice.IceTestSupport.browserCheck;
import static io.relaycast.ice.IceTestSupport.drain;
import static io.relaycast.ice.IceTestSupport.ms;
import static io.relaycast.ice.IceTestSupport.parse;
import static io.relaycast.ice.IceTestSupport.signed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IceLiteAgentTest {
    private final Random random = new Random(11);
    private IceCredentials local;
    private IceCredentials remote;
    private IceLiteAgent agent;
    private String username;

    @BeforeEach
    void setUp() {
        local = IceCredentials.generate(random);
        remote = IceCredentials.generate(random);
        agent = new IceLiteAgent(local, 0);
        username = local.ufrag() + ":" + remote.ufrag();
    }

    private StunMessage check(boolean useCandidate) {
        StunMessageWriter w = browserCheck(random, username);
        if (useCandidate) {
            w.useCandidate();
        }
        return signed(w, local.pwd());
    }

    /** The single reply the agent queued, parsed. */
    private StunMessage reply(java.net.InetSocketAddress expectedTo) {
        List<Transmit> out = drain(agent::pollTransmit);
        assertEquals(1, out.size(), "exactly one reply");
        assertEquals(expectedTo, out.get(0).to());
        StunMessage m = parse(out.get(0));
        assertTrue(m.verifyFingerprint(), "replies carry FINGERPRINT");
        return m;
    }

    private void assertErrorReply(StunMessage request, int code, boolean signedReply) {
        StunMessage r = reply(CLIENT_A);
        assertTrue(r.isBindingError());
        assertEquals(request.transactionId(), r.transactionId());
        assertEquals(code, r.error().code());
        assertEquals(signedReply, r.hasMessageIntegrity());
        if (signedReply) {
            assertTrue(r.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())));
        }
    }

    @Test
    void validCheckIsAnsweredWithXorMappedAddressIntegrityAndFingerprint() {
        StunMessage request = check(false);
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(ms(10), CLIENT_A, request));
        StunMessage r = reply(CLIENT_A);
        assertTrue(r.isBindingSuccess());
        assertEquals(request.transactionId(), r.transactionId());
        assertEquals(CLIENT_A, r.xorMappedAddress());
        assertTrue(r.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())));
        assertFalse(r.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(remote.pwd())));
        // Not nominated, but the first valid pair is used until a nomination says otherwise, so a
        // browser's DTLS ClientHello sent right after its first successful check is accepted.
        assertEquals(new IceEvent.Selected(CLIENT_A), agent.pollEvent());
        assertTrue(agent.isValidated(CLIENT_A));
        assertEquals(1, agent.count(IceCheckOutcome.ANSWERED));
    }

    @Test
    void aNominationOverAnotherPairReplacesTheProvisionalOne() {
        agent.handleStun(ms(0), CLIENT_A, check(false));
        assertEquals(new IceEvent.Selected(CLIENT_A), agent.pollEvent());
        // A second unnominated pair is accepted for receiving but does not take over sending.
        agent.handleStun(ms(20), CLIENT_B, check(false));
        assertNull(agent.pollEvent());
        assertTrue(agent.isValidated(CLIENT_B));
        assertEquals(CLIENT_A, agent.selectedAddress());
        // The nomination decides.
        agent.handleStun(ms(40), CLIENT_B, check(true));
        assertEquals(new IceEvent.AddressChanged(CLIENT_A, CLIENT_B), agent.pollEvent());
        assertEquals(CLIENT_B, agent.selectedAddress());
        assertFalse(agent.isValidated(CLIENT_A), "the abandoned pair is no longer vouched for");
    }

    @Test
    void failedChecksValidateNothing() {
        agent.handleStun(ms(0), CLIENT_A, signed(browserCheck(random, username), remote.pwd()));
        assertNull(agent.pollEvent());
        assertFalse(agent.isValidated(CLIENT_A));
    }

    @Test
    void ipv6SourceIsReflected() {
        agent.handleStun(0, CLIENT_V6, check(true));
        List<Transmit> out = drain(agent::pollTransmit);
        assertEquals(CLIENT_V6, parse(out.get(0)).xorMappedAddress());
        assertEquals(new IceEvent.Selected(CLIENT_V6), agent.pollEvent());
    }

    @Test
    void nominatedCheckSelectsTheSourceAddress() {
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(ms(10), CLIENT_A, check(true)));
        reply(CLIENT_A);
        assertEquals(new IceEvent.Selected(CLIENT_A), agent.pollEvent());
        assertNull(agent.pollEvent());
        assertTrue(agent.isValidated(CLIENT_A));
        assertFalse(agent.isValidated(CLIENT_B));
        assertEquals(CLIENT_A, agent.selectedAddress());
        // A second nomination from the same address changes nothing.
        agent.handleStun(ms(20), CLIENT_A, check(true));
        assertNull(agent.pollEvent());
    }

    @Test
    void remotePartIsOnlyCheckedOnceKnown() throws Exception {
        String other = local.ufrag() + ":zzzz";
        assertEquals(IceCheckOutcome.ANSWERED,
                agent.handleStun(0, CLIENT_A, signed(browserCheck(random, other), local.pwd())));
        drain(agent::pollTransmit);
        agent.setRemoteCredentials(remote.ufrag(), remote.pwd());
        assertEquals(remote, agent.remoteCredentials());
        StunMessage wrongRemote = signed(browserCheck(random, other), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, CLIENT_A, wrongRemote));
        assertErrorReply(wrongRemote, StunError.UNAUTHENTICATED, false);
        // A remote ufrag that merely ends like the real one is not accepted either.
        StunMessage longer = signed(browserCheck(random, username.replace(":", ":x")), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, CLIENT_A, longer));
        drain(agent::pollTransmit);
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(0, CLIENT_A, check(false)));
    }

    @Test
    void wrongPasswordIsRejectedWith401AndCounted() {
        StunMessage request = signed(browserCheck(random, username).useCandidate(), remote.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, CLIENT_A, request));
        assertErrorReply(request, StunError.UNAUTHENTICATED, false);
        assertEquals(1, agent.count(IceCheckOutcome.REJECTED_UNAUTHENTICATED));
        assertNull(agent.pollEvent(), "an unauthenticated USE-CANDIDATE must not select");
        assertFalse(agent.isValidated(CLIENT_A));
    }

    @Test
    void wrongUsernameIsRejectedWith401() {
        for (String bad : new String[]{"wxyz:" + remote.ufrag(), local.ufrag(), local.ufrag() + ":", remote.ufrag() + ":" + local.ufrag()}) {
            StunMessage request = signed(browserCheck(random, bad).useCandidate(), local.pwd());
            assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, CLIENT_A, request), bad);
            assertErrorReply(request, StunError.UNAUTHENTICATED, false);
        }
        assertEquals(4, agent.count(IceCheckOutcome.REJECTED_UNAUTHENTICATED));
        assertNull(agent.pollEvent());
    }

    @Test
    void missingIntegrityOrUsernameIsRejectedWith400() {
        StunMessage noIntegrity = parse(browserCheck(random, username).useCandidate().fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.REJECTED_BAD_REQUEST, agent.handleStun(0, CLIENT_A, noIntegrity));
        assertErrorReply(noIntegrity, StunError.BAD_REQUEST, false);
        StunMessage noUsername = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .priority(1).useCandidate(), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_BAD_REQUEST, agent.handleStun(0, CLIENT_A, noUsername));
        assertErrorReply(noUsername, StunError.BAD_REQUEST, false);
        assertEquals(2, agent.count(IceCheckOutcome.REJECTED_BAD_REQUEST));
        assertNull(agent.pollEvent());
    }

    @Test
    void badFingerprintIsDroppedSilently() {
        byte[] bytes = browserCheck(random, username).useCandidate()
                .messageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())).fingerprint().toByteArray();
        bytes[bytes.length - 1] ^= 1;
        assertEquals(IceCheckOutcome.DROPPED_BAD_FINGERPRINT, agent.handleStun(0, CLIENT_A, parse(bytes)));
        assertNull(agent.pollTransmit());
        assertNull(agent.pollEvent());
        assertEquals(1, agent.count(IceCheckOutcome.DROPPED_BAD_FINGERPRINT));
    }

    @Test
    void checkWithoutFingerprintIsAccepted() {
        StunMessage request = parse(browserCheck(random, username)
                .messageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())).toByteArray());
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(0, CLIENT_A, request));
    }

    @Test
    void unknownComprehensionRequiredAttributeGets420() {
        StunMessage request = signed(browserCheck(random, username).attribute(0x7ABC, new byte[]{1}), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNKNOWN_ATTRIBUTE, agent.handleStun(0, CLIENT_A, request));
        StunMessage r = reply(CLIENT_A);
        assertEquals(StunError.UNKNOWN_ATTRIBUTE, r.error().code());
        assertArrayEquals(new int[]{0x7ABC}, r.reportedUnknownAttributes());
        assertTrue(r.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())));
        // An unknown comprehension-optional attribute is fine.
        StunMessage optional = signed(browserCheck(random, username).attribute(0xC0DE, new byte[]{1}), local.pwd());
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(0, CLIENT_A, optional));
    }

    @Test
    void roleConflictGets487() {
        StunMessage request = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(username).priority(1).iceControlled(Long.MAX_VALUE).useCandidate(), local.pwd());
        assertEquals(IceCheckOutcome.REJECTED_ROLE_CONFLICT, agent.handleStun(0, CLIENT_A, request));
        assertErrorReply(request, StunError.ROLE_CONFLICT, true);
        assertNull(agent.pollEvent(), "a conflicting check nominates nothing");
        assertEquals(1, agent.count(IceCheckOutcome.REJECTED_ROLE_CONFLICT));
        // The same with a wrong password is an authentication failure first.
        StunMessage unauthenticated = signed(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(username).iceControlled(1), remote.pwd());
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, agent.handleStun(0, CLIENT_A, unauthenticated));
    }

    @Test
    void laterNominationFromAnotherAddressMovesTheSelection() {
        agent.handleStun(ms(0), CLIENT_A, check(true));
        assertEquals(new IceEvent.Selected(CLIENT_A), agent.pollEvent());
        // A valid but not nominating check from B: answered, selection unchanged.
        assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(ms(100), CLIENT_B, check(false)));
        assertNull(agent.pollEvent());
        assertTrue(agent.isValidated(CLIENT_A));
        // An invalid nominating check from B changes nothing.
        agent.handleStun(ms(150), CLIENT_B, signed(browserCheck(random, username).useCandidate(), remote.pwd()));
        assertNull(agent.pollEvent());
        // A valid nomination from B moves it.
        agent.handleStun(ms(200), CLIENT_B, check(true));
        assertEquals(new IceEvent.AddressChanged(CLIENT_A, CLIENT_B), agent.pollEvent());
        assertTrue(agent.isValidated(CLIENT_B));
        assertFalse(agent.isValidated(CLIENT_A));
        assertEquals(CLIENT_B, agent.selectedAddress());
    }

    @Test
    void consentExpiresThirtySecondsAfterTheLastValidCheckAndNotBefore() {
        agent.handleStun(ms(1_000), CLIENT_A, check(true));
        assertEquals(new IceEvent.Selected(CLIENT_A), agent.pollEvent());
        for (long t = 6_000; t <= 21_000; t += 5_000) {
            agent.handleTimeout(ms(t));
            assertEquals(IceCheckOutcome.ANSWERED, agent.handleStun(ms(t), CLIENT_A, check(false)));
        }
        // Checks on another address do not vouch for the selected one.
        agent.handleStun(ms(40_000), CLIENT_B, check(false));
        assertEquals(ms(51_000), agent.nextTimeoutNanos());
        agent.handleTimeout(ms(51_000) - 1);
        assertNull(agent.pollEvent());
        assertTrue(agent.isValidated(CLIENT_A));
        agent.handleTimeout(ms(51_000));
        assertEquals(new IceEvent.Dead(), agent.pollEvent());
        assertTrue(agent.isDead());
        assertFalse(agent.isValidated(CLIENT_A));
        assertEquals(Long.MAX_VALUE, agent.nextTimeoutNanos());
        drain(agent::pollTransmit);
        // Dead is final: a later valid check is ignored and not answered.
        assertEquals(IceCheckOutcome.DROPPED_CLOSED, agent.handleStun(ms(52_000), CLIENT_A, check(true)));
        assertNull(agent.pollTransmit());
        assertNull(agent.pollEvent());
        agent.handleTimeout(ms(90_000));
        assertNull(agent.pollEvent(), "Dead is reported once");
    }

    @Test
    void aLateCheckDoesNotReviveExpiredConsent() {
        agent.handleStun(0, CLIENT_A, check(true));
        agent.pollEvent();
        // The timer did not fire (a busy loop); the next check arrives after the deadline.
        assertEquals(IceCheckOutcome.DROPPED_CLOSED, agent.handleStun(ms(30_000), CLIENT_A, check(true)));
        assertEquals(new IceEvent.Dead(), agent.pollEvent());
    }

    @Test
    void aPeerThatNeverChecksIsDeadAfterThirtySecondsFromCreation() {
        IceLiteAgent late = new IceLiteAgent(local, ms(5_000));
        assertEquals(ms(35_000), late.nextTimeoutNanos());
        late.handleTimeout(ms(34_999));
        assertNull(late.pollEvent());
        late.handleTimeout(ms(35_000));
        assertEquals(new IceEvent.Dead(), late.pollEvent());
    }

    @Test
    void indicationsAndResponsesAreNotAnswered() {
        StunMessage indication = parse(StunMessageWriter.bindingIndication(TransactionId.random(random)).fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.KEEPALIVE, agent.handleStun(0, CLIENT_A, indication));
        StunMessage response = parse(StunMessageWriter.bindingSuccess(TransactionId.random(random)).xorMappedAddress(CLIENT_A)
                .messageIntegrity(MessageIntegrityKey.shortTerm(local.pwd())).fingerprint().toByteArray());
        assertEquals(IceCheckOutcome.DROPPED_UNEXPECTED, agent.handleStun(0, CLIENT_A, response));
        assertNull(agent.pollTransmit());
        assertTrue(IceCheckOutcome.DROPPED_UNEXPECTED.isDrop());
        assertFalse(IceCheckOutcome.KEEPALIVE.isDrop());
    }

    @Test
    void localUfragHelperAndCredentialValidation() {
        StunMessage request = check(false);
        assertEquals(local.ufrag(), IceLiteAgent.localUfragOf(request));
        assertNull(IceLiteAgent.localUfragOf(parse(StunMessageWriter.bindingRequest(TransactionId.random(random)).toByteArray())));
        assertNull(IceLiteAgent.localUfragOf(parse(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username("nocolon").toByteArray())));
        assertEquals("", IceLiteAgent.localUfragOf(parse(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(":x").toByteArray())));
        assertThrows(IceException.class, () -> agent.setRemoteCredentials("ab", remote.pwd()));
        assertNull(agent.remoteCredentials());
        assertEquals(local, agent.localCredentials());
    }
}
