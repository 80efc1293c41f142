package io.relaycast.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES in counter mode as RFC 3711 §4.1.1 defines it: keystream block {@code i} is
 * {@code AES(key, IV + i)} where the 16-bit block counter occupies the low bytes of the
 * 128-bit IV (which always ends in two zero bytes, so no carry can leave them).
 *
 * <p>The keystream is produced with an {@code AES/ECB/NoPadding} cipher initialised once: a
 * JCA CTR cipher would need a fresh {@code init} with a new {@code IvParameterSpec} for every
 * packet. Counter blocks are written into a scratch buffer that grows only when a longer packet
 * than ever before comes along, so steady-state use allocates nothing. Not thread-safe.
 */
final class AesCounterKeystream {
    /** RFC 3711 §4.1.1: at most 2^16 blocks per packet, the counter's width. */
    static final int MAX_LENGTH = 16 * 65536;

    private final Cipher ecb;
    private byte[] scratch = new byte[2048];

    AesCounterKeystream(byte[] key) {
        try {
            ecb = Cipher.getInstance("AES/ECB/NoPadding");
            ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable or bad key length " + key.length, e);
        }
    }

    /**
     * XORs {@code len} keystream bytes starting at counter block {@code iv} into
     * {@code buf[off, off + len)}; {@code iv} is 16 bytes and its last two bytes must be zero.
     */
    void xor(byte[] iv, byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        if (len > MAX_LENGTH) {
            throw new IllegalArgumentException("more keystream than one 16-bit counter can give: " + len);
        }
        int blocks = (len + 15) >>> 4;
        int bytes = blocks << 4;
        if (scratch.length < bytes) {
            scratch = new byte[Math.max(bytes, scratch.length * 2)];
        }
        byte[] s = scratch;
        for (int b = 0, p = 0; b < blocks; b++, p += 16) {
            System.arraycopy(iv, 0, s, p, 14);
            s[p + 14] = (byte) (b >>> 8);
            s[p + 15] = (byte) b;
        }
        try {
            // ECB with no buffered input encrypts in place block by block.
            ecb.update(s, 0, bytes, s, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        for (int i = 0; i < len; i++) {
            buf[off + i] ^= s[i];
        }
    }

    /** The first {@code len} keystream bytes for {@code iv}, as a new array (key derivation, tests). */
    byte[] keystream(byte[] iv, int len) {
        byte[] out = new byte[len];
        xor(iv, out, 0, len);
        return out;
    }
}
