package io.relaycast.srtp;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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
 * packet. Counter blocks are written into one scratch buffer and encrypted into another (the
 * JDK's ECB copies its input when asked to work in place), a pair per thread shared by every
 * instance on it; both grow only when a longer packet
 * than ever before comes along, so steady-state use allocates nothing. Counter blocks are
 * written and the keystream XORed eight bytes at a time through byte-array views (a byte-wise
 * loop cost more than the AES itself). AES-GCM's counter mode uses the same blocks
 * ({@link #counterKeystream}, for {@link IntrinsicGcmEngine}). Not thread-safe.
 */
final class AesCounterKeystream {
    /** RFC 3711 §4.1.1: at most 2^16 blocks per packet, the counter's width. */
    static final int MAX_LENGTH = 16 * 65536;

    /** Counter blocks are big-endian numbers (RFC 3711 §4.1.1), so they are written in that order. */
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** XOR does not care about byte order: the native one needs no byte swap. */
    private static final VarHandle NATIVE_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private final Cipher ecb;
    /**
     * The counter blocks and their encryption, shared by every keystream on a thread: a node
     * keeps a context per subscriber, and with arrays of their own 200 subscribers' 4 KB each
     * were a working set that did not stay in the core's caches, where one pair per thread does.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        byte[] counters = new byte[2048];
        byte[] encryptedCounters = new byte[2048];
    }

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
        // IV bytes 0-13 are the same in every block; bytes 14-15 (zero in the IV) take the
        // 16-bit block counter, so the 32-bit increment below never carries out of them.
        long high = (long) BIG_ENDIAN_LONG.get(iv, 0);
        long low = (long) BIG_ENDIAN_LONG.get(iv, 8) & ~0xffffL;
        byte[] k = encryptCounters(high, low, (len + 15) >>> 4);
        xorInto(k, 0, buf, off, len);
    }

    /**
     * The keystream of {@code count} counter blocks starting at {@code first} (16 bytes), each
     * the previous with its low 32 bits incremented mod 2^32: GCM's inc32 (NIST SP 800-38D
     * §6.2). Returns the thread's scratch array, valid until the thread's next keystream call
     * (on any instance); block i is at {@code 16 * i}.
     */
    byte[] counterKeystream(byte[] first, int count) {
        if (count > (MAX_LENGTH >>> 4) + 1) {
            throw new IllegalArgumentException("too many counter blocks for one packet: " + count);
        }
        return encryptCounters((long) BIG_ENDIAN_LONG.get(first, 0), (long) BIG_ENDIAN_LONG.get(first, 8), count);
    }

    private byte[] encryptCounters(long high, long low, int blocks) {
        int bytes = blocks << 4;
        Scratch scratch = SCRATCH.get();
        if (scratch.counters.length < bytes) {
            scratch.counters = new byte[Math.max(bytes, scratch.counters.length * 2)];
            scratch.encryptedCounters = new byte[scratch.counters.length];
        }
        byte[] c = scratch.counters;
        long fixed = low & ~0xffffffffL;
        for (int b = 0, p = 0; b < blocks; b++, p += 16) {
            BIG_ENDIAN_LONG.set(c, p, high);
            BIG_ENDIAN_LONG.set(c, p + 8, fixed | ((low + b) & 0xffffffffL));
        }
        byte[] k = scratch.encryptedCounters;
        try {
            ecb.update(c, 0, bytes, k, 0);
        } catch (ShortBufferException e) {
            throw new IllegalStateException(e);
        }
        return k;
    }

    /** {@code buf[off, off + len) ^= k[kOff, kOff + len)}, eight bytes at a time. */
    static void xorInto(byte[] k, int kOff, byte[] buf, int off, int len) {
        int i = 0;
        for (int words = len & ~7; i < words; i += 8) {
            NATIVE_LONG.set(buf, off + i, (long) NATIVE_LONG.get(buf, off + i) ^ (long) NATIVE_LONG.get(k, kOff + i));
        }
        for (; i < len; i++) {
            buf[off + i] ^= k[kOff + i];
        }
    }

    /** The first {@code len} keystream bytes for {@code iv}, as a new array (key derivation, tests). */
    byte[] keystream(byte[] iv, int len) {
        byte[] out = new byte[len];
        xor(iv, out, 0, len);
        return out;
    }
}
