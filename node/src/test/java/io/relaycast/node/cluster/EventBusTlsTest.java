package io.relaycast.node.cluster;

import io.relaycast.node.DevCertificates;
import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Event-bus TLS (issue 6): nodes with certificates from the operator's CA exchange room events
 * over mutual TLS; a node whose certificate comes from another CA cannot deliver to them.
 */
class EventBusTlsTest {

    @Test
    void nodesOfOneCaTalkAndAStrangerCannot(@TempDir Path dir) throws Exception {
        DevCertificates ca = new DevCertificates("Relaycast test CA", 1);
        DevCertificates stranger = new DevCertificates("Some other CA", 1);
        int[] ports = {TestNodes.freeTcp(), TestNodes.freeTcp(), TestNodes.freeTcp()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        List<RelaycastNode> nodes = new ArrayList<>();
        try {
            nodes.add(TestNodes.start(env(ca, dir, "a", ports[0], members)));
            nodes.add(TestNodes.start(env(ca, dir, "b", ports[1], members)));
            try (WsTestClient a = WsTestClient.connect(nodes.get(0).httpPort());
                 WsTestClient b = WsTestClient.connect(nodes.get(1).httpPort())) {
                a.send(new ClientMessage.Join("tls", "Ann", null));
                a.next(ServerMessage.Welcome.class);
                b.send(new ClientMessage.Join("tls", "Bob", null));
                ServerMessage.Welcome wb = b.next(ServerMessage.Welcome.class);
                assertEquals(wb.peerId(), a.next(ServerMessage.PeerJoined.class).peer().peerId(),
                        "the join crossed the TLS event bus");

                nodes.add(TestNodes.start(env(stranger, dir, "c", ports[2], members)));
                try (WsTestClient c = WsTestClient.connect(nodes.get(2).httpPort())) {
                    c.send(new ClientMessage.Join("tls", "Cy", null));
                    c.next(ServerMessage.Welcome.class);
                    // The stranger's announcement cannot cross: its certificate is not from our CA.
                    a.expectSilence(4000);
                    b.expectSilence(100);
                }
            }
        } finally {
            for (RelaycastNode n : nodes) {
                TestNodes.stop(n);
            }
        }
    }

    private static Map<String, String> env(DevCertificates ca, Path dir, String name, int clusterPort, String members)
            throws Exception {
        Path own = Files.createDirectories(dir.resolve(name));
        Path[] issued = ca.issue(own, name, "127.0.0.1");
        Path[] files = {issued[0], issued[1], ca.writeCa(own)};
        Map<String, String> env = new HashMap<>();
        env.put("RELAYCAST_CLUSTER", "true");
        env.put("RELAYCAST_CLUSTER_HOST", "127.0.0.1");
        env.put("RELAYCAST_CLUSTER_PORT", Integer.toString(clusterPort));
        env.put("RELAYCAST_CLUSTER_MEMBERS", members);
        env.put("RELAYCAST_NODE_ID", "tls-" + name);
        env.put("RELAYCAST_EVENTBUS_TLS_CERT", files[0].toString());
        env.put("RELAYCAST_EVENTBUS_TLS_KEY", files[1].toString());
        env.put("RELAYCAST_EVENTBUS_TLS_CA", files[2].toString());
        return env;
    }
}
