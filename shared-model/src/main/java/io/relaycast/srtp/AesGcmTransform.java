package io.relaycast.srtp;

/**
 * AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): AES-GCM with a 16-byte tag, the RTP header
 * (or the first 8 RTCP bytes plus the E flag + index word) as associated data. The GCM itself is
 * a {@link GcmEngine} per key (RTP and RTCP have their own): with the JDK's GHASH kernel
 * reachable it allocates nothing per packet, else it is JCA's. Encryption and decryption run in
 * place.
 */
final class AesGcmTransform extends SrtpTransform {
    private static final int TAG = GcmEngine.TAG_LENGTH;

    private final GcmEngine rtp;
    private final GcmEngine rtcp;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;

    private final byte[] iv = new byte[12];
    private final byte[] indexWord = new byte[4];

    AesGcmTransform(SrtpSessionKeys keys) {
        rtp = GcmEngine.forKey(keys.rtpEncryptionKey());
        rtcp = GcmEngine.forKey(keys.rtcpEncryptionKey());
        rtpSalt = keys.rtpSalt();
        rtcpSalt = keys.rtcpSalt();
    }

    @Override
    int rtpTagLength() {
        return TAG;
    }

    @Override
    int rtcpTagLength() {
        return TAG;
    }

    /** RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt, into the 12-byte {@code iv}. */
    static void rtpIv(byte[] salt, int ssrc, long index, byte[] iv) {
        fillIv(salt, ssrc, (int) (index >>> 16), (int) index & 0xffff, iv);
    }

    /** RFC 7714 §9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt. */
    static void rtcpIv(byte[] salt, int ssrc, int index, byte[] iv) {
        fillIv(salt, ssrc, index >>> 16, index & 0xffff, iv);
    }

    private static void fillIv(byte[] salt, int ssrc, int middle, int low, byte[] iv) {
        iv[0] = salt[0];
        iv[1] = salt[1];
        iv[2] = (byte) (salt[2] ^ (ssrc >>> 24));
        iv[3] = (byte) (salt[3] ^ (ssrc >>> 16));
        iv[4] = (byte) (salt[4] ^ (ssrc >>> 8));
        iv[5] = (byte) (salt[5] ^ ssrc);
        iv[6] = (byte) (salt[6] ^ (middle >>> 24));
        iv[7] = (byte) (salt[7] ^ (middle >>> 16));
        iv[8] = (byte) (salt[8] ^ (middle >>> 8));
        iv[9] = (byte) (salt[9] ^ middle);
        iv[10] = (byte) (salt[10] ^ (low >>> 8));
        iv[11] = (byte) (salt[11] ^ low);
    }

    @Override
    int protectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index) {
        rtpIv(rtpSalt, ssrc, index, iv);
        rtp.start(iv, true);
        // RFC 7714 §8.2: the AAD is the whole RTP header, CSRCs and extension included.
        rtp.aad(buf, off, headerLen);
        return headerLen + rtp.seal(buf, off + headerLen, len - headerLen);
    }

    @Override
    int unprotectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index) throws SrtpException {
        rtpIv(rtpSalt, ssrc, index, iv);
        rtp.start(iv, false);
        rtp.aad(buf, off, headerLen);
        return headerLen + open(rtp, buf, off + headerLen, len - headerLen, "SRTP");
    }

    private static int open(GcmEngine gcm, byte[] buf, int off, int len, String what) throws SrtpException {
        int plain = gcm.open(buf, off, len);
        if (plain < 0) {
            throw new SrtpException(SrtpException.Reason.AUTH_FAILED, what + " GCM tag mismatch");
        }
        return plain;
    }

    @Override
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        rtcpIv(rtcpSalt, ssrc, index, iv);
        rtcp.start(iv, true);
        // RFC 7714 §9.2: AAD = the first 8 octets || E flag + SRTCP index; on the wire the word
        // follows the tag.
        writeInt(indexWord, 0, 0x80000000 | index);
        rtcp.aad(buf, off, 8);
        rtcp.aad(indexWord, 0, 4);
        int sealed = rtcp.seal(buf, off + 8, len - 8);
        System.arraycopy(indexWord, 0, buf, off + 8 + sealed, 4);
        return 8 + sealed + 4;
    }

    @Override
    int rtcpIndexPosition(int len) {
        return len - 4;
    }

    @Override
    int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int index, boolean encrypted) throws SrtpException {
        rtcpIv(rtcpSalt, ssrc, index, iv);
        int indexPos = len - 4;
        System.arraycopy(buf, off + indexPos, indexWord, 0, 4);
        rtcp.start(iv, false);
        if (encrypted) {
            rtcp.aad(buf, off, 8);
            rtcp.aad(indexWord, 0, 4);
            return 8 + open(rtcp, buf, off + 8, indexPos - 8, "SRTCP");
        }
        // RFC 7714 §9.3, E = 0: the whole RTCP packet and the word are AAD; there is no
        // plaintext, only the tag between them.
        int plainLen = indexPos - TAG;
        rtcp.aad(buf, off, plainLen);
        rtcp.aad(indexWord, 0, 4);
        open(rtcp, buf, off + plainLen, TAG, "SRTCP");
        return plainLen;
    }
}
