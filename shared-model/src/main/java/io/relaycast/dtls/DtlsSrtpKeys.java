package io.relaycast.dtls;

import java.util.Arrays;
import java.util.Objects;

import io.relaycast.srtp.SrtpProfile;

/**
 * The SRTP master keys and salts a DTLS-SRTP handshake produced, and the negotiated profile.
 *
 * <p>RFC 5764 §4.2: the TLS exporter (RFC 5705) with label {@code EXTRACTOR-dtls_srtp} and no
 * context yields {@code 2 * (key + salt)} bytes laid out as client write key, server write key,
 * client write salt, server write salt. The client protects what it sends with the client key and
 * salt, the server with the server ones; so each side's <em>local</em> (sending) key is the one of
 * its own role and its <em>remote</em> (receiving) key is the other's.
 */
public final class DtlsSrtpKeys {

    private final SrtpProfile profile;
    private final byte[] clientKey;
    private final byte[] clientSalt;
    private final byte[] serverKey;
    private final byte[] serverSalt;

    public DtlsSrtpKeys(SrtpProfile profile, byte[] clientKey, byte[] clientSalt,
                        byte[] serverKey, byte[] serverSalt) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.clientKey = checked(clientKey, profile.keyLength(), "clientKey");
        this.clientSalt = checked(clientSalt, profile.saltLength(), "clientSalt");
        this.serverKey = checked(serverKey, profile.keyLength(), "serverKey");
        this.serverSalt = checked(serverSalt, profile.saltLength(), "serverSalt");
    }

    /**
     * Splits exported keying material per RFC 5764 §4.2.
     *
     * @param material exactly {@link SrtpProfile#exporterLength()} bytes from the exporter
     */
    public static DtlsSrtpKeys fromKeyingMaterial(SrtpProfile profile, byte[] material) {
        int k = profile.keyLength();
        int s = profile.saltLength();
        if (material.length != profile.exporterLength()) {
            throw new IllegalArgumentException("keying material for " + profile + " is "
                    + profile.exporterLength() + " bytes, got " + material.length);
        }
        return new DtlsSrtpKeys(profile,
                Arrays.copyOfRange(material, 0, k),
                Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, k, 2 * k),
                Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    /** The negotiated SRTP protection profile. */
    public SrtpProfile profile() {
        return profile;
    }

    public byte[] clientKey() {
        return clientKey.clone();
    }

    public byte[] clientSalt() {
        return clientSalt.clone();
    }

    public byte[] serverKey() {
        return serverKey.clone();
    }

    public byte[] serverSalt() {
        return serverSalt.clone();
    }

    /** The master key {@code role} protects its outgoing SRTP/SRTCP with. */
    public byte[] localKey(DtlsRole role) {
        return role == DtlsRole.CLIENT ? clientKey() : serverKey();
    }

    /** The master salt {@code role} protects its outgoing SRTP/SRTCP with. */
    public byte[] localSalt(DtlsRole role) {
        return role == DtlsRole.CLIENT ? clientSalt() : serverSalt();
    }

    /** The master key {@code role} unprotects incoming SRTP/SRTCP with (the peer's sending key). */
    public byte[] remoteKey(DtlsRole role) {
        return role == DtlsRole.CLIENT ? serverKey() : clientKey();
    }

    /** The master salt {@code role} unprotects incoming SRTP/SRTCP with. */
    public byte[] remoteSalt(DtlsRole role) {
        return role == DtlsRole.CLIENT ? serverSalt() : clientSalt();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsSrtpKeys other && profile == other.profile
                && Arrays.equals(clientKey, other.clientKey) && Arrays.equals(clientSalt, other.clientSalt)
                && Arrays.equals(serverKey, other.serverKey) && Arrays.equals(serverSalt, other.serverSalt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, Arrays.hashCode(clientKey), Arrays.hashCode(serverKey));
    }

    /** Names the profile only: key material must not end up in logs. */
    @Override
    public String toString() {
        return "DtlsSrtpKeys[" + profile + "]";
    }

    private static byte[] checked(byte[] value, int length, String name) {
        Objects.requireNonNull(value, name);
        if (value.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + value.length);
        }
        return value.clone();
    }
}
