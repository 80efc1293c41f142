package io.relaycast.ice;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import static io.relaycast.ice.IceTestSupport.CLIENT_A;
import static io.relaycast.ice.IceTestSupport.CLIENT_B;
import static io.relaycast.ice.IceTestSupport.SERVER;
import static io.relaycast.ice.IceTestSupport.ms;
import static io.relaycast.ice.IceTestSupport.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A controlling agent (load-test client) and a lite agent (node) wired back to back over a
 * simulated network with latency, loss and NAT rebinding, stepped in simulated time.
 */
class IcePairTest {
    private static final long LATENCY = ms(15);

    /** One timed event seen on one side. */
    private record Seen(long at, IceEvent event) {
    }

    private record InFlight(long at, long seq, boolean toServer, byte[] data) {
    }

    private static final class Sim {
        final Random random;
        final IceCredentials serverCredentials;
        final IceCredentials clientCredentials;
        final IceLiteAgent server;
        final IceControllingAgent client;
        final PriorityQueue<InFlight> network = new PriorityQueue<>(
                Comparator.comparingLong(InFlight::at).thenComparingLong(InFlight::seq));
        final List<Seen> serverEvents = new ArrayList<>();
        final List<Seen> clientEvents = new ArrayList<>();
        /** The client's address as the server sees it (changes on a NAT rebinding). */
        InetSocketAddress clientSeenAs = CLIENT_A;
        double lossRate;
        boolean blackhole;
        int dropFirstClientDatagrams;
        long now;
        long seq;
        long lastValidCheckAtServer = -1;
        long lastResponseAtClient = -1;

        Sim(long seed) throws IceException {
            random = new Random(seed);
            serverCredentials = IceCredentials.generate(random);
            clientCredentials = IceCredentials.generate(random);
            server = new IceLiteAgent(serverCredentials, 0);
            server.setRemoteCredentials(clientCredentials.ufrag(), clientCredentials.pwd());
            client = new IceControllingAgent(clientCredentials, serverCredentials, random);
            client.addRemoteCandidate(SERVER);
        }

        void runUntil(long end) {
            while (true) {
                collect();
                long next = Math.min(server.nextTimeoutNanos(), client.nextTimeoutNanos());
                if (!network.isEmpty()) {
                    next = Math.min(next, network.peek().at());
                }
                if (next > end) {
                    now = end;
                    return;
                }
                now = Math.max(now, next);
                while (!network.isEmpty() && network.peek().at() <= now) {
                    deliver(network.poll());
                }
                server.handleTimeout(now);
                client.handleTimeout(now);
            }
        }

        private void deliver(InFlight f) {
            if (f.toServer()) {
                IceCheckOutcome o = server.handleStun(now, clientSeenAs, parse(f.data()));
                if (o == IceCheckOutcome.ANSWERED) {
                    lastValidCheckAtServer = now;
                }
            } else {
                IceCheckOutcome o = client.handleStun(now, SERVER, parse(f.data()));
                if (o == IceCheckOutcome.RESPONSE_ACCEPTED) {
                    lastResponseAtClient = now;
                }
            }
        }

        private void collect() {
            for (Transmit t = client.pollTransmit(); t != null; t = client.pollTransmit()) {
                assertEquals(SERVER, t.to());
                if (dropFirstClientDatagrams > 0) {
                    dropFirstClientDatagrams--;
                    continue;
                }
                send(true, t);
            }
            for (Transmit t = server.pollTransmit(); t != null; t = server.pollTransmit()) {
                // Replies go to where the request came from; after a rebinding that is the new
                // mapping, which the NAT still forwards to the client.
                assertEquals(clientSeenAs, t.to());
                send(false, t);
            }
            for (IceEvent e = server.pollEvent(); e != null; e = server.pollEvent()) {
                serverEvents.add(new Seen(now, e));
            }
            for (IceEvent e = client.pollEvent(); e != null; e = client.pollEvent()) {
                clientEvents.add(new Seen(now, e));
            }
        }

        private void send(boolean toServer, Transmit t) {
            if (blackhole || (lossRate > 0 && random.nextDouble() < lossRate)) {
                return;
            }
            network.add(new InFlight(now + LATENCY, seq++, toServer, t.data()));
        }
    }

    @Test
    void bothSidesSelectEachOther() throws Exception {
        Sim sim = new Sim(1);
        sim.client.start(0);
        sim.runUntil(ms(1_000));
        assertEquals(List.of(new Seen(LATENCY, new IceEvent.Selected(CLIENT_A))), sim.serverEvents);
        assertEquals(List.of(new Seen(2 * LATENCY, new IceEvent.Selected(SERVER))), sim.clientEvents);
        assertTrue(sim.server.isValidated(CLIENT_A));
        assertTrue(sim.client.isValidated(SERVER));
        assertEquals(1, sim.server.count(IceCheckOutcome.ANSWERED));
        assertEquals(1, sim.client.count(IceCheckOutcome.RESPONSE_ACCEPTED));
    }

