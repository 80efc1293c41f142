package io.relaycast.srtp;

import java.util.Objects;

/**
 * {@link GcmEngine} built from two parts the JDK already accelerates, kept for the key's life:
 * the counter-mode keystream from one {@code AES/ECB} cipher initialised once
 * ({@link AesCounterKeystream}) and GHASH from the JDK's carry-less-multiply kernel
 * ({@link Ghash}). A new IV is two array writes, so a packet costs no {@code Cipher.init} and
 * allocates nothing; measured against JCA in load-tests' SrtpCpuTime (docs/benchmarks.md "SRTP
 * cost per packet").
 *
 * <p>NIST SP 800-38D §7.1 (GCM-AE) and §7.2 (GCM-AD) with a 96-bit IV: J0 = IV || 0^31 || 1;
 * the text is XORed with the keystream of inc32(J0), inc32^2(J0), ...; S = GHASH over A and C
 * each padded to a block, then [len(A)]_64 || [len(C)]_64; the tag is E(K, J0) XOR S. J0's
 * block is the first of the same keystream request, so one ECB call serves a packet.
 */
final class IntrinsicGcmEngine implements GcmEngine {
    private static final int BLOCK = 16;

    private final AesCounterKeystream aes;
    private final Ghash ghash;
    /** J0 of the packet in progress. */
    private final byte[] j0 = new byte[BLOCK];
    private final byte[] expectedTag = new byte[TAG_LENGTH];
    private long aadLength;

    IntrinsicGcmEngine(byte[] key) {
        aes = new AesCounterKeystream(key);
        // H = E(K, 0^128) (§6.4): one counter block of all zeros.
        byte[] h = new byte[BLOCK];
        System.arraycopy(aes.counterKeystream(new byte[BLOCK], 1), 0, h, 0, BLOCK);
        ghash = new Ghash(h);
    }

    @Override
    public void start(byte[] iv, boolean seal) {
        if (iv.length != 12) {
            throw new IllegalArgumentException("GCM IV must be 12 bytes here, got " + iv.length);
        }
        System.arraycopy(iv, 0, j0, 0, 12);
        j0[12] = 0;
        j0[13] = 0;
        j0[14] = 0;
        j0[15] = 1;
        ghash.reset();
        aadLength = 0;
    }

    @Override
    public void aad(byte[] b, int off, int len) {
        ghash.update(b, off, len);
        aadLength += len;
    }

    @Override
    public int seal(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len + TAG_LENGTH, buf.length);
        ghash.padToBlock();
        byte[] k = aes.counterKeystream(j0, 1 + blocks(len));
        AesCounterKeystream.xorInto(k, BLOCK, buf, off, len);
        ghash.update(buf, off, len);
        System.arraycopy(k, 0, buf, off + len, TAG_LENGTH);
        ghash.finishInto(aadLength, len, buf, off + len);
        return len + TAG_LENGTH;
    }

    @Override
    public int open(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int textLength = len - TAG_LENGTH;
        if (textLength < 0) {
            return -1;
        }
        ghash.padToBlock();
        ghash.update(buf, off, textLength);
        byte[] k = aes.counterKeystream(j0, 1 + blocks(textLength));
        System.arraycopy(k, 0, expectedTag, 0, TAG_LENGTH);
        ghash.finishInto(aadLength, textLength, expectedTag, 0);
        // Every byte compared whatever the first difference, so timing says nothing of the tag.
        int diff = 0;
        for (int i = 0; i < TAG_LENGTH; i++) {
            diff |= expectedTag[i] ^ buf[off + textLength + i];
        }
        if (diff != 0) {
            return -1;
        }
        AesCounterKeystream.xorInto(k, BLOCK, buf, off, textLength);
        return textLength;
    }

    private static int blocks(int len) {
        return (len + BLOCK - 1) >>> 4;
    }
}
