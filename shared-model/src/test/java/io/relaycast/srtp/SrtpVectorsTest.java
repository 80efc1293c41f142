package io.relaycast.srtp;

import static io.relaycast.testing.TestVectors.hex;
import static io.relaycast.testing.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.TestVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Whole-packet vectors: libsrtp's srtp_validate (AES-CM + HMAC-SHA1-80, from a master key),
 * RFC 7714 §16–17 (AES-GCM, from session keys) and libsrtp's srtp_validate_gcm (from a master
 * key), in both directions. The RTCP plaintexts are opaque crypto data whose length fields do
 * not match their size (see the vectors' README), so no RTCP parser sees them.
 */
class SrtpVectorsTest {
    private static final JsonNode AESCM = TestVectors.json("srtp-aescm-packets.json");
    private static final JsonNode GCM = TestVectors.json("srtp-gcm-rfc7714.json");

    /** Copies {@code packet} into a buffer with room for {@code extra} bytes and a leading offset. */
    private static byte[] room(byte[] packet, int off, int extra) {
        byte[] buf = new byte[off + packet.length + extra];
        System.arraycopy(packet, 0, buf, off, packet.length);
        return buf;
    }

    private static String slice(byte[] buf, int off, int len) {
        return toHex(buf, off, len);
    }

    // ------------------------------------------------------------------ AES-CM + HMAC-SHA1-80

    private static SrtpContext aesCmContext() {
        return new SrtpContext(SrtpProfile.AES128_CM_HMAC_SHA1_80,
                hex(AESCM.get("master_key")), hex(AESCM.get("master_salt")));
    }

    @Test
    void libsrtpRtpProtectAndUnprotect() throws Exception {
        JsonNode v = AESCM.get("srtp");
        byte[] plain = hex(v.get("rtp_plaintext_hex"));
        assertEquals(v.get("rtp_plaintext_len").asInt(), plain.length);
        JsonNode h = v.get("rtp_header_fields");
        assertEquals(h.get("payload_type").asInt(), plain[1] & 0x7f);
        assertEquals(h.get("sequence_number").asInt(), ((plain[2] & 0xff) << 8) | (plain[3] & 0xff));
        assertEquals(v.get("packet_index").asLong(), h.get("sequence_number").asLong(), "ROC 0");

        // The IV the transform builds from the derived salt, SSRC and index.
        SrtpSessionKeys keys = SrtpSessionKeys.derive(SrtpProfile.AES128_CM_HMAC_SHA1_80,
                hex(AESCM.get("master_key")), hex(AESCM.get("master_salt")));
        byte[] iv = new byte[16];
        AesCmHmacSha1Transform.counterIv(keys.rtpSalt(), 0xcafebabe, v.get("packet_index").asLong(), iv);
        assertEquals(v.get("aes_cm_iv").asText(), toHex(iv));

        int off = 3;
        byte[] buf = room(plain, off, 10);
        SrtpContext sender = aesCmContext();
        int len = sender.protectRtp(buf, off, plain.length);
        assertEquals(v.get("srtp_packet_len").asInt(), len);
        assertEquals(v.get("srtp_packet_hex").asText(), slice(buf, off, len));
        JsonNode layout = v.get("srtp_layout");
        assertEquals(layout.get("header").asText(), slice(buf, off, 12));
        assertEquals(layout.get("encrypted_payload").asText(), slice(buf, off + 12, 16));
        assertEquals(layout.get("auth_tag_80bit").asText(), slice(buf, off + 28, 10));
        assertEquals(0, sender.rolloverCounter(0xcafebabe));

        byte[] in = room(hex(v.get("srtp_packet_hex")), 5, 0);
        SrtpContext receiver = aesCmContext();
        int plainLen = receiver.unprotectRtp(in, 5, in.length - 5);
        assertEquals(plain.length, plainLen);
        assertEquals(toHex(plain), slice(in, 5, plainLen));
        assertEquals(h.get("payload_hex").asText(), slice(in, 5 + h.get("header_len").asInt(), 16));
    }

    @Test
    void libsrtpRtcpProtectAndUnprotect() throws Exception {
        JsonNode v = AESCM.get("srtcp");
        byte[] plain = hex(v.get("rtcp_plaintext_hex"));
        assertEquals(v.get("rtcp_plaintext_len").asInt(), plain.length);
        int index = v.get("srtcp_index").asInt();
        assertEquals(1, v.get("e_flag").asInt());

        SrtpSessionKeys keys = SrtpSessionKeys.derive(SrtpProfile.AES128_CM_HMAC_SHA1_80,
                hex(AESCM.get("master_key")), hex(AESCM.get("master_salt")));
        byte[] iv = new byte[16];
        AesCmHmacSha1Transform.counterIv(keys.rtcpSalt(), 0xcafebabe, index, iv);
        assertEquals(v.get("aes_cm_iv").asText(), toHex(iv));

        byte[] buf = room(plain, 0, 14);
        SrtpContext sender = aesCmContext();
        int len = sender.protectRtcp(buf, 0, plain.length, index);
        assertEquals(v.get("srtcp_packet_len").asInt(), len);
        assertEquals(v.get("srtcp_packet_hex").asText(), slice(buf, 0, len));
        JsonNode layout = v.get("srtcp_layout");
        assertEquals(layout.get("header_first_8_bytes_clear").asText(), slice(buf, 0, 8));
        assertEquals(layout.get("encrypted_rest").asText(), slice(buf, 8, 16));
        assertEquals(layout.get("e_flag_and_srtcp_index").asText(), slice(buf, 24, 4));
        assertEquals(layout.get("auth_tag_80bit").asText(), slice(buf, 28, 10));
        assertEquals(index, sender.highestSrtcpIndex(0xcafebabe));

        byte[] in = hex(v.get("srtcp_packet_hex"));
        SrtpContext receiver = aesCmContext();
        int plainLen = receiver.unprotectRtcp(in, 0, in.length);
        assertEquals(toHex(plain), slice(in, 0, plainLen));
    }

    @Test
    void defaultSrtcpIndexStartsAtZeroAndCountsUp() throws Exception {
        byte[] plain = hex(AESCM.get("srtcp").get("rtcp_plaintext_hex"));
        SrtpContext sender = aesCmContext();
        for (int expected = 0; expected < 3; expected++) {
            byte[] buf = room(plain, 0, 14);
            int len = sender.protectRtcp(buf, 0, plain.length);
            assertEquals(0x80000000 | expected, readInt(buf, len - 14), "E flag and index " + expected);
        }
        // After an explicit index, numbering continues above it.
        byte[] buf = room(plain, 0, 14);
        sender.protectRtcp(buf, 0, plain.length, 100);
        buf = room(plain, 0, 14);
        int len = sender.protectRtcp(buf, 0, plain.length);
        assertEquals(0x80000000 | 101, readInt(buf, len - 14));
    }

    // ------------------------------------------------------------------ AES-GCM, RFC 7714

    private static SrtpContext rfc7714Context(JsonNode profile) {
        byte[] key = hex(profile.get("session_key"));
        byte[] salt = hex(profile.get("session_salt_12_bytes"));
        // The RFC vectors use one session key and salt for both SRTP and SRTCP.
        return new SrtpContext(SrtpSessionKeys.of(SrtpProfile.AEAD_AES_128_GCM,
                key, new byte[0], salt, key, new byte[0], salt), 16);
    }

    @Test
    void rfc7714Aes128GcmSrtp() throws Exception {
        checkRfc7714Srtp(GCM.get("rfc7714_vectors").get("AEAD_AES_128_GCM"));
    }

    /**
     * Relaycast negotiates no AES-256 profile, but the GCM transform takes the key length from
     * the key, so the §16.2/§17.2 vectors exercise the same IV and AAD code with AES-256.
     */
    @Test
    void rfc7714Aes256GcmSrtpAtTheTransformLevel() throws Exception {
        checkRfc7714Srtp(GCM.get("rfc7714_vectors").get("AEAD_AES_256_GCM"));
    }

    @Test
    void rfc7714Aes128GcmSrtcp() throws Exception {
        checkRfc7714Srtcp(GCM.get("rfc7714_vectors").get("AEAD_AES_128_GCM"));
    }

    @Test
    void rfc7714Aes256GcmSrtcpAtTheTransformLevel() throws Exception {
        checkRfc7714Srtcp(GCM.get("rfc7714_vectors").get("AEAD_AES_256_GCM"));
    }

    private static void checkRfc7714Srtp(JsonNode profile) throws Exception {
        JsonNode v = profile.get("srtp");
        byte[] plain = hex(v.get("rtp_packet_hex"));
        assertEquals(v.get("rtp_header_hex").asText() + v.get("rtp_payload_hex").asText(), toHex(plain));
        assertEquals(v.get("rtp_payload_ascii").asText(),
                new String(plain, 12, plain.length - 12, java.nio.charset.StandardCharsets.US_ASCII));
        JsonNode h = v.get("rtp_header_fields");
        int ssrc = Integer.parseUnsignedInt(h.get("ssrc").asText().substring(2), 16);
        int seq = h.get("sequence_number").asInt();
        assertEquals(ssrc, readInt(plain, 8));

        byte[] iv = new byte[12];
        AesGcmTransform.rtpIv(hex(profile.get("session_salt_12_bytes")), ssrc,
                ((long) v.get("rollover_counter").asInt() << 16) | seq, iv);
        assertEquals(v.get("iv").asText(), toHex(iv));
        assertEquals(v.get("aad").asText(), toHex(plain, 0, 12), "AAD is the RTP header");

        byte[] buf = room(plain, 7, 16);
        int len = rfc7714Context(profile).protectRtp(buf, 7, plain.length);
        assertEquals(v.get("encrypted_and_tagged_packet_hex").asText(), slice(buf, 7, len));
        assertEquals(v.get("ciphertext_hex").asText(), slice(buf, 7 + 12, plain.length - 12));
        assertEquals(v.get("auth_tag_16_bytes").asText(), slice(buf, 7 + plain.length, 16));

        byte[] in = hex(v.get("encrypted_and_tagged_packet_hex"));
        int plainLen = rfc7714Context(profile).unprotectRtp(in, 0, in.length);
        assertEquals(toHex(plain), slice(in, 0, plainLen));
        // auth_only_packet_hex_null_cipher is the NULL-cipher variant (RFC 7714 §16.x.3):
        // not a profile Relaycast offers, so it is not checked.
    }

    private static void checkRfc7714Srtcp(JsonNode profile) throws Exception {
        JsonNode v = profile.get("srtcp");
        byte[] plain = hex(v.get("rtcp_packet_hex"));
        assertEquals(v.get("rtcp_packet_len").asInt(), plain.length);
        int ssrc = readInt(plain, 4);
        assertEquals(0x4d617273, ssrc);
        int index = v.get("srtcp_index").asInt();

        byte[] iv = new byte[12];
        AesGcmTransform.rtcpIv(hex(profile.get("session_salt_12_bytes")), ssrc, index, iv);
        assertEquals(v.get("iv").asText(), toHex(iv));
        assertEquals(v.get("aad").asText(), toHex(plain, 0, 8) + String.format("%08x", 0x80000000 | index));

        byte[] buf = room(plain, 0, 20);
        SrtpContext sender = rfc7714Context(profile);
        int len = sender.protectRtcp(buf, 0, plain.length, index);
        assertEquals(v.get("encrypted_and_tagged_packet_hex").asText(), slice(buf, 0, len));
        JsonNode layout = v.get("layout");
        assertEquals(layout.get("header_8").asText(), slice(buf, 0, 8));
        assertEquals(layout.get("ciphertext").asText(), slice(buf, 8, plain.length - 8));
        assertEquals(layout.get("auth_tag_16").asText(), slice(buf, plain.length, 16));
        assertEquals(layout.get("e_and_index").asText(), slice(buf, plain.length + 16, 4));

        byte[] in = hex(v.get("encrypted_and_tagged_packet_hex"));
        SrtpContext receiver = rfc7714Context(profile);
        int plainLen = receiver.unprotectRtcp(in, 0, in.length);
        assertEquals(toHex(plain), slice(in, 0, plainLen));

        // E = 0: authenticated only; the whole packet is AAD and stays readable.
        byte[] authOnly = hex(v.get("auth_only_packet_hex_e_flag_0"));
        assertEquals(toHex(plain), toHex(authOnly, 0, plain.length));
        SrtpContext authOnlyReceiver = rfc7714Context(profile);
        int authOnlyLen = authOnlyReceiver.unprotectRtcp(authOnly, 0, authOnly.length);
        assertEquals(toHex(plain), slice(authOnly, 0, authOnlyLen));
        assertEquals(index, authOnlyReceiver.highestSrtcpIndex(ssrc));

        // The same auth-only packet with one flipped tag bit is refused.
        byte[] forged = hex(v.get("auth_only_packet_hex_e_flag_0"));
        forged[plain.length] ^= 1;
        SrtpException e = assertThrows(SrtpException.class,
                () -> rfc7714Context(profile).unprotectRtcp(forged, 0, forged.length));
        assertEquals(SrtpException.Reason.AUTH_FAILED, e.reason());
    }

    // ------------------------------------------------------------------ AES-GCM from a master key

    @Test
    void libsrtpGcmWithKeyDerivation() throws Exception {
        JsonNode v = GCM.get("libsrtp_gcm_with_key_derivation");
        byte[] key = hex(v.get("master_key"));
        byte[] salt = hex(v.get("master_salt_12_bytes"));
        SrtpSessionKeys keys = SrtpSessionKeys.derive(SrtpProfile.AEAD_AES_128_GCM, key, salt);

        JsonNode srtp = v.get("srtp");
        byte[] rtp = hex(srtp.get("rtp_plaintext_hex"));
        byte[] iv = new byte[12];
        AesGcmTransform.rtpIv(keys.rtpSalt(), readInt(rtp, 8), ((rtp[2] & 0xff) << 8) | (rtp[3] & 0xff), iv);
        assertEquals(srtp.get("iv").asText(), toHex(iv));
        byte[] buf = room(rtp, 0, 16);
        int len = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, key, salt).protectRtp(buf, 0, rtp.length);
        assertEquals(srtp.get("srtp_packet_hex").asText(), slice(buf, 0, len));
        byte[] in = hex(srtp.get("srtp_packet_hex"));
        int plainLen = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, key, salt).unprotectRtp(in, 0, in.length);
        assertEquals(toHex(rtp), slice(in, 0, plainLen));

        JsonNode srtcp = v.get("srtcp");
        byte[] rtcp = hex(srtcp.get("rtcp_plaintext_hex"));
        int index = srtcp.get("srtcp_index").asInt();
        AesGcmTransform.rtcpIv(keys.rtcpSalt(), readInt(rtcp, 4), index, iv);
        assertEquals(srtcp.get("iv").asText(), toHex(iv));
        buf = room(rtcp, 0, 20);
        len = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, key, salt).protectRtcp(buf, 0, rtcp.length, index);
        assertEquals(srtcp.get("srtcp_packet_hex").asText(), slice(buf, 0, len));
        byte[] rtcpIn = hex(srtcp.get("srtcp_packet_hex"));
        plainLen = new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, key, salt).unprotectRtcp(rtcpIn, 0, rtcpIn.length);
        assertArrayEquals(rtcp, Arrays.copyOf(rtcpIn, plainLen));
    }

    private static int readInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
