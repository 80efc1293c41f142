package io.relaycast.srtp;

/**
 * The DTLS-SRTP protection profiles Relaycast negotiates, in order of preference.
 *
 * <p>Values from the IANA "DTLS-SRTP Protection Profiles" registry: RFC 5764 §4.1.2 for
 * {@code SRTP_AES128_CM_HMAC_SHA1_80} and RFC 7714 §14.2 for {@code SRTP_AEAD_AES_128_GCM}.
 * GCM comes first: it authenticates and encrypts in one pass and costs about half as much per
 * packet on this JVM (see ../shared/CHECKED.md).
 */
public enum SrtpProfile {
    /** RFC 7714: 128-bit key, 96-bit salt, 16-byte GCM tag, no separate auth key. */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16, 16),
    /** RFC 3711 default transform: 128-bit key, 112-bit salt, 80-bit HMAC-SHA1 tag (RTP and RTCP). */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10, 10);

    private final int dtlsId;
    private final int keyLength;
    private final int saltLength;
    private final int rtpTagLength;
    private final int rtcpTagLength;

    SrtpProfile(int dtlsId, int keyLength, int saltLength, int rtpTagLength, int rtcpTagLength) {
        this.dtlsId = dtlsId;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
        this.rtpTagLength = rtpTagLength;
        this.rtcpTagLength = rtcpTagLength;
    }

    /** The 16-bit SRTPProtectionProfile value carried in the DTLS {@code use_srtp} extension. */
    public int dtlsId() {
        return dtlsId;
    }

    /** Master key length in bytes. */
    public int keyLength() {
        return keyLength;
    }

    /** Master salt length in bytes. */
    public int saltLength() {
        return saltLength;
    }

    /** Bytes appended to an RTP packet by protection (the authentication tag). */
    public int rtpTagLength() {
        return rtpTagLength;
    }

    /** Bytes appended to an RTCP packet by protection: the 4-byte E flag + SRTCP index, then the tag. */
    public int rtcpOverhead() {
        return 4 + rtcpTagLength;
    }

    /** Bytes of SRTCP authentication tag (without the 4-byte E flag + index word). */
    public int rtcpTagLength() {
        return rtcpTagLength;
    }

    /** Whether the profile is an AEAD transform (RFC 7714), which needs no separate auth key. */
    public boolean isAead() {
        return this == AEAD_AES_128_GCM;
    }

    /**
     * Session authentication key length in bytes: RFC 3711 §4.2.1 HMAC-SHA1 uses n_a = 160
     * bits; an AEAD transform derives none (RFC 7714 §11).
     */
    public int authKeyLength() {
        return isAead() ? 0 : 20;
    }

    /** Length of the keying material export for one side's key and salt: the RFC 5764 §4.2 layout uses two of each. */
    public int exporterLength() {
        return 2 * (keyLength + saltLength);
    }

    /** The profile with the given DTLS id, or {@code null} when Relaycast does not implement it. */
    public static SrtpProfile fromDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return p;
            }
        }
        return null;
    }
}
