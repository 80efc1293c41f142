package io.relaycast.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class DtlsCertificateTest {

    static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

    static SecureRandom seeded(long seed) throws Exception {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(seed);
        return random;
    }

    @Test
    void isASelfSignedP256CertificateValidAroundTheGivenTime() throws Exception {
        DtlsCertificate cert = DtlsCertificate.generate(new SecureRandom(), NOW);
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(cert.encoded()));
        x509.verify(x509.getPublicKey()); // self-signed: its own key verifies it
        assertEquals("SHA256withECDSA", x509.getSigAlgName());
        ECPublicKey key = (ECPublicKey) x509.getPublicKey();
        assertEquals(256, key.getParams().getCurve().getField().getFieldSize());
        assertEquals(x509.getSubjectX500Principal(), x509.getIssuerX500Principal());
        assertEquals(NOW.minus(Duration.ofDays(1)), x509.getNotBefore().toInstant());
        assertEquals(NOW.plus(Duration.ofDays(365)), x509.getNotAfter().toInstant());
        assertTrue(x509.getSerialNumber().signum() > 0);
        assertEquals(3, x509.getVersion());
    }

    @Test
    void fingerprintIsTheSha256OfTheDer() throws Exception {
        DtlsCertificate cert = DtlsCertificate.generate(new SecureRandom(), NOW);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(cert.encoded()), cert.fingerprint().bytes());
        assertEquals("sha-256", cert.fingerprint().algorithm());
        assertTrue(cert.fingerprint().matches(cert.encoded()));
        assertTrue(cert.toString().contains(cert.fingerprint().toSdpValue()));
    }

    @Test
    void everythingComesFromTheArguments() throws Exception {
        byte[] a = DtlsCertificate.generate(seeded(42), NOW).encoded();
        byte[] b = DtlsCertificate.generate(seeded(42), NOW).encoded();
        byte[] otherSeed = DtlsCertificate.generate(seeded(43), NOW).encoded();
        byte[] otherTime = DtlsCertificate.generate(seeded(42), NOW.plusSeconds(1)).encoded();
        assertArrayEquals(a, b, "same random and time, same certificate");
        assertFalse(Arrays.equals(a, otherSeed));
        assertFalse(Arrays.equals(a, otherTime));
    }

    @Test
    void encodedIsACopy() {
        DtlsCertificate cert = DtlsCertificate.generate(new SecureRandom(), NOW);
        byte[] der = cert.encoded();
        der[0] ^= 1;
        assertTrue(cert.fingerprint().matches(cert.encoded()));
    }
}
