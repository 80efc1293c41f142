package io.relaycast.webrtc;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsEndpoint;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.srtp.SrtpProfile;

import java.util.List;
import java.util.Objects;

/**
 * The local half of DTLS-SRTP that many transports of one process share: the certificate whose
 * fingerprint goes into every local SDP, the pool the blocking handshakes run on, and the SRTP
 * profiles offered (client) or accepted (server), preferred first.
 */
public record DtlsSetup(DtlsCertificate certificate, DtlsHandshakePool pool, List<SrtpProfile> profiles) {

    public DtlsSetup {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(pool, "pool");
        profiles = List.copyOf(profiles);
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
    }

    /** With {@link DtlsEndpoint#DEFAULT_PROFILES} (GCM, then AES-CM/HMAC-SHA1-80). */
    public DtlsSetup(DtlsCertificate certificate, DtlsHandshakePool pool) {
        this(certificate, pool, DtlsEndpoint.DEFAULT_PROFILES);
    }

    /** The same certificate and pool with other profiles, e.g. to force one in tests. */
    public DtlsSetup withProfiles(List<SrtpProfile> profiles) {
        return new DtlsSetup(certificate, pool, profiles);
    }
}
