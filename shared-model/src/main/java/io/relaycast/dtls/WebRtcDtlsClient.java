package io.relaycast.dtls;

import java.io.IOException;
import java.util.Hashtable;
import java.util.List;

import io.relaycast.srtp.SrtpProfile;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The BouncyCastle client peer for WebRTC: DTLS 1.2 only, ECDHE-ECDSA AEAD suites, the server
 * certificate checked against the SDP fingerprint, a client certificate always sent, use_srtp
 * offered in preference order, key export.
 */
final class WebRtcDtlsClient extends DefaultTlsClient {

    private final BcTlsCrypto crypto;
    private final DtlsCertificate certificate;
    private final DtlsFingerprint expectedPeer;
    private final List<SrtpProfile> profiles;
    private final PeerListener listener;
    private SrtpProfile selected;
    private DtlsSrtpKeys keys;

    WebRtcDtlsClient(BcTlsCrypto crypto, DtlsCertificate certificate, DtlsFingerprint expectedPeer,
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
    @SuppressWarnings({"rawtypes", "unchecked"}) // BouncyCastle's extension API is raw
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = TlsExtensionsUtils.ensureExtensionsInitialised(super.getClientExtensions());
        // RFC 5764 §4.1.1: our profiles in preference order, no MKI.
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(WebRtcTlsSupport.profileIds(profiles), TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData answer = serverExtensions == null ? null : TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        selected = WebRtcTlsSupport.acceptProfile(profiles, answer);
    }

    @Override
    public void notifySelectedCipherSuite(int selectedCipherSuite) {
        super.notifySelectedCipherSuite(selectedCipherSuite);
        listener.cipherSuiteSelected(selectedCipherSuite);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                WebRtcTlsSupport.verifyPeer(serverCertificate.getCertificate(), expectedPeer);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                if (!contains(request.getCertificateTypes(), ClientCertificateType.ecdsa_sign)) {
                    throw new TlsFatalAlert(AlertDescription.handshake_failure,
                            "server does not accept an ECDSA client certificate");
                }
                return WebRtcTlsSupport.signer(context, crypto, certificate,
                        request.getSupportedSignatureAlgorithms());
            }
        };
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

    private static boolean contains(short[] values, short value) {
        if (values != null) {
            for (short v : values) {
                if (v == value) {
                    return true;
                }
            }
        }
        return false;
    }
}
