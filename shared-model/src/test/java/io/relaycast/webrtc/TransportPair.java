package io.relaycast.webrtc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.Transmit;
import io.relaycast.testing.SimulatedNetwork;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A client transport and a server transport joined by a {@link SimulatedNetwork}, stepped in
 * simulated time: each step jumps to the next delivery or the earlier transport deadline, hands
 * it over, then lets both DTLS handshake threads go idle ({@link MediaTransport#awaitDtlsIdle}, as
 * the DTLS package's own simulation does), pumps both transports and puts what they want sent on
 * the network. So a run depends on the seed and the inputs only, not on thread timing.
 *
 * <p>The client sits behind a NAT whose public address ({@link #clientAddress}) the test can change
 * to model a rebinding; datagrams to an old mapping are lost ({@link #undeliverable}).
 */
final class TransportPair {

    static final long MS = 1_000_000L;
    static final InetSocketAddress SERVER_ADDRESS = address("203.0.113.5", 3478);
    static final InetSocketAddress CLIENT_ADDRESS = address("198.51.100.10", 50000);

    /** Sees every delivery and what the receiving transport made of it. */
    interface Receiver {
        void received(boolean atServer, SimulatedNetwork.Delivery delivery, DatagramOutcome outcome, int plaintextLength);
    }

    final MediaTransport client;
    final MediaTransport server;
    final SimulatedNetwork network;
    final List<MediaTransportEvent> clientEvents = new ArrayList<>();
    final List<MediaTransportEvent> serverEvents = new ArrayList<>();
    /** The client's public address: where it sends from and where the server's datagrams reach it. */
    InetSocketAddress clientAddress = CLIENT_ADDRESS;
    long undeliverable;
    Receiver receiver = (atServer, delivery, outcome, plaintextLength) -> { };
    /** Calls of either transport's DTLS wakeup (made on pool threads). */
    final AtomicInteger wakeups;
    private long now;

    private TransportPair(MediaTransport client, MediaTransport server, SimulatedNetwork network, AtomicInteger wakeups) {
        this.wakeups = wakeups;
        this.client = client;
        this.server = server;
        this.network = network;
    }

    /**
     * Both transports at simulated time 0, the client given the server's address as its only
     * candidate (not started yet). ICE credentials and both transports' randomness come from
     * {@code seed}, so a run can be replayed.
     */
    static TransportPair create(DtlsSetup clientSetup, DtlsFingerprint clientExpects,
                                DtlsSetup serverSetup, DtlsFingerprint serverExpects,
                                SimulatedNetwork network, long seed) {
        Random random = new Random(seed);
        IceCredentials clientIce = IceCredentials.generate(random);
        IceCredentials serverIce = IceCredentials.generate(random);
        AtomicInteger wakeups = new AtomicInteger();
        MediaTransport server = MediaTransport.server(serverIce, clientIce, serverExpects, serverSetup,
                wakeups::incrementAndGet, seededSecureRandom(random.nextLong()), 0);
        MediaTransport client = MediaTransport.client(clientIce, serverIce, clientExpects, clientSetup,
                wakeups::incrementAndGet, seededSecureRandom(random.nextLong()));
        client.addRemoteCandidate(SERVER_ADDRESS);
        return new TransportPair(client, server, network, wakeups);
    }

    /** A SecureRandom that repeats for the same seed, so that ICE's consent jitter does too. */
    static SecureRandom seededSecureRandom(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed); // before any output: the sequence depends on the seed alone
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    long now() {
        return now;
    }

    void start() throws InterruptedException {
        client.start(now);
        settle();
    }

    /** The next delivery or transport deadline, or {@link Long#MAX_VALUE}. */
    long nextEventNanos() {
        return Math.min(network.nextDeliveryNanos(), Math.min(client.nextTimeoutNanos(), server.nextTimeoutNanos()));
    }

    /** Processes the next delivery or the due deadlines; false when nothing is pending. */
    boolean step() throws InterruptedException {
        long next = nextEventNanos();
        if (next == Long.MAX_VALUE) {
            return false;
        }
        now = Math.max(now, next);
        SimulatedNetwork.Delivery delivery = network.poll(now);
        if (delivery != null) {
            deliver(delivery);
        } else {
            if (client.nextTimeoutNanos() <= now) {
                client.handleTimeout(now);
            }
            if (server.nextTimeoutNanos() <= now) {
                server.handleTimeout(now);
            }
        }
        settle();
        return true;
    }

    /** Steps through everything due up to {@code nanos}, then sets the clock to it. */
    void advanceTo(long nanos) throws InterruptedException {
        int steps = 0;
        while (nextEventNanos() <= nanos) {
            step();
            if (++steps > 1_000_000) {
                throw new AssertionError("simulation does not advance at " + now / MS + " ms: " + network);
            }
        }
        now = Math.max(now, nanos);
    }

    /** Steps until {@code done} holds, nothing is pending, or the next event lies past {@code limitNanos}. */
    boolean runUntil(BooleanSupplier done, long limitNanos) throws InterruptedException {
        int steps = 0;
        while (!done.getAsBoolean()) {
            if (nextEventNanos() > limitNanos || !step()) {
                return done.getAsBoolean();
            }
            if (++steps > 1_000_000) {
                throw new AssertionError("simulation does not advance at " + now / MS + " ms: " + network);
            }
        }
        return true;
    }

    boolean bothConnected() {
        return client.isConnected() && server.isConnected();
    }

    private void deliver(SimulatedNetwork.Delivery d) {
        MediaTransport to;
        if (d.to().equals(SERVER_ADDRESS)) {
            to = server;
        } else if (d.to().equals(clientAddress)) {
            to = client;
        } else {
            undeliverable++; // an expired NAT mapping
            return;
        }
        DatagramOutcome outcome = to.handleDatagram(now, d.from(), d.data(), 0, d.data().length);
        receiver.received(to == server, d, outcome, to.plaintextLength());
    }

    /** Hands {@code data} to one side directly, outside the network, and settles. */
    DatagramOutcome inject(boolean toServer, InetSocketAddress from, byte[] data) throws InterruptedException {
        MediaTransport to = toServer ? server : client;
        DatagramOutcome outcome = to.handleDatagram(now, from, data, 0, data.length);
        settle();
        return outcome;
    }

    /** Puts an already protected media datagram of one side on the network, to its peer's selected address. */
    long sendMedia(boolean fromServer, byte[] datagram) {
        MediaTransport from = fromServer ? server : client;
        return network.send(now, fromServer ? SERVER_ADDRESS : clientAddress, from.remoteAddress(), datagram);
    }

    /** Lets both DTLS threads go idle, pumps both transports, and moves their output onto the network. */
    void settle() throws InterruptedException {
        assertTrue(client.awaitDtlsIdle(10_000), "client DTLS did not settle");
        assertTrue(server.awaitDtlsIdle(10_000), "server DTLS did not settle");
        client.pump(now);
        server.pump(now);
        collect(client, clientAddress, clientEvents);
        collect(server, SERVER_ADDRESS, serverEvents);
    }

    private void collect(MediaTransport from, InetSocketAddress source, List<MediaTransportEvent> events) {
        for (Transmit t = from.pollTransmit(); t != null; t = from.pollTransmit()) {
            network.send(now, source, t.to(), t.data());
        }
        for (MediaTransportEvent e = from.pollEvent(); e != null; e = from.pollEvent()) {
            events.add(e);
        }
    }

    void close() throws InterruptedException {
        client.close();
        server.close();
        settle();
    }
}
