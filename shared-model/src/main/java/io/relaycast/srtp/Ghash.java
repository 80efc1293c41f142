package io.relaycast.srtp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * GHASH (NIST SP 800-38D §6.4) for one hash subkey H, computed by the JDK's own GHASH kernel so
 * that a packet needs no {@code Cipher.init} and no allocation.
 *
 * <p>Why the JDK's kernel: JCA's AES/GCM must be re-initialised for every nonce, which builds
 * about 1 KB of engine objects per packet; a GHASH written in Java costs ~25 ns per 16-byte
 * block (docs/benchmarks.md "SRTP cost per packet"), ten times the JDK's carry-less-multiply
 * intrinsic behind {@code com.sun.crypto.provider.GHASH.processBlocks}. That private static
 * method is a pure function of its arrays (the JDK keeps its signature fixed because HotSpot
 * intrinsifies it, the same in JDK 17 and 25), so it is called here through a method handle,
 * which needs {@code --add-opens java.base/com.sun.crypto.provider=ALL-UNNAMED} (the node's
 * and the harness's jar manifests carry it). Without that, {@link #available()} is false and
 * {@link GcmEngine#forKey} falls back to JCA.
 *
 * <p>The intrinsic checks no bounds, so every call here checks them first, as the JDK's own
 * {@code GHASH.update} does. The state is two big-endian longs; the subkey table is H (two
 * longs) followed by room for the powers of H that the x86 kernel computes into it on first
 * use (18 longs in all, JDK 17 and 25 alike). Not thread-safe.
 */
final class Ghash {
    private static final int BLOCK = 16;
    private static final int TABLE_LONGS = 18;
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private static final MethodHandle PROCESS_BLOCKS;
    private static final String UNAVAILABLE;

    static {
        MethodHandle handle = null;
        String why = null;
        try {
            Class<?> ghash = Class.forName("com.sun.crypto.provider.GHASH");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(ghash, MethodHandles.lookup());
            handle = lookup.findStatic(ghash, "processBlocks", MethodType.methodType(
                    void.class, byte[].class, int.class, int.class, long[].class, long[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            // IllegalAccessException without the --add-opens; NoSuchMethodException on a JDK
            // whose provider changed shape.
            why = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (handle != null) {
            why = selfTest(handle);
            if (why != null) {
                handle = null;
            }
        }
        PROCESS_BLOCKS = handle;
        UNAVAILABLE = why;
    }

    private final long[] subkeyTable = new long[TABLE_LONGS];
    private final long[] state = new long[2];
    /** The bytes of a block not yet complete (associated data or ciphertext arrive in parts). */
    private final byte[] pending = new byte[BLOCK];
    private int pendingLength;

    /** {@code h} is the 16-byte hash subkey, AES_K(0^128). */
    Ghash(byte[] h) {
        if (PROCESS_BLOCKS == null) {
            throw new IllegalStateException("the JDK's GHASH kernel is not reachable: " + UNAVAILABLE);
        }
        if (h.length != BLOCK) {
            throw new IllegalArgumentException("GHASH subkey must be 16 bytes, got " + h.length);
        }
        subkeyTable[0] = (long) BIG_ENDIAN_LONG.get(h, 0);
        subkeyTable[1] = (long) BIG_ENDIAN_LONG.get(h, 8);
    }

    /** Whether the JDK's GHASH kernel could be reached (see the class comment). */
    static boolean available() {
        return PROCESS_BLOCKS != null;
    }

    /** Why {@link #available()} is false, or null. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** Starts a new hash: Y_0 = 0^128. */
    void reset() {
        state[0] = 0;
        state[1] = 0;
        pendingLength = 0;
    }

    /** Feeds {@code b[off, off + len)}; whole blocks go straight from {@code b}, no copy. */
    void update(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (pendingLength > 0) {
            int take = Math.min(len, BLOCK - pendingLength);
            System.arraycopy(b, off, pending, pendingLength, take);
            pendingLength += take;
            off += take;
            len -= take;
            if (pendingLength < BLOCK) {
                return;
            }
            processBlocks(pending, 0, 1);
            pendingLength = 0;
        }
        int blocks = len >>> 4;
        if (blocks > 0) {
            processBlocks(b, off, blocks);
        }
        int rest = len & (BLOCK - 1);
        System.arraycopy(b, off + (blocks << 4), pending, 0, rest);
        pendingLength = rest;
    }

    /**
     * Ends a section (A or C in SP 800-38D §7.1 step 5): a partial last block is padded with
     * zeros, so the next bytes start a new block.
     */
    void padToBlock() {
        if (pendingLength > 0) {
            Arrays.fill(pending, pendingLength, BLOCK, (byte) 0);
            processBlocks(pending, 0, 1);
            pendingLength = 0;
        }
    }

    /**
     * Hashes the final block, [len(A)]_64 || [len(C)]_64 in bits (§7.1 step 5), and XORs the
     * result S into {@code out[off, off + 16)}: with out holding E(K, J0) that is the tag.
     */
    void finishInto(long aadBytes, long ciphertextBytes, byte[] out, int off) {
        padToBlock();
        BIG_ENDIAN_LONG.set(pending, 0, aadBytes << 3);
        BIG_ENDIAN_LONG.set(pending, 8, ciphertextBytes << 3);
        processBlocks(pending, 0, 1);
        BIG_ENDIAN_LONG.set(out, off, (long) BIG_ENDIAN_LONG.get(out, off) ^ state[0]);
        BIG_ENDIAN_LONG.set(out, off + 8, (long) BIG_ENDIAN_LONG.get(out, off + 8) ^ state[1]);
    }

    private void processBlocks(byte[] data, int off, int blocks) {
        // The kernel reads blocks * 16 bytes from data[off] unchecked: check here.
        Objects.checkFromIndexSize(off, blocks << 4, data.length);
        try {
            PROCESS_BLOCKS.invokeExact(data, off, blocks, state, subkeyTable);
        } catch (Throwable e) {
            // The kernel neither throws nor allocates (the JDK's contract for intrinsics).
            throw new IllegalStateException("GHASH kernel failed", e);
        }
    }

    /**
     * The test case 2 of the GCM specification's appendix (McGrew and Viega, "The Galois/Counter
     * Mode of Operation", K = 0^128, P = 0^128): GHASH(H, {}, C) = f38cbb1a...; returns why the
     * kernel reached through the handle is not used (it does not compute GHASH), or null.
     */
    private static String selfTest(MethodHandle kernel) {
        byte[] h = HexFormat.of().parseHex("66e94bd4ef8a2c3b884cfa59ca342b2e");
        byte[] c = HexFormat.of().parseHex("0388dace60b6a392f328c2b971b2fe78");
        long[] table = new long[TABLE_LONGS];
        table[0] = (long) BIG_ENDIAN_LONG.get(h, 0);
        table[1] = (long) BIG_ENDIAN_LONG.get(h, 8);
        long[] st = new long[2];
        byte[] lengths = new byte[BLOCK];
        BIG_ENDIAN_LONG.set(lengths, 8, 128L);
        try {
            kernel.invokeExact(c, 0, 1, st, table);
            kernel.invokeExact(lengths, 0, 1, st, table);
        } catch (Throwable e) {
            return "GHASH kernel failed its self-test: " + e;
        }
        if (st[0] != 0xf38cbb1ad69223dcL || st[1] != 0xc3457ae5b6b0f885L) {
            return String.format("GHASH kernel failed its self-test: %016x%016x", st[0], st[1]);
        }
        return null;
    }
}
