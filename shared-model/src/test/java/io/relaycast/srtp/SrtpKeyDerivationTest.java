package io.relaycast.srtp;

import static io.relaycast.testing.TestVectors.hex;
import static io.relaycast.testing.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.TestVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation), plus the RFC 6188 and libsrtp GCM extras. */
class SrtpKeyDerivationTest {
    private static final JsonNode RFC3711 = TestVectors.json("srtp-rfc3711.json");

    @Test
    void aesCmKeystreamMatchesAppendixB2() {
        JsonNode v = RFC3711.get("aes_cm_keystream_B2");
        byte[] salt = hex(v.get("session_salt_112bit"));
        byte[] iv = new byte[16];
        System.arraycopy(salt, 0, iv, 0, 14);
        assertEquals(v.get("initial_counter_block_iv").asText(), toHex(iv));
        assertEquals(v.get("session_salt_shifted_16").asText(), toHex(iv));

        // The RFC's whole keystream segment: 65282 blocks, i.e. counters ...0000 to ...FF01.
        int length = v.get("keystream_segment_length_octets").asInt();
        assertEquals(65282 * 16, length);
        byte[] keystream = new AesCounterKeystream(hex(v.get("session_key"))).keystream(iv, length);

        assertEquals(v.get("first_48_keystream_bytes").asText(), toHex(keystream, 0, 48));
        for (JsonNode block : v.get("blocks")) {
            byte[] counter = hex(block.get("counter"));
            assertEquals(toHex(iv, 0, 14), toHex(counter, 0, 14), "counter prefix is the IV");
            int i = ((counter[14] & 0xff) << 8) | (counter[15] & 0xff);
            assertEquals(block.get("keystream").asText(), toHex(keystream, 16 * i, 16), "block " + i);
        }
    }

    @Test
    void aes256CmKeystreamMatchesRfc6188() {
        JsonNode v = RFC3711.get("bonus_aes256_cm_rfc6188");
        byte[] ks = new AesCounterKeystream(hex(v.get("session_key")))
                .keystream(hex(v.get("initial_counter_block_iv")), 48);
        assertEquals(v.get("first_48_keystream_bytes").asText(), toHex(ks));
    }

