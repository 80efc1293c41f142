package io.relaycast.node;

import java.net.ServerSocket;
import java.net.DatagramSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts real nodes on loopback, on free ports, for tests. */
public final class TestNodes {
    private TestNodes() {
    }

    /** A dev-mode node on loopback with free HTTP and media ports; {@code overrides} are env-style settings. */
    public static RelaycastNode start(Map<String, String> overrides) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("RELAYCAST_HTTP_HOST", "127.0.0.1");
        env.put("RELAYCAST_HTTP_PORT", Integer.toString(freeTcpPort()));
        env.put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
        env.put("RELAYCAST_MEDIA_WORKERS", "2");
        env.put("RELAYCAST_MEDIA_PORT", Integer.toString(freeUdpPortPair()));
        env.putAll(overrides);
        Settings settings = Settings.from(env::get);
        return RelaycastNode.start(settings).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    public static RelaycastNode start() throws Exception {
        return start(Map.of());
    }

    public static void stop(RelaycastNode node) throws Exception {
        if (node != null) {
            node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    static int freeTcpPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A UDP port p with p+1 also free at the moment of asking (two media workers). */
    static int freeUdpPortPair() throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(0)) {
                p = s.getLocalPort();
            }
            if (p >= 65535) {
                continue;
            }
            try (DatagramSocket a = new DatagramSocket(p); DatagramSocket b = new DatagramSocket(p + 1)) {
                return p;
            } catch (java.net.SocketException busy) {
                // try another
            }
        }
        throw new IllegalStateException("no free UDP port pair on loopback");
    }
}
