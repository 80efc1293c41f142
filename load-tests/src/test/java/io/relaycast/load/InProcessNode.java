package io.relaycast.load;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.Settings;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real dev-mode node in the test JVM, on loopback and free ports, with one media worker. */
final class InProcessNode implements AutoCloseable {
    final RelaycastNode node;
    final int httpPort;

    private InProcessNode(RelaycastNode node, int httpPort) {
        this.node = node;
        this.httpPort = httpPort;
    }

    static InProcessNode start() throws Exception {
        return start(Map.of());
    }

    /** With extra env-style settings (limits, for instance). */
    static InProcessNode start(Map<String, String> overrides) throws Exception {
        int http = io.relaycast.testing.LoopbackPorts.freeTcpPort();
        int workers = Integer.parseInt(overrides.getOrDefault("RELAYCAST_MEDIA_WORKERS", "1"));
        int media = freeUdpPorts(workers);
        Map<String, String> env = new HashMap<>();
        env.put("RELAYCAST_HTTP_HOST", "127.0.0.1");
        env.put("RELAYCAST_HTTP_PORT", Integer.toString(http));
        env.put("RELAYCAST_MEDIA_HOST", "127.0.0.1");
        env.put("RELAYCAST_MEDIA_PORT", Integer.toString(media));
        env.put("RELAYCAST_MEDIA_WORKERS", "1");
        env.putAll(overrides);
        RelaycastNode node = RelaycastNode.start(Settings.from(env::get)).toCompletionStage().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        return new InProcessNode(node, http);
    }

    /** The first of {@code count} consecutive loopback UDP ports that are free now (one per media worker). */
    private static int freeUdpPorts(int count) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first;
            try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                first = s.getLocalPort();
            }
            if (first + count - 1 > 65535) {
                continue;
            }
            boolean free = true;
            for (int p = first + 1; p < first + count && free; p++) {
                try (DatagramSocket s = new DatagramSocket(p, InetAddress.getLoopbackAddress())) {
                    free = true;
                } catch (java.net.SocketException e) {
                    free = false;
                }
            }
            if (free) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free UDP ports on loopback");
    }

    /** Free loopback TCP ports for a cluster's members: "127.0.0.1:p1,127.0.0.1:p2,...". */
    static int[] freeTcpPorts(int count) throws Exception {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            // Below the ephemeral range: the first member's connection attempts to the others
            // must not take a later member's port (LoopbackPorts).
            ports[i] = io.relaycast.testing.LoopbackPorts.freeTcpPort();
        }
        return ports;
    }

    /** A clustered node: TCP-IP join to {@code members} on loopback, with extra settings. */
    static InProcessNode startClustered(String nodeId, int clusterPort, int[] clusterPorts, Map<String, String> extra)
            throws Exception {
        StringBuilder members = new StringBuilder();
        for (int p : clusterPorts) {
            members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
        }
        Map<String, String> env = new HashMap<>(extra);
        env.put("RELAYCAST_NODE_ID", nodeId);
        env.put("RELAYCAST_CLUSTER", "true");
        env.put("RELAYCAST_CLUSTER_HOST", "127.0.0.1");
        env.put("RELAYCAST_CLUSTER_PORT", Integer.toString(clusterPort));
        env.put("RELAYCAST_CLUSTER_MEMBERS", members.toString());
        return start(env);
    }

    String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    int mediaPort() {
        return node.settings().mediaPort();
    }

    /** Harness options for a small scenario against this node (the node shares the JVM: its CPU figure includes the harness). */
    Options options(int peers, int seconds, java.nio.file.Path out) {
        Options o = new Options();
        o.urls = List.of("http://127.0.0.1:" + httpPort);
        o.rooms = 1;
        o.peers = peers;
        o.warmupSeconds = 3;
        o.durationSeconds = seconds;
        o.serverPids = List.of(ProcessHandle.current().pid());
        o.out = out;
        o.progress = false;
        return o;
    }

    /** The sum of every series of a metric on this node's /metrics. */
    double metricSum(String name) {
        return metricSum(node, name);
    }

    /** The sum of every series of {@code name} in the node's /metrics whose labels contain all of {@code labelParts}. */
    static double metricSum(RelaycastNode node, String name, String... labelParts) {
        double s = 0;
        for (String line : node.metrics().scrape().split("\n")) {
            if (line.startsWith(name + "{") && containsAll(line, labelParts)) {
                s += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return s;
    }

    private static boolean containsAll(String line, String[] parts) {
        for (String part : parts) {
            if (!line.contains(part)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws Exception {
        node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
