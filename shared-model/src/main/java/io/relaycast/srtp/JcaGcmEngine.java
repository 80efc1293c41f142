package io.relaycast.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@link GcmEngine} through JCA's {@code AES/GCM/NoPadding}: the fallback where the JDK's GHASH
 * kernel cannot be reached. JCA refuses to reuse an IV for encryption and takes a new one only
 * through {@code init}, so every packet allocates a {@link GCMParameterSpec} and the provider's
 * per-init engine objects (about 1 KB with JDK 17 and 25). Opening reads from a reused scratch
 * copy of the ciphertext: with overlapping input and output the provider allocates a little
 * more, and a separate input keeps a forged packet's bytes untouched whatever the provider does
 * on a tag failure.
 */
final class JcaGcmEngine implements GcmEngine {
    private static final int TAG_BITS = TAG_LENGTH * 8;

    private final Cipher cipher;
    private final SecretKeySpec key;
    private byte[] scratch = new byte[2048];

    JcaGcmEngine(byte[] key) {
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM unavailable", e);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    @Override
    public void start(byte[] iv, boolean seal) {
        try {
            cipher.init(seal ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
        } catch (GeneralSecurityException e) {
            // Key and IV sizes are fixed here; the SRTP context never encrypts one index twice.
            throw new IllegalStateException("AES-GCM init failed", e);
        }
    }

    @Override
    public void aad(byte[] b, int off, int len) {
        cipher.updateAAD(b, off, len);
    }

    @Override
    public int seal(byte[] buf, int off, int len) {
        try {
            return cipher.doFinal(buf, off, len, buf, off);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    @Override
    public int open(byte[] buf, int off, int len) {
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        System.arraycopy(buf, off, scratch, 0, len);
        try {
            // JCA checks the tag before releasing any plaintext; on failure buf is untouched.
            return cipher.doFinal(scratch, 0, len, buf, off);
        } catch (AEADBadTagException e) {
            return -1;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }
}
