package io.relaycast.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Both AES-GCM engines against the test cases of the GCM specification (McGrew and Viega, "The
 * Galois/Counter Mode of Operation", appendix B, the AES-128 cases with 96-bit IVs) and against
 * each other over every shape a packet gives them: associated data in parts of any length, text
 * lengths that are not whole blocks, offsets inside a larger buffer, any single bit changed.
 */
class GcmEngineTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Key, IV, associated data, plaintext, ciphertext, tag. */
    private static final String[][] SPEC_CASES = {
        {"00000000000000000000000000000000", "000000000000000000000000", "", "", "",
            "58e2fccefa7e3061367f1d57a4e7455a"},
        {"00000000000000000000000000000000", "000000000000000000000000", "",
            "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
            "ab6e47d42cec13bdf53a67b21257bddf"},
        {"feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
            "4d5c2af327cd64a62cf35abd2ba6fab4"},
        {"feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
                + "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
            "5bc94fbc3221a5db94fae95ae7121a47"},
    };

    @Test
    void theTestsRunTheEngineTheNodeRuns() {
        // The build opens com.sun.crypto.provider to the tests as the jar manifests do to the
        // node and the harness; were it lost, every other test here would check JCA only.
        assertTrue(Ghash.available(), "GHASH kernel not reachable: " + Ghash.unavailableReason());
        assertInstanceOf(IntrinsicGcmEngine.class, GcmEngine.forKey(new byte[16]));
        assertTrue(SrtpContext.aesGcmAllocationFree());
    }

    @Test
    void intrinsicEngineMatchesTheSpecificationsTestCases() {
        checkSpecCases(IntrinsicGcmEngine::new);
    }

    @Test
    void jcaEngineMatchesTheSpecificationsTestCases() {
        checkSpecCases(JcaGcmEngine::new);
    }

    private static void checkSpecCases(Function<byte[], GcmEngine> engines) {
        for (String[] c : SPEC_CASES) {
            GcmEngine gcm = engines.apply(HEX.parseHex(c[0]));
            byte[] iv = HEX.parseHex(c[1]);
            byte[] aad = HEX.parseHex(c[2]);
            byte[] plain = HEX.parseHex(c[3]);
            byte[] buf = Arrays.copyOf(plain, plain.length + 16);
            gcm.start(iv, true);
            gcm.aad(aad, 0, aad.length);
            assertEquals(plain.length + 16, gcm.seal(buf, 0, plain.length));
            assertEquals(c[4] + c[5], HEX.formatHex(buf), "key " + c[0] + " text " + plain.length);
            gcm.start(iv, false);
            gcm.aad(aad, 0, aad.length);
            assertEquals(plain.length, gcm.open(buf, 0, buf.length));
            assertArrayEquals(plain, Arrays.copyOf(buf, plain.length));
        }
    }

    @Test
    void enginesAgreeOnEveryPacketShapeAndRefuseEveryChangedBit() {
        Random random = new Random(11);
        int[] textLengths = {0, 1, 15, 16, 17, 31, 32, 33, 100, 255, 1188, 1200, 1201, 1460};
        for (int round = 0; round < 300; round++) {
            byte[] key = bytes(random, 16);
            byte[] iv = bytes(random, 12);
            GcmEngine fast = new IntrinsicGcmEngine(key);
            GcmEngine jca = new JcaGcmEngine(key);
            // Associated data in up to three parts, as SRTCP gives it (8 bytes, then the index word).
            int parts = 1 + random.nextInt(3);
            byte[][] aad = new byte[parts][];
            for (int p = 0; p < parts; p++) {
                aad[p] = bytes(random, random.nextInt(p == 0 ? 60 : 20));
            }
            int len = round < textLengths.length ? textLengths[round] : random.nextInt(1500);
            int off = random.nextInt(9);
            byte[] plain = bytes(random, off + len + 16 + 5);

            byte[] a = plain.clone();
            byte[] b = plain.clone();
            seal(fast, iv, aad, a, off, len);
            seal(jca, iv, aad, b, off, len);
            assertArrayEquals(b, a, "sealed, text " + len + " at " + off);

            byte[] opened = a.clone();
            assertEquals(len, open(fast, iv, aad, opened, off, len + 16));
            // The text is back; the tag stays where it was written, nothing else is touched.
            assertArrayEquals(Arrays.copyOf(plain, off + len), Arrays.copyOf(opened, off + len), "opened, text " + len);
            assertArrayEquals(Arrays.copyOfRange(a, off + len, a.length), Arrays.copyOfRange(opened, off + len, a.length));
            assertArrayEquals(Arrays.copyOfRange(plain, off + len + 16, a.length),
                    Arrays.copyOfRange(a, off + len + 16, a.length), "sealing wrote past its tag");

            // One bit changed in the text, the tag or the associated data: refused, untouched.
            byte[] forged = a.clone();
            byte[][] forgedAad = Arrays.stream(aad).map(byte[]::clone).toArray(byte[][]::new);
            int aadBytes = Arrays.stream(aad).mapToInt(x -> x.length).sum();
            int bit = random.nextInt(8 * (len + 16 + aadBytes));
            if (bit < 8 * (len + 16)) {
                forged[off + bit / 8] ^= (byte) (1 << (bit % 8));
            } else {
                int at = bit / 8 - len - 16;
                for (byte[] part : forgedAad) {
                    if (at < part.length) {
                        part[at] ^= (byte) (1 << (bit % 8));
                        break;
                    }
                    at -= part.length;
                }
            }
            byte[] before = forged.clone();
            assertEquals(-1, open(fast, iv, forgedAad, forged, off, len + 16), "forged bit " + bit);
            assertArrayEquals(before, forged, "a refused packet is left as it came");
            assertEquals(-1, open(jca, iv, forgedAad, forged.clone(), off, len + 16));
        }
    }

    @Test
    void aTooShortPacketIsRefused() {
        GcmEngine gcm = new IntrinsicGcmEngine(new byte[16]);
        gcm.start(new byte[12], false);
        assertEquals(-1, gcm.open(new byte[15], 0, 15));
    }

    @Test
    void sealingAndOpeningAllocateNothing() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        GcmEngine gcm = new IntrinsicGcmEngine(new byte[16]);
        byte[] iv = new byte[12];
        byte[] packet = new byte[12 + 1200 + 16];
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            roundTrip(gcm, iv, packet, i);
        }
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < n; i++) {
            roundTrip(gcm, iv, packet, i);
        }
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        // JCA's engine allocates about 1 KB per packet; a stray allocation per packet would be
        // 16 bytes at least, so under one byte per packet means none.
        assertTrue(allocated < n, allocated + " bytes for " + n + " packets");
    }

    private static void roundTrip(GcmEngine gcm, byte[] iv, byte[] packet, int i) {
        iv[11] = (byte) i;
        iv[10] = (byte) (i >>> 8);
        gcm.start(iv, true);
        gcm.aad(packet, 0, 12);
        int sealed = gcm.seal(packet, 12, 1200);
        gcm.start(iv, false);
        gcm.aad(packet, 0, 12);
        assertEquals(1200, gcm.open(packet, 12, sealed));
    }

    private static void seal(GcmEngine gcm, byte[] iv, byte[][] aad, byte[] buf, int off, int len) {
        gcm.start(iv, true);
        for (byte[] part : aad) {
            gcm.aad(part, 0, part.length);
        }
        assertEquals(len + 16, gcm.seal(buf, off, len));
    }

    private static int open(GcmEngine gcm, byte[] iv, byte[][] aad, byte[] buf, int off, int len) {
        gcm.start(iv, false);
        for (byte[] part : aad) {
            gcm.aad(part, 0, part.length);
        }
        return gcm.open(buf, off, len);
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
