package io.relaycast.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;

import io.relaycast.srtp.SrtpProfile;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The BouncyCastle server peer for WebRTC: DTLS 1.2 only, ECDHE-ECDSA AEAD suites, a required
 * client certificate checked against the SDP fingerprint, use_srtp negotiation, key export.
 */
final class WebRtcDtlsServer extends DefaultTlsServer {

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final DtlsFingerprint expectedPeer;
    private final List<SrtpProfile> profiles;
    private final PeerListener listener;
    private SrtpProfile selected;
    private DtlsSrtpKeys keys;

    WebRtcDtlsServer(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint expectedPeer,
                     List<SrtpProfile> profiles, PeerListener listener) {
        super(crypto);
        this.crypto = crypto;
        this.certificate = certificate;
        this.expectedPeer = expectedPeer;
        this.profiles = profiles;
        this.listener = listener;
    }

    /** The exported keys, once the handshake completed; null before. */
    DtlsSrtpKeys keys() {
        return keys;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), WebRtcTlsSupport.CIPHER_SUITES);
    }

    @Override
    public int getHandshakeResendTimeMillis() {
        return WebRtcTlsSupport.BC_RESEND_MILLIS;
    }

    /** 0 = none: the overall handshake timeout runs on the caller's clock in {@link DtlsEndpoint}. */
    @Override
    public int getHandshakeTimeoutMillis() {
        return 0;
    }

    @Override
    public int getSelectedCipherSuite() throws IOException {
        int suite = super.getSelectedCipherSuite();
        listener.cipherSuiteSelected(suite);
        return suite;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return WebRtcTlsSupport.signer(context, crypto, certificate,
                context.getSecurityParametersHandshake().getClientSigAlgs());
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData offered = clientExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        selected = WebRtcTlsSupport.chooseProfile(profiles, offered);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"}) // BouncyCastle's extension API is raw
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        if (selected == null) {
            throw new TlsFatalAlert(AlertDescription.internal_error, "no SRTP profile chosen");
        }
        // RFC 5764 §4.1.1: one profile, and an empty MKI since Relaycast does not use MKIs.
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {selected.dtlsId()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    /** WebRTC authenticates both ends (RFC 8827 §6.5): always ask for the client's certificate. */
    @Override
    public CertificateRequest getCertificateRequest() {
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        WebRtcTlsSupport.verifyPeer(clientCertificate, expectedPeer);
    }

    /** Lets the endpoint tell a peer's orderly close (RFC 5246 §7.2.1) from a failure. */
    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertDescription == AlertDescription.close_notify) {
            listener.closeNotifyReceived();
        }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        keys = WebRtcTlsSupport.exportKeys(context, selected);
    }
}
