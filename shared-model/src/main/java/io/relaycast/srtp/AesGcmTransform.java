package io.relaycast.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AEAD_AES_128_GCM for SRTP and SRTCP (RFC 7714): AES-GCM with a 16-byte tag, the RTP header
 * (or the first 8 RTCP bytes plus the E flag + index word) as associated data.
 *
 * <p>Allocation: JCA's GCM needs a fresh {@code init} per packet with a new
 * {@link GCMParameterSpec} (it refuses to reuse an IV for encryption, and the IV changes with
 * every packet anyway); the spec and the provider's per-init engine objects are allocated on
 * each call (about 1 KB per packet with JDK 17's provider). Decryption reads from a reused
 * scratch copy of the ciphertext: with overlapping input and output the provider allocates a
 * little more, and a separate input keeps a forged packet's bytes untouched whatever the
 * provider does on a tag failure. Encryption runs in place.
 */
final class AesGcmTransform extends SrtpTransform {
    private static final int TAG = 16;
    private static final int TAG_BITS = TAG * 8;

    private final Cipher cipher;
    private final SecretKeySpec rtpKey;
    private final SecretKeySpec rtcpKey;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;

    private final byte[] iv = new byte[12];
    private final byte[] indexWord = new byte[4];
    private byte[] scratch = new byte[2048];

    AesGcmTransform(SrtpSessionKeys keys) {
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
        rtpKey = new SecretKeySpec(keys.rtpEncryptionKey(), "AES");
        rtcpKey = new SecretKeySpec(keys.rtcpEncryptionKey(), "AES");
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

    private void init(int mode, SecretKeySpec key) {
        try {
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        } catch (GeneralSecurityException e) {
            // Key and IV sizes are fixed here; the context never encrypts one index twice.
            throw new IllegalStateException("AES-GCM init failed", e);
        }
    }

    private byte[] scratch(int len) {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        return scratch;
    }

    @Override
    int protectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index) {
        rtpIv(rtpSalt, ssrc, index, iv);
        init(Cipher.ENCRYPT_MODE, rtpKey);
        // RFC 7714 §8.2: the AAD is the whole RTP header, CSRCs and extension included.
        cipher.updateAAD(buf, off, headerLen);
        try {
            return headerLen + cipher.doFinal(buf, off + headerLen, len - headerLen, buf, off + headerLen);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    @Override
    int unprotectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index) throws SrtpException {
        rtpIv(rtpSalt, ssrc, index, iv);
        return decrypt(rtpKey, buf, off, headerLen, off + headerLen, len - headerLen, null, "SRTP");
    }

    /**
     * Authenticates {@code aad = buf[off, off + aadLen) || trailer} and decrypts
     * {@code buf[ct, ct + ctLen)} (ciphertext then tag) into {@code buf[ct]}; returns
     * {@code ct - off + plaintext length}.
     */
    private int decrypt(SecretKeySpec key, byte[] buf, int off, int aadLen, int ct, int ctLen,
                        byte[] trailer, String what) throws SrtpException {
        init(Cipher.DECRYPT_MODE, key);
        cipher.updateAAD(buf, off, aadLen);
        if (trailer != null) {
            cipher.updateAAD(trailer, 0, trailer.length);
        }
        byte[] in = scratch(ctLen);
        System.arraycopy(buf, ct, in, 0, ctLen);
        try {
            // JCA checks the tag before releasing any plaintext; on failure buf is untouched.
            return ct - off + cipher.doFinal(in, 0, ctLen, buf, ct);
        } catch (AEADBadTagException e) {
            throw new SrtpException(SrtpException.Reason.AUTH_FAILED, what + " GCM tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    @Override
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        rtcpIv(rtcpSalt, ssrc, index, iv);
        init(Cipher.ENCRYPT_MODE, rtcpKey);
        // RFC 7714 §9.2: AAD = the first 8 octets || E flag + SRTCP index; on the wire the word
        // follows the tag.
        writeInt(indexWord, 0, 0x80000000 | index);
        cipher.updateAAD(buf, off, 8);
        cipher.updateAAD(indexWord, 0, 4);
        int sealed;
        try {
            sealed = cipher.doFinal(buf, off + 8, len - 8, buf, off + 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
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
        if (encrypted) {
            return decrypt(rtcpKey, buf, off, 8, off + 8, indexPos - 8, indexWord, "SRTCP");
        }
        // RFC 7714 §9.3, E = 0: the whole RTCP packet and the word are AAD; there is no
        // plaintext, only the tag between them.
        int plainLen = indexPos - TAG;
        decrypt(rtcpKey, buf, off, plainLen, off + plainLen, TAG, indexWord, "SRTCP");
        return plainLen;
    }
}
