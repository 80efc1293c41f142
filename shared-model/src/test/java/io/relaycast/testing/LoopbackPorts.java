package io.relaycast.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports on loopback for a test's servers, taken below the kernel's ephemeral range.
 *
 * <p>Why not {@code new ServerSocket(0)}: that hands out a port from the ephemeral range, and a
 * port picked that way for a node that starts later can be taken in between as the source port
 * of an outgoing connection. Cluster tests do exactly that: the first Hazelcast member keeps
 * trying to connect to the members not started yet, each attempt from a new ephemeral port, and
 * in a full run one of them took a later member's picked port ("Port [41229] is already in use",
 * ClusterRelayTest). The kernel never picks a source port outside
 * /proc/sys/net/ipv4/ip_local_port_range, so a port below it stays free until someone binds it
 * on purpose. Ports are never handed out twice in one JVM.
 */
public final class LoopbackPorts {
    /** Where the search starts: above the ports services usually own. */
    private static final int LOWEST = 10_000;
    private static final Set<Integer> handedOut = new HashSet<>();

    private LoopbackPorts() {
    }

    /** A TCP port free on loopback now, below the ephemeral range, not handed out before. */
    public static synchronized int freeTcpPort() throws IOException {
        int top = ephemeralRangeStart();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, top);
            if (handedOut.contains(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                handedOut.add(port);
                return port;
            } catch (IOException inUse) {
                // taken by something else: try another
            }
        }
        throw new IOException("no free TCP port on loopback between " + LOWEST + " and " + top);
    }

    /** The first port of the kernel's ephemeral range (Linux's default, 32768, elsewhere or unreadable). */
    static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return Math.max(LOWEST + 1000, low);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
