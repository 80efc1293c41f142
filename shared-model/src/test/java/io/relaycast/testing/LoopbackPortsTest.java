package io.relaycast.testing;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LoopbackPortsTest {
    @Test
    void portsAreBindableDistinctAndBelowTheEphemeralRange() throws Exception {
        int top = LoopbackPorts.ephemeralRangeStart();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            int port = LoopbackPorts.freeTcpPort();
            assertTrue(port >= 10_000 && port < top, port + " outside [10000, " + top + ")");
            assertTrue(seen.add(port), "port " + port + " handed out twice");
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertTrue(s.isBound());
            }
        }
    }
}
