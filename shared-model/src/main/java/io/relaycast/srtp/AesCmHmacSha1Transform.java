package io.relaycast.srtp;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * SRTP_AES128_CM_HMAC_SHA1_80: AES counter mode (RFC 3711 §4.1.1) for confidentiality and
 * HMAC-SHA1 truncated to 80 bits (§4.2.1) for authentication, for both SRTP and SRTCP.
 *
 * <p>Allocation: the keystream and all scratch arrays are reused. {@link Mac#doFinal(byte[], int)}
 * in the JDK's provider still allocates two 20-byte arrays per packet (the inner digest and the
 * result, 40 bytes measured); JCA offers no way around that.
 */
final class AesCmHmacSha1Transform extends SrtpTransform {
    private static final int TAG = 10;

    private final AesCounterKeystream rtpCipher;
    private final AesCounterKeystream rtcpCipher;
    private final Mac rtpMac;
    private final Mac rtcpMac;
    private final byte[] rtpSalt;
    private final byte[] rtcpSalt;

    private final byte[] iv = new byte[16];
    private final byte[] word = new byte[4];
    private final byte[] digest = new byte[20];
    private final byte[] expectedTag = new byte[TAG];
    private final byte[] receivedTag = new byte[TAG];

    AesCmHmacSha1Transform(SrtpSessionKeys keys) {
        rtpCipher = new AesCounterKeystream(keys.rtpEncryptionKey());
        rtcpCipher = new AesCounterKeystream(keys.rtcpEncryptionKey());
        rtpMac = hmac(keys.rtpAuthKey());
        rtcpMac = hmac(keys.rtcpAuthKey());
        rtpSalt = keys.rtpSalt();
        rtcpSalt = keys.rtcpSalt();
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    @Override
    int rtpTagLength() {
        return TAG;
    }

    @Override
    int rtcpTagLength() {
        return TAG;
    }

    /**
     * RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit SRTP
     * index or the 31-bit SRTCP index; written into the 16-byte {@code iv}.
     */
    static void counterIv(byte[] salt, int ssrc, long index, byte[] iv) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        iv[4] ^= (byte) (ssrc >>> 24);
        iv[5] ^= (byte) (ssrc >>> 16);
        iv[6] ^= (byte) (ssrc >>> 8);
        iv[7] ^= (byte) ssrc;
        for (int i = 13; i >= 8; i--) {
            iv[i] ^= (byte) index;
            index >>>= 8;
        }
    }

    /** HMAC-SHA1 over {@code buf[off, off + len)} followed by {@code trailer}, into {@link #digest}. */
    private void authenticate(Mac mac, byte[] buf, int off, int len, byte[] trailer) {
        mac.update(buf, off, len);
        if (trailer != null) {
            mac.update(trailer, 0, trailer.length);
        }
        try {
            mac.doFinal(digest, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of the computed tag with the one at {@code buf[tagOff]}. */
    private boolean tagMatches(byte[] buf, int tagOff) {
        System.arraycopy(digest, 0, expectedTag, 0, TAG);
        System.arraycopy(buf, tagOff, receivedTag, 0, TAG);
        return MessageDigest.isEqual(expectedTag, receivedTag);
    }

    @Override
    int protectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index) {
        counterIv(rtpSalt, ssrc, index, iv);
        rtpCipher.xor(iv, buf, off + headerLen, len - headerLen);
        // RFC 3711 §4.2: the authenticated portion is header + encrypted payload, then ROC.
        writeInt(word, 0, (int) (index >>> 16));
        authenticate(rtpMac, buf, off, len, word);
        System.arraycopy(digest, 0, buf, off + len, TAG);
        return len + TAG;
    }

    @Override
    int unprotectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index) throws SrtpException {
        int plainLen = len - TAG;
        writeInt(word, 0, (int) (index >>> 16));
        authenticate(rtpMac, buf, off, plainLen, word);
        if (!tagMatches(buf, off + plainLen)) {
            throw new SrtpException(SrtpException.Reason.AUTH_FAILED, "SRTP tag mismatch");
        }
        counterIv(rtpSalt, ssrc, index, iv);
        rtpCipher.xor(iv, buf, off + headerLen, plainLen - headerLen);
        return plainLen;
    }

    @Override
    int protectRtcp(byte[] buf, int off, int len, int ssrc, int index) {
        counterIv(rtcpSalt, ssrc, index, iv);
        rtcpCipher.xor(iv, buf, off + 8, len - 8);
        // RFC 3711 §3.4: E flag (set: encrypted) and SRTCP index follow the encrypted portion;
        // the tag covers header, encrypted portion and that word.
        writeInt(buf, off + len, 0x80000000 | index);
        authenticate(rtcpMac, buf, off, len + 4, null);
        System.arraycopy(digest, 0, buf, off + len + 4, TAG);
        return len + 4 + TAG;
    }

    @Override
    int rtcpIndexPosition(int len) {
        return len - TAG - 4;
    }

    @Override
    int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int index, boolean encrypted) throws SrtpException {
        int indexPos = rtcpIndexPosition(len);
        authenticate(rtcpMac, buf, off, indexPos + 4, null);
        if (!tagMatches(buf, off + indexPos + 4)) {
            throw new SrtpException(SrtpException.Reason.AUTH_FAILED, "SRTCP tag mismatch");
        }
        if (encrypted) {
            counterIv(rtcpSalt, ssrc, index, iv);
            rtcpCipher.xor(iv, buf, off + 8, indexPos - 8);
        }
        return indexPos;
    }
}
