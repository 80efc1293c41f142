package io.relaycast.dtls;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * Two DTLS endpoints joined by a simulated network stepped in simulated time: datagrams get a
 * delay (plus seeded jitter, which reorders them) and may be dropped; time jumps straight to the
 * next delivery or endpoint deadline. After every input both endpoints are allowed to settle
 * ({@link DtlsEndpoint#awaitIdle}) so each run is the same for the same seed.
 */
final class SimulatedLink {

    static final long MS = 1_000_000L;

    private record InFlight(long deliverAt, long order, boolean toServer, byte[] bytes) {
    }

    final DtlsEndpoint client;
    final DtlsEndpoint server;
    final List<DtlsEvent> clientEvents = new ArrayList<>();
    final List<DtlsEvent> serverEvents = new ArrayList<>();
    /** What happened, without byte contents (those depend on SecureRandom), for determinism checks. */
    final List<String> transcript = new ArrayList<>();
    /** Every datagram either side sent, in order, for corpora. */
    final List<byte[]> sent = new ArrayList<>();

    private final Random random;
    private final double lossRate;
    private final long delayNanos;
    private final long jitterNanos;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>(
            (a, b) -> a.deliverAt != b.deliverAt ? Long.compare(a.deliverAt, b.deliverAt) : Long.compare(a.order, b.order));
    private long order;
    private long now;
    int dropped;
    int delivered;
    /** When false, datagrams are collected into the transcript but never delivered. */
    boolean deliver = true;
    /**
     * Rewrites each batch of datagrams one endpoint produced in one step (to drop or reorder
     * particular ones) before the loss model sees it; the flag says whether they go to the server.
     */
    BiFunction<Boolean, List<byte[]>, List<byte[]>> batchFilter = (toServer, batch) -> batch;

    SimulatedLink(DtlsEndpoint client, DtlsEndpoint server, Random random, double lossRate,
                  long delayNanos, long jitterNanos) {
        this.client = client;
        this.server = server;
        this.random = random;
        this.lossRate = lossRate;
        this.delayNanos = delayNanos;
        this.jitterNanos = jitterNanos;
    }

    /** A loss-free link with a fixed 10 ms one-way delay. */
    static SimulatedLink perfect(DtlsEndpoint client, DtlsEndpoint server) {
        return new SimulatedLink(client, server, new Random(0), 0, 10 * MS, 0);
    }

    long now() {
        return now;
    }

    void start() throws InterruptedException {
        client.start(now);
        server.start(now);
        settle();
    }

    /**
     * Steps until {@code done} holds or nothing is left to happen or simulated time passes
     * {@code limitNanos}.
     */
    boolean runUntil(BooleanSupplier done, long limitNanos) throws InterruptedException {
        while (!done.getAsBoolean()) {
            if (!step() || now > limitNanos) {
                return done.getAsBoolean();
            }
        }
        return true;
    }

    /** Runs until both ends reported a terminal or connected event, or 60 s of simulated time. */
    boolean runUntilBothReported() throws InterruptedException {
        return runUntil(() -> !clientEvents.isEmpty() && !serverEvents.isEmpty(), 60_000 * MS);
    }

    /** Processes the single next thing (delivery or deadline); false if nothing is pending. */
    boolean step() throws InterruptedException {
        InFlight next = inFlight.peek();
        long clientDeadline = client.nextTimeoutNanos();
        long serverDeadline = server.nextTimeoutNanos();
        long nextTime = Math.min(next == null ? Long.MAX_VALUE : next.deliverAt, Math.min(clientDeadline, serverDeadline));
        if (nextTime == Long.MAX_VALUE) {
            return false;
        }
        now = Math.max(now, nextTime);
        if (next != null && next.deliverAt == nextTime) {
            inFlight.poll();
            DtlsEndpoint to = next.toServer ? server : client;
            to.handleDatagram(now, next.bytes, 0, next.bytes.length);
            delivered++;
            transcript.add(now / MS + " deliver " + (next.toServer ? "c>s" : "s>c") + " #" + next.order);
        } else if (clientDeadline == nextTime) {
            transcript.add(now / MS + " timeout client");
            client.handleTimeout(now);
        } else {
            transcript.add(now / MS + " timeout server");
            server.handleTimeout(now);
        }
        settle();
        return true;
    }

    /** Waits for both endpoints to go idle, then moves their output onto the network. */
    void settle() throws InterruptedException {
        assertTrue(client.awaitIdle(10_000), "client did not settle");
        assertTrue(server.awaitIdle(10_000), "server did not settle");
        collect(client, true, clientEvents);
        collect(server, false, serverEvents);
    }

    private void collect(DtlsEndpoint from, boolean toServer, List<DtlsEvent> events) {
        List<byte[]> batch = new ArrayList<>();
        for (byte[] d = from.pollTransmit(); d != null; d = from.pollTransmit()) {
            sent.add(d);
            batch.add(d);
        }
        for (byte[] d : batchFilter.apply(toServer, batch)) {
            long id = order++;
            if (!deliver) {
                transcript.add(now / MS + " held " + (toServer ? "c>s" : "s>c") + " #" + id);
            } else if (random.nextDouble() < lossRate) {
                dropped++;
                transcript.add(now / MS + " drop " + (toServer ? "c>s" : "s>c") + " #" + id);
            } else {
                long jitter = jitterNanos == 0 ? 0 : (long) (random.nextDouble() * jitterNanos);
                inFlight.add(new InFlight(now + delayNanos + jitter, id, toServer, d));
            }
        }
        for (DtlsEvent e = from.pollEvent(); e != null; e = from.pollEvent()) {
            events.add(e);
            transcript.add(now / MS + " event " + (toServer ? "client " : "server ") + e.getClass().getSimpleName());
        }
    }

    /** Hands a datagram to an endpoint directly, outside the simulated network. */
    void inject(DtlsEndpoint to, byte[] datagram) throws InterruptedException {
        to.handleDatagram(now, datagram, 0, datagram.length);
        settle();
    }
}