    @Test
    void keyDerivationMatchesAppendixB3() {
        JsonNode v = RFC3711.get("key_derivation_B3");
        byte[] key = hex(v.get("master_key"));
        byte[] salt = hex(v.get("master_salt"));
        assertEquals(0, v.get("key_derivation_rate").asInt());

        JsonNode cipherKey = v.get("cipher_key");
        assertEquals(SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, Integer.parseInt(cipherKey.get("label").asText(), 16));
        assertEquals(cipherKey.get("value").asText(), toHex(SrtpKeyDerivation.derive(key, salt,
                SrtpKeyDerivation.LABEL_RTP_ENCRYPTION, cipherKey.get("length_bytes").asInt())));

        JsonNode cipherSalt = v.get("cipher_salt");
        assertEquals(SrtpKeyDerivation.LABEL_RTP_SALT, Integer.parseInt(cipherSalt.get("label").asText(), 16));
        assertEquals(cipherSalt.get("aes_cm_output_full_block").asText(),
                toHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.LABEL_RTP_SALT, 16)));
        assertEquals(cipherSalt.get("value").asText(), toHex(SrtpKeyDerivation.derive(key, salt,
                SrtpKeyDerivation.LABEL_RTP_SALT, cipherSalt.get("length_bytes").asInt())));

        JsonNode authKey = v.get("auth_key");
        assertEquals(SrtpKeyDerivation.LABEL_RTP_AUTH, Integer.parseInt(authKey.get("label").asText(), 16));
        byte[] auth = SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.LABEL_RTP_AUTH,
                authKey.get("length_bytes").asInt());
        assertEquals(authKey.get("value").asText(), toHex(auth));
        assertEquals(authKey.get("value_first_20_bytes_for_hmac_sha1_80").asText(), toHex(auth, 0, 20));
        int i = 0;
        for (JsonNode block : v.get("auth_key_blocks")) {
            String expected = block.get("output").asText().split(" ")[0];
            assertEquals(expected, toHex(auth, 16 * i, expected.length() / 2), "auth key block " + i);
            i++;
        }

        // Not in the RFC: labels 3-5, computed by the vector's author as a self-check.
        JsonNode srtcp = v.get("computed_srtcp_keys_not_in_rfc");
        assertEquals(srtcp.get("srtcp_cipher_key_label_03").asText(),
                toHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.LABEL_RTCP_ENCRYPTION, 16)));
        assertEquals(srtcp.get("srtcp_auth_key_label_04_first_20_bytes").asText(),
                toHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.LABEL_RTCP_AUTH, 20)));
        assertEquals(srtcp.get("srtcp_cipher_salt_label_05").asText(),
                toHex(SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.LABEL_RTCP_SALT, 14)));
    }

    @Test
    void sessionKeysForTheHmacProfileMatchLibsrtp() {
        JsonNode v = TestVectors.json("srtp-aescm-packets.json");
        byte[] key = hex(v.get("master_key"));
        byte[] salt = hex(v.get("master_salt"));
        byte[] libsrtpKey = hex(v.get("libsrtp_test_key_46_bytes"));
        assertEquals(toHex(key) + toHex(salt), toHex(libsrtpKey, 0, 30));
        SrtpSessionKeys keys = SrtpSessionKeys.derive(SrtpProfile.AES128_CM_HMAC_SHA1_80, key, salt);
        JsonNode d = v.get("derived_session_keys");
        assertEquals(d.get("srtp_encryption_key_label0").asText(), toHex(keys.rtpEncryptionKey()));
        assertEquals(d.get("srtp_auth_key_label1").asText(), toHex(keys.rtpAuthKey()));
        assertEquals(d.get("srtp_salt_label2").asText(), toHex(keys.rtpSalt()));
        assertEquals(d.get("srtcp_encryption_key_label3").asText(), toHex(keys.rtcpEncryptionKey()));
        assertEquals(d.get("srtcp_auth_key_label4").asText(), toHex(keys.rtcpAuthKey()));
        assertEquals(d.get("srtcp_salt_label5").asText(), toHex(keys.rtcpSalt()));
    }

    @Test
    void gcmKeyDerivationZeroPadsTheNinetySixBitSalt() {
        JsonNode v = TestVectors.json("srtp-gcm-rfc7714.json").get("libsrtp_gcm_with_key_derivation");
        SrtpSessionKeys keys = SrtpSessionKeys.derive(SrtpProfile.AEAD_AES_128_GCM,
                hex(v.get("master_key")), hex(v.get("master_salt_12_bytes")));
        JsonNode d = v.get("derived_session_keys");
        assertEquals(d.get("srtp_encryption_key_label0").asText(), toHex(keys.rtpEncryptionKey()));
        assertEquals(d.get("srtp_salt_label2_12_bytes").asText(), toHex(keys.rtpSalt()));
        assertEquals(d.get("srtcp_encryption_key_label3").asText(), toHex(keys.rtcpEncryptionKey()));
        assertEquals(d.get("srtcp_salt_label5_12_bytes").asText(), toHex(keys.rtcpSalt()));
        assertEquals(0, keys.rtpAuthKey().length, "AEAD derives no auth key");
    }

    @Test
    void aes256KeyDerivationMatchesRfc6188() {
        JsonNode v = RFC3711.get("bonus_aes256_kdf_pion");
        byte[] key = hex(v.get("master_key"));
        byte[] salt = hex(v.get("master_salt"));
        assertEquals(v.get("cipher_key").asText(), toHex(SrtpKeyDerivation.derive(key, salt, 0, 32)));
        assertEquals(v.get("cipher_salt").asText(), toHex(SrtpKeyDerivation.derive(key, salt, 2, 14)));
        assertEquals(v.get("auth_key_first_20_bytes").asText(), toHex(SrtpKeyDerivation.derive(key, salt, 1, 20)));
    }

    @Test
    void derivationIsDeterministicAndLabelsDiffer() {
        byte[] key = new byte[16];
        byte[] salt = new byte[14];
        Arrays.fill(key, (byte) 7);
        byte[] a = SrtpKeyDerivation.derive(key, salt, 0, 16);
        assertEquals(toHex(a), toHex(SrtpKeyDerivation.derive(key, salt, 0, 16)));
        for (int label = 1; label <= 5; label++) {
            org.junit.jupiter.api.Assertions.assertNotEquals(toHex(a),
                    toHex(SrtpKeyDerivation.derive(key, salt, label, 16)), "label " + label);
        }
    }
}
