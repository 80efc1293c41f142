package io.relaycast.node.observe;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /** The kernel's receive drops of the UDP socket(s) bound to {@code port}; 0 when none is found. */
    public static long dropsOf(int port) {
        return sumFor(readLines(UDP), port) + sumFor(readLines(UDP6), port);
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /**
     * The {@code drops} column summed over the lines of a {@code /proc/net/udp}-format table whose
     * local address has {@code port}. The header line and malformed lines are skipped.
     */
    static long sumFor(List<String> lines, int port) {
        long sum = 0;
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
                if (Integer.parseInt(f[1].substring(colon + 1), 16) == port) {
                    sum += Long.parseLong(f[f.length - 1]);
                }
            } catch (NumberFormatException e) {
                // not a socket line
            }
        }
        return sum;
    }
}
