package io.relaycast.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.bc.BcECContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate and its private key, the local identity in DTLS-SRTP.
 *
 * <p>WebRTC endpoints authenticate each other by the certificate fingerprint exchanged in SDP, not
 * by a chain (RFC 8827 §6.5), so the certificate is self-signed and its names do not matter.
 * ECDSA P-256 is what browsers generate and what every WebRTC stack accepts (RFC 8827 §6.5 requires
 * support for it). Generating one costs a key pair and a signature; a process makes one and every
 * {@link DtlsEndpoint} of the process shares it, as browsers do per {@code RTCCertificate}.
 */
public final class DtlsCertificate {

    /** Validity starts this far before {@code now}, so a peer whose clock is behind accepts it. */
    static final Duration BACKDATE = Duration.ofDays(1);
    /** Validity length. Peers do not check it (the fingerprint is the trust) but some stacks parse it. */
    static final Duration VALIDITY = Duration.ofDays(365);

    private final byte[] der;
    private final AsymmetricKeyParameter privateKey;
    private final DtlsFingerprint fingerprint;

    private DtlsCertificate(byte[] der, AsymmetricKeyParameter privateKey) {
        this.der = der;
        this.privateKey = privateKey;
        this.fingerprint = DtlsFingerprint.sha256(der);
    }

    /**
     * Generates a key pair on P-256 and a self-signed certificate valid from {@code now - 1 day} to
     * {@code now + 365 days}.
     *
     * @param random the source of the key, the serial number and the ECDSA nonce
     * @param now    the wall-clock time the validity period is derived from (passed in, never read)
     */
    public static DtlsCertificate generate(SecureRandom random, Instant now) {
        Objects.requireNonNull(random, "random");
        Objects.requireNonNull(now, "now");
        X9ECParameters p256 = CustomNamedCurves.getByName("P-256");
        // Named domain parameters make the SubjectPublicKeyInfo carry the curve OID, which is what
        // TLS peers need to recognise secp256r1 (RFC 8422 §5.4 / RFC 5480 §2.1.1).
        ECNamedDomainParameters domain = new ECNamedDomainParameters(SECObjectIdentifiers.secp256r1, p256);
        ECKeyPairGenerator generator = new ECKeyPairGenerator();
        generator.init(new ECKeyGenerationParameters(domain, random));
        AsymmetricCipherKeyPair keyPair = generator.generateKeyPair();

        X500Name name = new X500Name("CN=relaycast");
        // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets.
        BigInteger serial = new BigInteger(64, random).setBit(63);
        try {
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(name, serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), name,
                    SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(keyPair.getPublic()));
            AlgorithmIdentifier signatureAlgorithm =
                    new DefaultSignatureAlgorithmIdentifierFinder().find("SHA256withECDSA");
            AlgorithmIdentifier digestAlgorithm =
                    new DefaultDigestAlgorithmIdentifierFinder().find(signatureAlgorithm);
            byte[] der = builder.build(new BcECContentSignerBuilder(signatureAlgorithm, digestAlgorithm)
                    .setSecureRandom(random)
                    .build(keyPair.getPrivate())).getEncoded();
            return new DtlsCertificate(der, keyPair.getPrivate());
        } catch (IOException | OperatorCreationException e) {
            // Only reachable if BouncyCastle lacks SHA256withECDSA on P-256, i.e. a broken classpath.
            throw new IllegalStateException("cannot build a self-signed P-256 certificate", e);
        }
    }

    /** The SHA-256 fingerprint to announce in SDP {@code a=fingerprint}. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    /** A copy of the DER-encoded X.509 certificate. */
    public byte[] encoded() {
        return der.clone();
    }

    /** The DER bytes, not copied: for this package's TLS peers, which never modify them. */
    byte[] derUnsafe() {
        return der;
    }

    AsymmetricKeyParameter privateKey() {
        return privateKey;
    }

    @Override
    public String toString() {
        return "DtlsCertificate[" + fingerprint.toSdpValue() + "]";
    }
}
