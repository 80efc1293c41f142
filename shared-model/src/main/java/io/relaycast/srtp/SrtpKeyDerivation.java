package io.relaycast.srtp;

/**
 * The SRTP key derivation function of RFC 3711 §4.3 with the AES-CM PRF of §4.3.3 and a key
 * derivation rate of 0, which is what DTLS-SRTP (RFC 5764 §4.1.2) and WebRTC use.
 *
 * <p>For label {@code l} the PRF input is {@code x = (l || index DIV kdr) XOR master_salt},
 * 112 bits, where with kdr = 0 the 48-bit {@code index DIV kdr} is zero; the output is the AES-CM
 * keystream for IV {@code x * 2^16} under the master key, cut to the wanted length (§4.3.1).
 * RFC 7714 §11 reuses this KDF for AES-GCM, whose master salt is 96 bits: it is zero-padded on
 * the right to 112 bits before use (this is what libsrtp does, and its GCM vector confirms it).
 */
public final class SrtpKeyDerivation {
    /** RFC 3711 §4.3.2: SRTP encryption key. */
    public static final int LABEL_RTP_ENCRYPTION = 0x00;
    /** RFC 3711 §4.3.2: SRTP authentication key. */
    public static final int LABEL_RTP_AUTH = 0x01;
    /** RFC 3711 §4.3.2: SRTP salting key. */
    public static final int LABEL_RTP_SALT = 0x02;
    /** RFC 3711 §4.3.2: SRTCP encryption key. */
    public static final int LABEL_RTCP_ENCRYPTION = 0x03;
    /** RFC 3711 §4.3.2: SRTCP authentication key. */
    public static final int LABEL_RTCP_AUTH = 0x04;
    /** RFC 3711 §4.3.2: SRTCP salting key. */
    public static final int LABEL_RTCP_SALT = 0x05;

    /** RFC 3711 §4.3.1: the PRF input is as wide as the default 112-bit master salt. */
    private static final int SALT_BITS_112 = 14;

    private SrtpKeyDerivation() {
    }

    /**
     * Derives one session key.
     *
     * @param masterKey  16 or 32 bytes (AES-128 or AES-256 PRF)
     * @param masterSalt 14 bytes, or 12 for AES-GCM (zero-padded to 14)
     * @param label      0–5, see the {@code LABEL_} constants
     * @param length     bytes wanted
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterSalt.length > SALT_BITS_112) {
            throw new IllegalArgumentException("master salt longer than 112 bits: " + masterSalt.length);
        }
        if (label < 0 || label > 0xff) {
            throw new IllegalArgumentException("label out of range: " + label);
        }
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        // The 8-bit label sits just above the 48-bit (index DIV kdr), i.e. in byte 7 of the
        // 14-byte x; the (zero) index part leaves the salt's low 48 bits unchanged.
        iv[SALT_BITS_112 - 7] ^= (byte) label;
        return new AesCounterKeystream(masterKey).keystream(iv, length);
    }
}
