package io.relaycast.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * The word-wise keystream XOR against a block-by-block reference built straight from AES-ECB
 * (RFC 3711 §4.1.1: block i is AES(key, IV + i)), for every length and alignment a packet can
 * have: tails that are not a multiple of 8, offsets that are not, and counters past 255.
 */
class AesCounterKeystreamTest {

    @Test
    void matchesBlockByBlockReferenceForEveryLengthAndOffset() throws Exception {
        Random random = new Random(7);
        byte[] key = new byte[16];
        random.nextBytes(key);
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        AesCounterKeystream keystream = new AesCounterKeystream(key);
        byte[] iv = new byte[16];
        for (int len : new int[]{0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 100, 1199, 1200, 4100, 5000}) {
            for (int off = 0; off < 9; off++) {
                random.nextBytes(iv);
                iv[14] = 0;
                iv[15] = 0;
                byte[] data = new byte[off + len + 3];
                random.nextBytes(data);
                byte[] expected = data.clone();
                byte[] block = new byte[16];
                for (int i = 0; i < len; i++) {
                    if (i % 16 == 0) {
                        byte[] counter = iv.clone();
                        counter[14] = (byte) ((i / 16) >>> 8);
                        counter[15] = (byte) (i / 16);
                        block = ecb.doFinal(counter);
                    }
                    expected[off + i] ^= block[i % 16];
                }
                keystream.xor(iv, data, off, len);
                assertArrayEquals(expected, data, "len " + len + " off " + off);
            }
        }
    }
}
