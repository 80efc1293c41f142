package io.relaycast.dtls;

import java.io.IOException;
import java.util.List;
import java.util.Vector;

import io.relaycast.srtp.SrtpProfile;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCertificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/** What the WebRTC DTLS client and server share: suites, credentials, peer check, SRTP, keys. */
final class WebRtcTlsSupport {

    /**
     * ECDHE with an ECDSA certificate and an AEAD cipher: what browsers offer first, and the only
     * kind an ECDSA-certificate server can pick with forward secrecy (RFC 8827 §6.5 requires
     * TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256).
     */
    static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
    };

    /** RFC 5764 §4.2 exporter label. */
    static final String EXPORTER_LABEL = "EXTRACTOR-dtls_srtp";

    /**
     * BouncyCastle's own resend timer, in wall-clock milliseconds. It is kept as short as possible
     * so that it has always run out by the time the caller's clock asks for a retransmission; the
     * endpoint's transport decides when BouncyCastle actually resends (see package-info).
     */
    static final int BC_RESEND_MILLIS = 1;

    private WebRtcTlsSupport() {
    }

    /** The local certificate as a one-entry TLS chain. */
    static Certificate chain(BcTlsCrypto crypto, DtlsCertificate certificate) throws IOException {
        return new Certificate(new TlsCertificate[] {new BcTlsCertificate(crypto, certificate.derUnsafe())});
    }

    /**
     * An ECDSA signer for the local key, with the signature-and-hash pair the peer listed that
     * BouncyCastle prefers (SHA-256 when offered). {@code peerSignatureAlgorithms} is the peer's
     * signature_algorithms (client) or CertificateRequest list (server).
     */
    static TlsCredentialedSigner signer(TlsContext context, BcTlsCrypto crypto, DtlsCertificate certificate,
                                        Vector<?> peerSignatureAlgorithms) throws IOException {
        SignatureAndHashAlgorithm algorithm = TlsUtils.chooseSignatureAndHashAlgorithm(context,
                peerSignatureAlgorithms, SignatureAlgorithm.ecdsa);
        if (algorithm == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "peer accepts no ECDSA signature");
        }
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto,
                certificate.privateKey(), chain(crypto, certificate), algorithm);
    }

    /**
     * RFC 8827 §6.5 / RFC 8842 §5.1: the peer is who its SDP said iff the hash of the end-entity
     * certificate it presented equals the SDP fingerprint. No chain validation: the certificate is
     * self-signed and the fingerprint is the trust anchor.
     */
    static void verifyPeer(Certificate presented, DtlsFingerprint expected) throws IOException {
        if (presented == null || presented.isEmpty()) {
            // RFC 5246 §7.4.6: a server that requires a client certificate may answer none with
            // handshake_failure; WebRTC requires one in both directions (RFC 8827 §6.5).
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "peer presented no certificate");
        }
        if (!expected.matches(presented.getCertificateAt(0).getEncoded())) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "peer certificate does not match the SDP fingerprint " + expected.algorithm());
        }
    }

    /** The server side of RFC 5764 §4.1.1: the first of our profiles the client offered. */
    static SrtpProfile chooseProfile(List<SrtpProfile> serverPreference, UseSRTPData offered) throws IOException {
        if (offered == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "client did not offer use_srtp (RFC 5764), which WebRTC requires");
        }
        int[] ids = offered.getProtectionProfiles();
        for (SrtpProfile profile : serverPreference) {
            for (int id : ids) {
                if (id == profile.dtlsId()) {
                    return profile;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.handshake_failure, "no common SRTP protection profile");
    }

    /** The client side of RFC 5764 §4.1.1: the server must pick exactly one profile we offered. */
    static SrtpProfile acceptProfile(List<SrtpProfile> offered, UseSRTPData answer) throws IOException {
        if (answer == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure, "server did not select an SRTP profile");
        }
        int[] ids = answer.getProtectionProfiles();
        if (ids.length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server must select exactly one SRTP profile");
        }
        // RFC 5764 §4.1.1: an MKI different from the (empty) one we offered aborts the handshake.
        if (answer.getMki().length != 0) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server returned an SRTP MKI we did not offer");
        }
        SrtpProfile selected = SrtpProfile.fromDtlsId(ids[0]);
        if (selected == null || !offered.contains(selected)) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server selected an SRTP profile we did not offer");
        }
        return selected;
    }

    /**
     * The shortest well-formed encrypted record payload under {@code cipherSuite}: GCM carries an
     * 8-byte explicit nonce and a 16-byte tag (RFC 5288 §3), ChaCha20-Poly1305 only the tag
     * (RFC 7905 §2). BouncyCastle 1.84 answers a shorter epoch-1 record with a fatal decode_error
     * instead of discarding it as RFC 6347 §4.1.2.7 asks, so such records are dropped before it.
     */
    static int minCiphertextLength(int cipherSuite) {
        return switch (cipherSuite) {
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
                 CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 -> 8 + 16;
            case CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 -> 16;
            default -> 0;
        };
    }

    /** The use_srtp profile list, in preference order. */
    static int[] profileIds(List<SrtpProfile> profiles) {
        int[] ids = new int[profiles.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = profiles.get(i).dtlsId();
        }
        return ids;
    }

    /**
     * RFC 5764 §4.2 keys. Must run inside {@code notifyHandshakeComplete}: BouncyCastle clears the
     * master secret when the handshake method returns (see ../shared/CHECKED.md).
     */
    static DtlsSrtpKeys exportKeys(TlsContext context, SrtpProfile profile) {
        byte[] material = context.exportKeyingMaterial(EXPORTER_LABEL, null, profile.exporterLength());
        return DtlsSrtpKeys.fromKeyingMaterial(profile, material);
    }
}
