package io.relaycast.dtls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;

import io.relaycast.srtp.SrtpProfile;
import org.junit.jupiter.api.Test;

class DtlsSrtpKeysTest {

    static byte[] counting(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    static byte[] range(int from, int to) {
        return Arrays.copyOfRange(counting(to), from, to);
    }

    @Test
    void cmMaterialIsSplitAsRfc5764Section42Says() {
        // 60 bytes: client key 0..15, server key 16..31, client salt 32..45, server salt 46..59.
        DtlsSrtpKeys keys = DtlsSrtpKeys.fromKeyingMaterial(SrtpProfile.AES128_CM_HMAC_SHA1_80, counting(60));
        assertArrayEquals(range(0, 16), keys.clientKey());
        assertArrayEquals(range(16, 32), keys.serverKey());
        assertArrayEquals(range(32, 46), keys.clientSalt());
        assertArrayEquals(range(46, 60), keys.serverSalt());
    }

    @Test
    void gcmMaterialIsFiftySixBytes() {
        // RFC 7714 §12: 128-bit key, 96-bit salt, so 2 * (16 + 12) = 56.
        assertEquals(56, SrtpProfile.AEAD_AES_128_GCM.exporterLength());
        DtlsSrtpKeys keys = DtlsSrtpKeys.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, counting(56));
        assertArrayEquals(range(0, 16), keys.clientKey());
        assertArrayEquals(range(16, 32), keys.serverKey());
        assertArrayEquals(range(32, 44), keys.clientSalt());
        assertArrayEquals(range(44, 56), keys.serverSalt());
        assertThrows(IllegalArgumentException.class,
                () -> DtlsSrtpKeys.fromKeyingMaterial(SrtpProfile.AEAD_AES_128_GCM, counting(60)));
    }

    @Test
    void eachRoleSendsWithItsOwnKeysAndReceivesWithThePeers() {
        DtlsSrtpKeys keys = DtlsSrtpKeys.fromKeyingMaterial(SrtpProfile.AES128_CM_HMAC_SHA1_80, counting(60));
        assertArrayEquals(keys.clientKey(), keys.localKey(DtlsRole.CLIENT));
        assertArrayEquals(keys.clientSalt(), keys.localSalt(DtlsRole.CLIENT));
        assertArrayEquals(keys.serverKey(), keys.remoteKey(DtlsRole.CLIENT));
        assertArrayEquals(keys.serverSalt(), keys.remoteSalt(DtlsRole.CLIENT));
        assertArrayEquals(keys.serverKey(), keys.localKey(DtlsRole.SERVER));
        assertArrayEquals(keys.serverSalt(), keys.localSalt(DtlsRole.SERVER));
        assertArrayEquals(keys.clientKey(), keys.remoteKey(DtlsRole.SERVER));
        assertArrayEquals(keys.clientSalt(), keys.remoteSalt(DtlsRole.SERVER));
    }

    @Test
    void lengthsAreCheckedAndArraysCopied() {
        byte[] key = new byte[16];
        assertThrows(IllegalArgumentException.class, () -> new DtlsSrtpKeys(SrtpProfile.AEAD_AES_128_GCM,
                key, new byte[14], key, new byte[12]));
        DtlsSrtpKeys keys = new DtlsSrtpKeys(SrtpProfile.AEAD_AES_128_GCM, key, new byte[12], key, new byte[12]);
        key[0] = 1;
        assertEquals(0, keys.clientKey()[0]);
        keys.clientKey()[0] = 1;
        assertEquals(0, keys.clientKey()[0]);
        assertFalse(keys.toString().contains("0, 0"), "no key bytes in toString");
        assertEquals("DtlsSrtpKeys[AEAD_AES_128_GCM]", keys.toString());
    }
}
