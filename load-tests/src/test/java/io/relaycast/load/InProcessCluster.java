package io.relaycast.load;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real dev-mode nodes "node-a", "node-b", ... in the test JVM, clustered with each other on loopback. */
final class InProcessCluster implements AutoCloseable {
    final List<InProcessNode> nodes;

    private InProcessCluster(List<InProcessNode> nodes) {
        this.nodes = nodes;
    }

    static InProcessCluster start(int count) throws Exception {
        int[] ports = InProcessNode.freeTcpPorts(count);
        List<InProcessNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                nodes.add(InProcessNode.startClustered("node-" + (char) ('a' + i), ports[i], ports, Map.of()));
            }
        } catch (Exception | Error e) {
            try {
                closeAll(nodes);
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return new InProcessCluster(List.copyOf(nodes));
    }

    InProcessNode node(int i) {
        return nodes.get(i);
    }

    /**
     * Harness options for one room whose clients r0p0, r0p1, ... join the nodes named by
     * {@code nodeOfPeer} (indexes into {@link #nodes}, round-robin), measured {@code seconds}
     * after {@code warmupSeconds}; the clock starts once every client is connected (up to 60 s:
     * on a loaded machine the handshakes alone can take longer than the run).
     */
    Options roomOptions(int peers, int warmupSeconds, int seconds, Path out, int... nodeOfPeer) {
        List<String> urls = new ArrayList<>();
        for (int n : nodeOfPeer) {
            urls.add(nodes.get(n).url());
        }
        Options o = new Options();
        o.urls = urls;
        o.rooms = 1;
        o.peers = peers;
        o.awaitConnectedSeconds = 60;
        o.warmupSeconds = warmupSeconds;
        o.durationSeconds = seconds;
        o.serverPids = List.of(ProcessHandle.current().pid());
        o.out = out;
        o.progress = false;
        return o;
    }

    @Override
    public void close() throws Exception {
        closeAll(nodes);
    }

    /** Stops every node, even when one fails to stop; throws the first failure. */
    private static void closeAll(List<InProcessNode> nodes) throws Exception {
        Exception first = null;
        for (InProcessNode n : nodes) {
            try {
                n.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
