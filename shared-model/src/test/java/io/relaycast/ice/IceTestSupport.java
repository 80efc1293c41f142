package io.relaycast.ice;

import io.relaycast.stun.MessageIntegrityKey;
import io.relaycast.stun.StunException;
import io.relaycast.stun.StunMessage;
import io.relaycast.stun.StunMessageWriter;
import io.relaycast.stun.TransactionId;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** Shared helpers for the ICE tests: addresses, times, hand-made checks. */
final class IceTestSupport {
    static final InetSocketAddress CLIENT_A = address("198.51.100.10", 50000);
    static final InetSocketAddress CLIENT_B = address("198.51.100.11", 50001);
    static final InetSocketAddress CLIENT_V6 = address("2001:db8::10", 50002);
    static final InetSocketAddress SERVER = address("203.0.113.5", 3478);
    static final InetSocketAddress SERVER_2 = address("203.0.113.6", 3478);

    private IceTestSupport() {
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static long ms(long millis) {
        return millis * 1_000_000L;
    }

    static StunMessage parse(byte[] bytes) {
        try {
            return StunMessage.parse(bytes);
        } catch (StunException e) {
            throw new AssertionError("agent produced malformed STUN", e);
        }
    }

    static StunMessage parse(Transmit t) {
        return parse(t.data());
    }

    /** Drains a transmit queue. */
    static List<Transmit> drain(Supplier<Transmit> poll) {
        List<Transmit> out = new ArrayList<>();
        for (Transmit t = poll.get(); t != null; t = poll.get()) {
            out.add(t);
        }
        return out;
    }

    /** A check as a browser (controlling, full ICE) would send it to the node. */
    static StunMessageWriter browserCheck(Random random, String username) {
        return StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username(username)
                .priority(IceControllingAgent.PEER_REFLEXIVE_PRIORITY)
                .iceControlling(random.nextLong());
    }

    static StunMessage signed(StunMessageWriter w, String pwd) {
        return parse(w.messageIntegrity(MessageIntegrityKey.shortTerm(pwd)).fingerprint().toByteArray());
    }
}