    @Test
    void lostFirstChecksAreRetransmitted() throws Exception {
        Sim sim = new Sim(2);
        sim.dropFirstClientDatagrams = 3;
        sim.client.start(0);
        sim.runUntil(ms(2_000));
        // Sends at 0, 100, 300 are lost; the one at 700 ms gets through.
        assertEquals(List.of(new Seen(ms(700) + LATENCY, new IceEvent.Selected(CLIENT_A))), sim.serverEvents);
        assertEquals(List.of(new Seen(ms(700) + 2 * LATENCY, new IceEvent.Selected(SERVER))), sim.clientEvents);
    }

    @Test
    void consentHoldsForMinutesThenBothSidesDieThirtySecondsAfterTheNetworkGoesAway() throws Exception {
        Sim sim = new Sim(3);
        sim.client.start(0);
        sim.runUntil(ms(180_000));
        assertEquals(1, sim.serverEvents.size());
        assertEquals(1, sim.clientEvents.size());
        assertTrue(sim.server.count(IceCheckOutcome.ANSWERED) >= 30, "consent checks answered");

        sim.blackhole = true;
        long lastCheck = sim.lastValidCheckAtServer;
        long lastResponse = sim.lastResponseAtClient;
        assertTrue(lastCheck > ms(180_000 - 6_000));
        sim.runUntil(ms(240_000));
        assertEquals(new Seen(lastCheck + IceLiteAgent.CONSENT_TIMEOUT_NANOS, new IceEvent.Dead()), sim.serverEvents.get(1));
        assertEquals(new Seen(lastResponse + IceControllingAgent.CONSENT_TIMEOUT_NANOS, new IceEvent.Dead()), sim.clientEvents.get(1));
        assertFalse(sim.server.isValidated(CLIENT_A));
        assertFalse(sim.client.isValidated(SERVER));
    }

    @Test
    void serverFollowsTheClientAcrossANatRebinding() throws Exception {
        Sim sim = new Sim(4);
        sim.client.start(0);
        sim.runUntil(ms(10_000));
        sim.clientSeenAs = CLIENT_B;
        sim.runUntil(ms(70_000));
        assertEquals(new IceEvent.Selected(CLIENT_A), sim.serverEvents.get(0).event());
        assertEquals(new IceEvent.AddressChanged(CLIENT_A, CLIENT_B), sim.serverEvents.get(1).event());
        long changedAt = sim.serverEvents.get(1).at();
        assertTrue(changedAt > ms(10_000) && changedAt <= ms(16_000) + LATENCY, "changed at " + changedAt);
        assertEquals(2, sim.serverEvents.size(), "no Dead: consent moved with the address");
        assertTrue(sim.server.isValidated(CLIENT_B));
        assertFalse(sim.server.isValidated(CLIENT_A));
        assertEquals(1, sim.clientEvents.size());
    }

    @Test
    void nothingGetsThroughSoTheClientFailsAndTheServerDies() throws Exception {
        Sim sim = new Sim(5);
        sim.blackhole = true;
        sim.client.start(0);
        sim.runUntil(ms(60_000));
        assertEquals(List.of(new Seen(ms(6_300), new IceEvent.Failed())), sim.clientEvents);
        assertEquals(List.of(new Seen(IceLiteAgent.CONSENT_TIMEOUT_NANOS, new IceEvent.Dead())), sim.serverEvents);
    }

    @Test
    void clientWithTheWrongServerPasswordIsRejectedAndFails() throws Exception {
        Sim sim = new Sim(6);
        IceControllingAgent wrong = new IceControllingAgent(sim.clientCredentials,
                IceCredentials.of(sim.serverCredentials.ufrag(), sim.clientCredentials.pwd()), sim.random);
        wrong.addRemoteCandidate(SERVER);
        wrong.start(0);
        Transmit check = wrong.pollTransmit();
        assertEquals(IceCheckOutcome.REJECTED_UNAUTHENTICATED, sim.server.handleStun(ms(15), CLIENT_A, parse(check)));
        Transmit reply = sim.server.pollTransmit();
        assertEquals(IceCheckOutcome.RESPONSE_ERROR, wrong.handleStun(ms(30), SERVER, parse(reply)));
        assertEquals(new IceEvent.Failed(), wrong.pollEvent());
        assertEquals(1, sim.server.count(IceCheckOutcome.REJECTED_UNAUTHENTICATED));
        assertEquals(null, sim.server.pollEvent());
    }

    @Test
    void lossyNetworkStillConnectsForEverySeed() throws Exception {
        for (long seed = 100; seed < 130; seed++) {
            Sim sim = new Sim(seed);
            sim.lossRate = 0.2;
            sim.client.start(0);
            sim.runUntil(ms(60_000));
            String where = "seed " + seed + " (rerun with new Sim(" + seed + ") and lossRate 0.2)";
            assertEquals(new IceEvent.Selected(CLIENT_A), sim.serverEvents.get(0).event(), where);
            assertEquals(new IceEvent.Selected(SERVER), sim.clientEvents.get(0).event(), where);
            assertEquals(1, sim.serverEvents.size(), where + ": " + sim.serverEvents);
            assertEquals(1, sim.clientEvents.size(), where + ": " + sim.clientEvents);
            assertTrue(sim.server.isValidated(CLIENT_A), where);
        }
    }
}
