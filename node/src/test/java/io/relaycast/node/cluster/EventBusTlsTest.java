package io.relaycast.node.cluster;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.node.signaling.WsTestClient;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Date;
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
        Pki ca = new Pki("Relaycast test CA");
        Pki stranger = new Pki("Some other CA");
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

    private static Map<String, String> env(Pki ca, Path dir, String name, int clusterPort, String members)
            throws Exception {
        Path[] files = ca.issue(dir, name);
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

    /** A throwaway CA issuing P-256 node certificates for 127.0.0.1, written as PEM files. */
    private static final class Pki {
        private final KeyPair caKeys;
        private final X509CertificateHolder caCert;
        private final X500Name caName;

        Pki(String cn) throws Exception {
            caKeys = ecKeys();
            caName = new X500Name("CN=" + cn);
            long now = System.currentTimeMillis();
            caCert = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(now), new Date(now - 60_000),
                    new Date(now + 86_400_000L), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
        }

        /** cert, key and CA PEM files for one node. */
        Path[] issue(Path dir, String node) throws Exception {
            KeyPair keys = ecKeys();
            long now = System.currentTimeMillis();
            X509CertificateHolder cert = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(now + node.hashCode()),
                    new Date(now - 60_000), new Date(now + 86_400_000L), new X500Name("CN=" + node), keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
            Path certFile = dir.resolve(node + "-cert.pem");
            Path keyFile = dir.resolve(node + "-key.pem");
            Path caFile = dir.resolve(node + "-ca.pem");
            write(certFile, cert);
            write(keyFile, new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null).generate());
            write(caFile, caCert);
            return new Path[]{certFile, keyFile, caFile};
        }

        private static void write(Path file, Object pem) throws Exception {
            try (JcaPEMWriter w = new JcaPEMWriter(new FileWriter(file.toFile()))) {
                w.writeObject(pem);
            }
        }

        private static KeyPair ecKeys() throws Exception {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        }
    }
}
