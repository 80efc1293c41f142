package io.relaycast.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Datagrams the kernel dropped at this process's UDP sockets, per local port, from Linux's
 * {@code /proc/self/net/udp} and {@code udp6} (the last column, {@code drops}: the receive buffer
 * was full, or a bad checksum). Such drops happen before the program reads a byte, so no counter
 * of its own sees them: the node exports them per media socket
 * ({@code relaycast_socket_receive_drops_total}), the load harness checks its own client sockets.
 * Outside Linux the files do not exist and {@link #available()} is false.
 */
public final class LinuxUdpDrops {
    private static final Path UDP = Path.of("/proc/self/net/udp");
    private static final Path UDP6 = Path.of("/proc/self/net/udp6");

    private LinuxUdpDrops() {
    }

    /** Whether this system reports per-socket UDP drops. */
    public static boolean available() {
        return Files.isReadable(UDP);
    }

    /** Reads both tables now: drops per local port (IPv4 and IPv6 sockets of a port added up). */
    public static Map<Integer, Long> read() {
        Map<Integer, Long> byPort = new HashMap<>();
        addAll(readLines(UDP), byPort);
        addAll(readLines(UDP6), byPort);
        return byPort;
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | SecurityException e) {
            return List.of(); // no IPv6 table, or no procfs
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
