package io.relaycast.node;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;

/**
 * Makes a throwaway CA and node certificates for event-bus TLS (RELAYCAST_EVENTBUS_TLS_*), for
 * tests and trying the cluster out; production should use the operator's own PKI.
 *
 * <pre>java -cp node/target/relaycast-node.jar io.relaycast.node.DevCertificates \
 *     --out certs --nodes node-1,node-2,node-3 [--ip 127.0.0.1] [--days 30]</pre>
 *
 * writes {@code certs/ca.pem} and, per node, {@code <node>-cert.pem} and {@code <node>-key.pem}
 * (P-256, SHA-256 ECDSA, the IP as subject alternative name). Key files are created mode 0600.
 */
public final class DevCertificates {
    private final KeyPair caKeys;
    private final X500Name caName;
    private final X509CertificateHolder caCert;
    private final int days;

    public DevCertificates(String caCommonName, int days) throws GeneralSecurityException {
        this.days = days;
        this.caKeys = ecKeys();
        this.caName = new X500Name("CN=" + caCommonName);
        try {
            long now = System.currentTimeMillis();
            this.caCert = new JcaX509v3CertificateBuilder(caName, serial(), new Date(now - 60_000),
                    new Date(now + days * 86_400_000L), caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
        } catch (Exception e) {
            throw new GeneralSecurityException("cannot make the CA certificate", e);
        }
    }

    /** Writes the CA certificate as {@code ca.pem} in {@code dir}. */
    public Path writeCa(Path dir) throws IOException {
        Path file = dir.resolve("ca.pem");
        write(file, caCert);
        return file;
    }

    /** Issues a node certificate and key, written as {@code <node>-cert.pem} and {@code <node>-key.pem}. */
    public Path[] issue(Path dir, String node, String ip) throws IOException, GeneralSecurityException {
        KeyPair keys = ecKeys();
        long now = System.currentTimeMillis();
        X509CertificateHolder cert;
        try {
            cert = new JcaX509v3CertificateBuilder(caName, serial(), new Date(now - 60_000),
                    new Date(now + days * 86_400_000L), new X500Name("CN=" + node), keys.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.iPAddress, ip)))
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate()));
        } catch (Exception e) {
            throw new GeneralSecurityException("cannot issue a certificate for " + node, e);
        }
        Path certFile = dir.resolve(node + "-cert.pem");
        Path keyFile = dir.resolve(node + "-key.pem");
        write(certFile, cert);
        writePrivate(keyFile, new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        return new Path[]{certFile, keyFile};
    }

    public static void main(String[] args) throws Exception {
        Path out = null;
        List<String> nodes = List.of();
        String ip = "127.0.0.1";
        int days = 30;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--out" -> out = Path.of(value);
                case "--nodes" -> nodes = List.of(value.split(","));
                case "--ip" -> ip = value;
                case "--days" -> days = Integer.parseInt(value);
                default -> {
                    System.err.println("usage: DevCertificates --out DIR --nodes n1,n2,... [--ip IP] [--days N]");
                    System.exit(2);
                }
            }
            i++;
        }
        if (out == null || nodes.isEmpty()) {
            System.err.println("usage: DevCertificates --out DIR --nodes n1,n2,... [--ip IP] [--days N]");
            System.exit(2);
        }
        Files.createDirectories(out);
        DevCertificates pki = new DevCertificates("Relaycast dev CA", days);
        System.out.println(pki.writeCa(out));
        for (String n : nodes) {
            for (Path p : pki.issue(out, n, ip)) {
                System.out.println(p);
            }
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom());
    }

    private static void write(Path file, Object pem) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
             JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(pem);
        }
    }

    /**
     * Writes a private key readable by its owner only (0600). The file is created with that mode
     * before a byte is written, so the key is never readable by others, not even for a moment;
     * an existing file is replaced rather than rewritten, since its mode may be wider.
     */
    private static void writePrivate(Path file, Object pem) throws IOException {
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
        write(file, pem);
    }

    private static KeyPair ecKeys() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
