package io.relaycast.node.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Datagrams the kernel dropped because a UDP socket's receive buffer was full, read from Linux's
 * {@code /proc/self/net/udp} and {@code udp6} (the last column, {@code drops}, per socket).
 *
 * <p>Why: these drops happen before the node sees a byte, so no counter of its own can count
 * them, yet they are the first thing to look at when subscribers see loss: a media worker that
 * falls behind for longer than its receive buffer holds (join bursts, keyframe bursts, a stall)
 * loses publishers' packets here, and its NACKs then ask for them again. Found measuring issue
 * 14's 5-minute run: 200 000+ such drops during 100 joins while every counter of the node read 0.
 * The fix for an operator is a larger buffer ({@code net.core.rmem_max}, README) or fewer peers
 * per worker.
 *
 * <p>Sockets are matched by local port, which each media worker owns alone. Outside Linux the files
 * do not exist and {@link #available()} is false.
 */
public final class KernelSocketDrops {
    private static final Path UDP = Path.of("/proc/self/net/udp");
    private static final Path UDP6 = Path.of("/proc/self/net/udp6");

    private KernelSocketDrops() {
    }

    /** Whether this system reports per-socket UDP drops. */
    public static boolean available() {
        return Files.isReadable(UDP);
    }

    /** A scrape asks once per media worker; one read of the tables serves them all. */
    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private record Snapshot(long readNanos, Map<Integer, Long> dropsByPort) {
    }

    private static volatile Snapshot last;

    /**
     * The kernel's receive drops of the UDP socket(s) bound to {@code port}, from a read of the
     * tables at most a second old; 0 when none is found.
     */
    public static long dropsOf(int port) {
        Snapshot s = last;
        long now = System.nanoTime();
        if (s == null || now - s.readNanos() > MAX_AGE_NANOS) {
            s = new Snapshot(now, read());
            last = s;
        }
        return s.dropsByPort().getOrDefault(port, 0L);
    }

    /** Reads both tables now: drops per local port. */
    static Map<Integer, Long> read() {
        Map<Integer, Long> byPort = new HashMap<>();
        addAll(readLines(UDP), byPort);
        addAll(readLines(UDP6), byPort);
        return byPort;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /**
     * Adds the {@code drops} column of the lines of a {@code /proc/net/udp}-format table to
     * {@code byPort}, by the port of their local address. The header line and malformed lines are
     * skipped.
     */
    static void addAll(List<String> lines, Map<Integer, Long> byPort) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
            if (f.length < 13 || !f[0].endsWith(":")) {
                continue;
            }
            int colon = f[1].lastIndexOf(':');
            if (colon < 0) {
                continue;
            }
            try {
                int port = Integer.parseInt(f[1].substring(colon + 1), 16);
                byPort.merge(port, Long.parseLong(f[f.length - 1]), Long::sum);
            } catch (NumberFormatException e) {
                // not a socket line
            }
        }
    }
}
