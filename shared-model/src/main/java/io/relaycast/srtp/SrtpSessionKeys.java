package io.relaycast.srtp;

import java.util.Arrays;

/**
 * The six session keys of one direction (RFC 3711 §4.3.2, labels 0–5), derived from a master
 * key and salt for a profile. Accessors return copies; {@link #wipe()} clears the originals.
 */
public final class SrtpSessionKeys {
    private final SrtpProfile profile;
    private final byte[] rtpKey;
    private final byte[] rtpAuthKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpKey;
    private final byte[] rtcpAuthKey;
    private final byte[] rtcpSalt;

    private SrtpSessionKeys(SrtpProfile profile, byte[] rtpKey, byte[] rtpAuthKey, byte[] rtpSalt,
                            byte[] rtcpKey, byte[] rtcpAuthKey, byte[] rtcpSalt) {
        this.profile = profile;
        this.rtpKey = rtpKey;
        this.rtpAuthKey = rtpAuthKey;
        this.rtpSalt = rtpSalt;
        this.rtcpKey = rtcpKey;
        this.rtcpAuthKey = rtcpAuthKey;
        this.rtcpSalt = rtcpSalt;
    }

    /**
     * Derives the session keys (kdr = 0).
     *
     * @throws IllegalArgumentException when the key or salt length does not match the profile
     */
    public static SrtpSessionKeys derive(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException(profile + " needs a " + profile.keyLength() + "-byte key and a "
                    + profile.saltLength() + "-byte salt, got " + masterKey.length + " and " + masterSalt.length);
        }
        int k = profile.keyLength();
        int s = profile.saltLength();
        int a = profile.authKeyLength();
        return new SrtpSessionKeys(profile,
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, k),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_AUTH, a),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTP_SALT, s),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, k),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_AUTH, a),
                SrtpKeyDerivation.derive(masterKey, masterSalt, SrtpKeyDerivation.LABEL_RTCP_SALT, s));
    }

    /**
     * Session keys given directly, for test vectors that start from session keys (RFC 7714
     * §16–17). Lengths are not checked against the profile, so AES-256 keys can exercise the
     * GCM transform.
     */
    static SrtpSessionKeys of(SrtpProfile profile, byte[] rtpKey, byte[] rtpAuthKey, byte[] rtpSalt,
                              byte[] rtcpKey, byte[] rtcpAuthKey, byte[] rtcpSalt) {
        return new SrtpSessionKeys(profile, rtpKey.clone(), rtpAuthKey.clone(), rtpSalt.clone(),
                rtcpKey.clone(), rtcpAuthKey.clone(), rtcpSalt.clone());
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Label 0. */
    public byte[] rtpEncryptionKey() {
        return rtpKey.clone();
    }

    /** Label 1; empty for AEAD profiles. */
    public byte[] rtpAuthKey() {
        return rtpAuthKey.clone();
    }

    /** Label 2. */
    public byte[] rtpSalt() {
        return rtpSalt.clone();
    }

    /** Label 3. */
    public byte[] rtcpEncryptionKey() {
        return rtcpKey.clone();
    }

    /** Label 4; empty for AEAD profiles. */
    public byte[] rtcpAuthKey() {
        return rtcpAuthKey.clone();
    }

    /** Label 5. */
    public byte[] rtcpSalt() {
        return rtcpSalt.clone();
    }

    /** Overwrites the key material with zeros. */
    public void wipe() {
        Arrays.fill(rtpKey, (byte) 0);
        Arrays.fill(rtpAuthKey, (byte) 0);
        Arrays.fill(rtpSalt, (byte) 0);
        Arrays.fill(rtcpKey, (byte) 0);
        Arrays.fill(rtcpAuthKey, (byte) 0);
        Arrays.fill(rtcpSalt, (byte) 0);
    }
}
