package io.relaycast.testing;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

/**
 * A seeded, lossy, reordering datagram network for simulation tests, in simulated time.
 *
 * <p>Each datagram sent is dropped with probability {@code lossRate}; otherwise it is delivered
 * after {@code baseDelay} plus a uniform random extra delay of up to {@code jitter}, so datagrams
 * sent close together overtake each other. A delivered datagram is duplicated with probability
 * {@code duplicateRate}: a second copy (its own array, its own delay) with the same
 * {@link Delivery#id()}. {@link #poll} hands datagrams out in delivery-time order (ties in send
 * order). The network keeps no clock: callers pass their simulated time in, like the engines.
 *
 * <p>The same seed and the same sequence of calls give the same drops, delays and duplicates, so
 * a failing run can be replayed by its seed. Links can be cut one way ({@link #cut}) to model a
 * peer that went silent.
 */
public final class SimulatedNetwork {

    /** One datagram on its way. {@code copy} marks the second copy of a duplicated datagram. */
    public record Delivery(long id, long atNanos, InetSocketAddress from, InetSocketAddress to, byte[] data,
                           boolean copy) {
    }

    private record Link(InetSocketAddress from, InetSocketAddress to) {
    }

    private record Scheduled(Delivery delivery, long order) {
    }

    private final long seed;
    private final Random random;
    private final double lossRate;
    private final double duplicateRate;
    private final long baseDelayNanos;
    private final long jitterNanos;
    private final PriorityQueue<Scheduled> inFlight = new PriorityQueue<>((a, b) -> {
        int at = Long.compare(a.delivery.atNanos(), b.delivery.atNanos());
        return at != 0 ? at : Long.compare(a.order, b.order);
    });
    private final Set<Link> cut = new HashSet<>();
    private long nextId;
    private long nextOrder;
    private long sent;
    private long dropped;
    private long blocked;
    private long duplicated;
    private long delivered;

    /**
     * @param seed           seeds every random decision; print it when a test fails
     * @param lossRate       probability that a datagram is lost, 0..1
     * @param duplicateRate  probability that a datagram that is not lost arrives twice, 0..1
     * @param baseDelayNanos one-way delay every datagram has
     * @param jitterNanos    maximum extra random delay (uniform), which reorders datagrams
     */
    public SimulatedNetwork(long seed, double lossRate, double duplicateRate, long baseDelayNanos, long jitterNanos) {
        if (lossRate < 0 || lossRate > 1 || duplicateRate < 0 || duplicateRate > 1) {
            throw new IllegalArgumentException("rates must be within 0..1");
        }
        if (baseDelayNanos < 0 || jitterNanos < 0) {
            throw new IllegalArgumentException("delays must not be negative");
        }
        this.seed = seed;
        this.random = new Random(seed);
        this.lossRate = lossRate;
        this.duplicateRate = duplicateRate;
        this.baseDelayNanos = baseDelayNanos;
        this.jitterNanos = jitterNanos;
    }

    /** A loss-free, in-order network with a fixed delay. */
    public static SimulatedNetwork perfect(long delayNanos) {
        return new SimulatedNetwork(0, 0, 0, delayNanos, 0);
    }

    public long seed() {
        return seed;
    }

    /**
     * Sends {@code data} (the network takes the array; the sender must not touch it again).
     *
     * @return the datagram's id, shared by a duplicate copy
     */
    public long send(long nowNanos, InetSocketAddress from, InetSocketAddress to, byte[] data) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(data, "data");
        long id = nextId++;
        sent++;
        // Draw every random number even for cut links, so that cutting one link does not shift
        // the decisions made for the others.
        boolean lost = random.nextDouble() < lossRate;
        long delay = delay();
        boolean duplicate = random.nextDouble() < duplicateRate;
        long copyDelay = delay();
        if (cut.contains(new Link(from, to))) {
            blocked++;
            return id;
        }
        if (lost) {
            dropped++;
            return id;
        }
        schedule(new Delivery(id, nowNanos + delay, from, to, data, false));
        if (duplicate) {
            duplicated++;
            schedule(new Delivery(id, nowNanos + copyDelay, from, to, data.clone(), true));
        }
        return id;
    }

    private long delay() {
        return baseDelayNanos + (jitterNanos == 0 ? 0 : (long) (random.nextDouble() * jitterNanos));
    }

    private void schedule(Delivery delivery) {
        inFlight.add(new Scheduled(delivery, nextOrder++));
    }

    /** When the next datagram arrives, or {@link Long#MAX_VALUE} when none is in flight. */
    public long nextDeliveryNanos() {
        Scheduled next = inFlight.peek();
        return next == null ? Long.MAX_VALUE : next.delivery.atNanos();
    }

    /** The next datagram due at or before {@code nowNanos}, or null. */
    public Delivery poll(long nowNanos) {
        Scheduled next = inFlight.peek();
        if (next == null || next.delivery.atNanos() > nowNanos) {
            return null;
        }
        inFlight.poll();
        delivered++;
        return next.delivery;
    }

    /** From now on every datagram from {@code from} to {@code to} is lost (counted as blocked). */
    public void cut(InetSocketAddress from, InetSocketAddress to) {
        cut.add(new Link(from, to));
    }

    /** Undoes {@link #cut}. */
    public void heal(InetSocketAddress from, InetSocketAddress to) {
        cut.remove(new Link(from, to));
    }

    /** Datagrams handed to {@link #send}. */
    public long sent() {
        return sent;
    }

    /** Datagrams lost at random. */
    public long dropped() {
        return dropped;
    }

    /** Datagrams lost on a cut link. */
    public long blocked() {
        return blocked;
    }

    /** Extra copies scheduled. */
    public long duplicated() {
        return duplicated;
    }

    /** Deliveries handed out by {@link #poll}, copies included. */
    public long delivered() {
        return delivered;
    }

    /** Deliveries still on their way, copies included. */
    public int inFlight() {
        return inFlight.size();
    }

    @Override
    public String toString() {
        return "SimulatedNetwork[seed=" + seed + ", sent=" + sent + ", dropped=" + dropped + ", blocked=" + blocked
                + ", duplicated=" + duplicated + ", delivered=" + delivered + ", inFlight=" + inFlight.size() + "]";
    }
}
