package io.relaycast.node;

import java.net.DatagramSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Starts real nodes on loopback, on free ports, for tests. */
public final class TestNodes {
    /**
     * One HTTP client for every test request: a client per request leaves a kept-alive
     * connection open per call until it is collected, and a node counts those against
     * RELAYCAST_MAX_CONNECTIONS_PER_IP (100), so a long test class ran into the cap.
     */
    public static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

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

    /**
     * {@code count} clustered nodes on loopback (Hazelcast TCP-IP join to each other), started one
     * after the other so the first forms the cluster.
     */
    public static java.util.List<RelaycastNode> startCluster(int count) throws Exception {
        int[] ports = new int[count];
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ports[i] = freeTcpPort();
            members.append(i == 0 ? "" : ",").append("127.0.0.1:").append(ports[i]);
        }
        java.util.List<RelaycastNode> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(start(Map.of("RELAYCAST_CLUSTER", "true", "RELAYCAST_CLUSTER_HOST", "127.0.0.1",
                    "RELAYCAST_CLUSTER_PORT", Integer.toString(ports[i]), "RELAYCAST_CLUSTER_MEMBERS", members.toString(),
                    "RELAYCAST_NODE_ID", "node-" + (char) ('a' + i))));
        }
        return nodes;
    }

    public static void stop(RelaycastNode node) throws Exception {
        if (node != null) {
            node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    public static int freeTcp() throws Exception {
        return freeTcpPort();
    }

    /** Below the ephemeral range, so that no outgoing connection takes it before the node binds it (LoopbackPorts). */
    static int freeTcpPort() throws Exception {
        return io.relaycast.testing.LoopbackPorts.freeTcpPort();
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
