package io.relaycast.node.sim;

import io.relaycast.dtls.DtlsCertificate;

import java.util.ArrayList;
import java.util.List;

/**
 * DTLS certificates for simulated nodes and clients, made once per JVM from a fixed seed and
 * reused by every run: making one (an ECDSA key and a signed certificate) costs more than many
 * seconds of simulated call. Which certificate a host gets depends only on its index, so runs stay
 * reproducible; a fingerprint is still checked against the SDP in every handshake.
 */
final class SimCertificates {
    private static final List<DtlsCertificate> MADE = new ArrayList<>();

    private SimCertificates() {
    }

    static synchronized DtlsCertificate get(int index) {
        while (MADE.size() <= index) {
            MADE.add(DtlsCertificate.generate(SimNode.seeded(0x5eed0000L + MADE.size()), SimNode.EPOCH));
        }
        return MADE.get(index);
    }
}
