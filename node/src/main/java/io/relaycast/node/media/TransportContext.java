package io.relaycast.node.media;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsEndpoint;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.webrtc.DtlsSetup;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;

/**
 * What every peer transport of a node shares: the process's DTLS certificate (one per process,
 * so its fingerprint is stable for the node's life), the bounded DTLS handshake pool, randomness,
 * and the addresses put into ICE candidates.
 */
public final class TransportContext implements AutoCloseable {
    private final DtlsCertificate certificate;
    private final DtlsHandshakePool dtlsPool;
    private final SecureRandom random;
    private final List<String> advertisedIps;
    private final DtlsSetup dtlsSetup;

    /** @param dtlsHandshakeThreads handshakes in progress at once (RELAYCAST_DTLS_HANDSHAKE_THREADS) */
    public TransportContext(List<String> advertisedIps, int dtlsHandshakeThreads) {
        this(advertisedIps, new SecureRandom(), DtlsHandshakePool.withThreads(dtlsHandshakeThreads), Instant.now());
    }

    /**
     * With the randomness, pool and certificate date given: the deterministic simulation passes
     * a seeded generator (ICE credentials, SSRCs and sequence offsets then follow the seed).
     */
    public TransportContext(List<String> advertisedIps, SecureRandom random, DtlsHandshakePool pool, Instant now) {
        this(advertisedIps, random, pool, DtlsCertificate.generate(random, now));
    }

    /** With a certificate made elsewhere (the simulation reuses a few across its many runs). */
    public TransportContext(List<String> advertisedIps, SecureRandom random, DtlsHandshakePool pool,
                            DtlsCertificate certificate) {
        this.random = random;
        this.certificate = certificate;
        this.dtlsPool = pool;
        this.advertisedIps = List.copyOf(advertisedIps);
        this.dtlsSetup = new DtlsSetup(certificate, dtlsPool, DtlsEndpoint.DEFAULT_PROFILES);
    }

    public DtlsCertificate certificate() {
        return certificate;
    }

    public DtlsHandshakePool dtlsPool() {
        return dtlsPool;
    }

    /** What every server transport's DTLS endpoint shares: certificate, pool, profiles (GCM first). */
    public DtlsSetup dtlsSetup() {
        return dtlsSetup;
    }

    public SecureRandom random() {
        return random;
    }

    public List<String> advertisedIps() {
        return advertisedIps;
    }

    @Override
    public void close() {
        dtlsPool.close();
    }
}
