package io.relaycast.node.observe;

import io.relaycast.platform.LinuxUdpDrops;

import java.util.Map;

/**
 * Datagrams the kernel dropped because a media socket's receive buffer was full
 * ({@link LinuxUdpDrops}), for the node's metrics.
 *
 * <p>Why: these drops happen before the node sees a byte, so no counter of its own can count
 * them, yet they are the first thing to look at when subscribers see loss: a media worker that
 * falls behind for longer than its receive buffer holds (join bursts, keyframe bursts, a stall)
 * loses publishers' packets here, and its NACKs then ask for them again. Found measuring issue
 * 14's 5-minute run: 200 000+ such drops during 100 joins while every counter of the node read 0.
 * The fix for an operator is a larger buffer ({@code net.core.rmem_max}, README) or fewer peers
 * per worker.
 *
 * <p>Sockets are matched by local port, which each media worker owns alone.
 */
public final class KernelSocketDrops {
    /** A scrape asks once per media worker; one read of the tables serves them all. */
    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private record Snapshot(long readNanos, Map<Integer, Long> dropsByPort) {
    }

    private static volatile Snapshot last;

    private KernelSocketDrops() {
    }

    /** Whether this system reports per-socket UDP drops. */
    public static boolean available() {
        return LinuxUdpDrops.available();
    }

    /**
     * The kernel's receive drops of the UDP socket(s) bound to {@code port}, from a read of the
     * tables at most a second old; 0 when none is found.
     */
    public static long dropsOf(int port) {
        Snapshot s = last;
        long now = System.nanoTime();
        if (s == null || now - s.readNanos() > MAX_AGE_NANOS) {
            s = new Snapshot(now, LinuxUdpDrops.read());
            last = s;
        }
        return s.dropsByPort().getOrDefault(port, 0L);
    }
}
