package io.relaycast.node.sim;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Simulated UDP between simulated hosts. Nothing here touches a socket: addresses are labels in
 * 127.0.0.0/8 and a datagram is a task on {@link Sim}'s queue. Per host it applies seeded loss,
 * delay, jitter (which reorders), duplication and a bandwidth limit with a bounded queue; any two
 * hosts can be cut apart. Conditions of both ends apply to each datagram.
 */
public final class SimNetwork {

    /** Receives datagrams on the simulation thread; {@code data} belongs to the receiver. */
    public interface Endpoint {
        void receive(InetSocketAddress from, byte[] data, int len);
    }

    /** What one host's access link does to every datagram in or out. */
    public static final class Link {
        double loss;
        double duplicate;
        long delayNanos = 1_000_000L;
        long jitterNanos;
        /** Into the host, bits per second; 0 is unlimited. */
        long downBitsPerSecond;
        /** The most a bandwidth-limited link queues before dropping, as time at its rate. */
        long queueNanos = 200_000_000L;
        long busyUntil;
    }

    static final int DTLS_CHARGE_BYTES = 300;

    private final Sim sim;
    private final Map<InetSocketAddress, Endpoint> bound = new HashMap<>();
    private final Map<InetAddress, Link> links = new HashMap<>();
    private final Set<Set<InetAddress>> cuts = new HashSet<>();
    private long sent;
    private long delivered;
    private long lost;

    public SimNetwork(Sim sim) {
        this.sim = sim;
    }

    public void bind(InetSocketAddress address, Endpoint endpoint) {
        bound.put(address, endpoint);
        links.computeIfAbsent(address.getAddress(), a -> new Link());
    }

    public void unbind(InetSocketAddress address) {
        bound.remove(address);
    }

    public Link link(InetAddress host) {
        return links.computeIfAbsent(host, a -> new Link());
    }

    public void cut(InetAddress a, InetAddress b) {
        cuts.add(Set.of(a, b));
    }

    public void heal(InetAddress a, InetAddress b) {
        cuts.remove(Set.of(a, b));
    }

    public boolean isCut(InetAddress a, InetAddress b) {
        return !a.equals(b) && cuts.contains(Set.of(a, b));
    }

    /** Sends a copy of {@code data[off, off+len)} from {@code from} to {@code to}. */
    private final boolean traceDatagrams = System.getProperty("sim.netTrace") != null;

    public void send(InetSocketAddress from, InetSocketAddress to, byte[] data, int off, int len) {
        sent++;
        if (traceDatagrams) {
            sim.trace("udp " + from + " > " + to + " " + len + " first=" + (data[off] & 0xff));
        }
        if (isCut(from.getAddress(), to.getAddress())) {
            lost++;
            return;
        }
        Link out = link(from.getAddress());
        Link in = link(to.getAddress());
        if (sim.chance(out.loss) || sim.chance(in.loss)) {
            lost++;
            return;
        }
        long at = sim.now() + out.delayNanos + in.delayNanos + jitter(out) + jitter(in);
        if (in.downBitsPerSecond > 0) {
            // A DTLS datagram (RFC 7983: first byte 20-63) is charged a fixed 300 bytes, about
            // a handshake datagram's average: BouncyCastle seeds its handshake nonces from
            // System.nanoTime, so its ECDSA signatures differ in DER length by a byte or two
            // between runs of one seed, and through a slow link that byte would move the run's
            // timing. (Charging the 1200-byte maximum overflowed a 160 kbit/s link's queue with
            // every certificate flight.)
            int first = data[off] & 0xff;
            int charged = first >= 20 && first <= 63 ? DTLS_CHARGE_BYTES : len;
            long serialize = charged * 8L * 1_000_000_000L / in.downBitsPerSecond;
            long start = Math.max(sim.now(), in.busyUntil);
            if (start - sim.now() > in.queueNanos) {
                lost++; // the bottleneck's queue is full: tail drop
                return;
            }
            in.busyUntil = start + serialize;
            at = Math.max(at, in.busyUntil + out.delayNanos + in.delayNanos);
        }
        byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len);
        deliverAt(at, from, to, copy);
        if (sim.chance(out.duplicate) || sim.chance(in.duplicate)) {
            deliverAt(at + jitter(in) + 1, from, to, copy.clone());
        }
    }

    private void deliverAt(long at, InetSocketAddress from, InetSocketAddress to, byte[] copy) {
        sim.at(at, () -> {
            Endpoint e = bound.get(to);
            if (e == null || isCut(from.getAddress(), to.getAddress())) {
                lost++;
                return;
            }
            delivered++;
            e.receive(from, copy, copy.length);
        });
    }

    private long jitter(Link l) {
        return l.jitterNanos == 0 ? 0 : (long) (sim.random().nextDouble() * l.jitterNanos);
    }

    public long sent() {
        return sent;
    }

    public long delivered() {
        return delivered;
    }

    public long lost() {
        return lost;
    }

    /** A label address in 127.0.0.0/8 (never resolved, never used for a socket). */
    public static InetAddress host(int a, int b) {
        try {
            return InetAddress.getByAddress(new byte[]{127, 0, (byte) a, (byte) b});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
