package io.relaycast.srtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.FuzzBudget;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of SRTP/SRTCP unprotect (docs/fuzzing.md), under the keys of the test
 * vectors (libsrtp's AES-CM and AES-GCM examples). The first input byte chooses the case, the
 * rest is the packet:
 * <ul>
 *   <li>bit 0: the profile (AES-128-CM-HMAC-SHA1-80 or AEAD-AES-128-GCM); bit 1: SRTCP instead of SRTP;</li>
 *   <li>bit 2 clear, hostile: the packet goes to a fresh receiver. Unprotect returns a length
 *       inside the packet or throws {@link SrtpException}, and then leaves the buffer unchanged
 *       (as {@link SrtpContext#unprotectRtp} promises);</li>
 *   <li>bit 2 set, round trip: the packet is protected by a sender (which may refuse a malformed
 *       header with {@link SrtpException}); a receiver must unprotect it to the same bytes, and a
 *       second receiver must refuse every copy with one byte changed (the tag covers it all).</li>
 * </ul>
 */
class SrtpFuzzTest {
    private static final JsonNode AES_CM = TestVectors.json("srtp-aescm-packets.json");
    private static final JsonNode GCM = TestVectors.json("srtp-gcm-rfc7714.json").get("libsrtp_gcm_with_key_derivation");

    /**
     * Receiving contexts reused across inputs, because deriving keys and setting up ciphers costs
     * far more than one packet: {@link #release} forgets every SSRC an input touched, so each
     * input still meets a fresh receiver. Index: profile (0 AES-CM, 1 GCM) plus role. The sender
     * is never reused: forgetting an SSRC and protecting with it again repeats an index, and so
     * a GCM nonce, which JCA rightly refuses ({@link SrtpContext#removeSsrc} says never to do it).
     */
    private static final SrtpContext[] CONTEXTS = new SrtpContext[6];
    private static final int RECEIVER = 2;
    private static final int TAMPER_RECEIVER = 4;
    /** Session keys derived once per profile; a sender built from them per input is cheap. */
    private static final SrtpSessionKeys[] KEYS = new SrtpSessionKeys[2];

    private static SrtpContext freshSender(boolean gcm) {
        int i = gcm ? 1 : 0;
        if (KEYS[i] == null) {
            KEYS[i] = gcm
                    ? SrtpSessionKeys.derive(SrtpProfile.AEAD_AES_128_GCM, TestVectors.hex(GCM.get("master_key")),
                            TestVectors.hex(GCM.get("master_salt_12_bytes")))
                    : SrtpSessionKeys.derive(SrtpProfile.AES128_CM_HMAC_SHA1_80, TestVectors.hex(AES_CM.get("master_key")),
                            TestVectors.hex(AES_CM.get("master_salt")));
        }
        return new SrtpContext(KEYS[i], 4);
    }

    private static SrtpContext reused(boolean gcm, int role) {
        int i = role + (gcm ? 1 : 0);
        if (CONTEXTS[i] == null) {
            CONTEXTS[i] = context(gcm);
        }
        return CONTEXTS[i];
    }

    /** Forgets the packet's SSRC; a context that still holds state is replaced. */
    private static void release(boolean gcm, int role, boolean rtcp, byte[] packet, int off, int len) {
        SrtpContext c = reused(gcm, role);
        int at = off + (rtcp ? 4 : 8);
        if (len >= (rtcp ? 8 : 12)) {
            c.removeSsrc(((packet[at] & 0xff) << 24) | ((packet[at + 1] & 0xff) << 16)
                    | ((packet[at + 2] & 0xff) << 8) | (packet[at + 3] & 0xff));
        }
        if (c.ssrcCount() != 0) {
            CONTEXTS[role + (gcm ? 1 : 0)] = context(gcm);
        }
    }

    private static SrtpContext context(boolean gcm) {
        return gcm
                ? new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, TestVectors.hex(GCM.get("master_key")),
                        TestVectors.hex(GCM.get("master_salt_12_bytes")))
                : new SrtpContext(SrtpProfile.AES128_CM_HMAC_SHA1_80, TestVectors.hex(AES_CM.get("master_key")),
                        TestVectors.hex(AES_CM.get("master_salt")));
    }

    /** Each vector packet in each case it fits: protected ones as hostile input, plaintexts as round trips. */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (JsonNode v : List.of(AES_CM, GCM)) {
            int profile = v == GCM ? 1 : 0;
            seeds.add(prefixed(profile, v.get("srtp").get("srtp_packet_hex")));
            seeds.add(prefixed(profile | 2, v.get("srtcp").get("srtcp_packet_hex")));
            seeds.add(prefixed(profile | 4, v.get("srtp").get("rtp_plaintext_hex")));
            seeds.add(prefixed(profile | 6, v.get("srtcp").get("rtcp_plaintext_hex")));
        }
        return seeds;
    }

    private static byte[] prefixed(int mode, JsonNode hex) {
        byte[] packet = TestVectors.hex(hex);
        byte[] out = new byte[packet.length + 1];
        out[0] = (byte) mode;
        System.arraycopy(packet, 0, out, 1, packet.length);
        return out;
    }

    @MethodSource("seeds")
    @FuzzTest
    void unprotect(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean gcm = (input[0] & 1) != 0;
        boolean rtcp = (input[0] & 2) != 0;
        boolean roundTrip = (input[0] & 4) != 0;
        byte[] packet = Arrays.copyOfRange(input, 1, input.length);
        FuzzBudget.run(input.length, () -> {
            if (roundTrip) {
                roundTrip(gcm, rtcp, packet);
            } else {
                hostile(gcm, rtcp, packet);
            }
        });
    }

    private static void hostile(boolean gcm, boolean rtcp, byte[] packet) {
        // At an offset inside a larger buffer, as a receive path holds it.
        byte[] buf = new byte[packet.length + 8];
        System.arraycopy(packet, 0, buf, 4, packet.length);
        byte[] before = buf.clone();
        SrtpContext receiver = reused(gcm, RECEIVER);
        try {
            int n = rtcp ? receiver.unprotectRtcp(buf, 4, packet.length) : receiver.unprotectRtp(buf, 4, packet.length);
            if (n < 0 || n > packet.length) {
                throw new AssertionError("unprotect returned " + n + " for " + packet.length + " bytes");
            }
        } catch (SrtpException refused) {
            if (!Arrays.equals(before, buf)) {
                throw new AssertionError("a refused packet was changed in place (" + refused.reason() + ")");
            }
        } finally {
            release(gcm, RECEIVER, rtcp, before, 4, packet.length);
        }
    }

    private static void roundTrip(boolean gcm, boolean rtcp, byte[] plain) {
        SrtpContext sender = freshSender(gcm);
        byte[] buf = new byte[plain.length + 4 + 16 + 8];
        System.arraycopy(plain, 0, buf, 4, plain.length);
        int protectedLength;
        try {
            protectedLength = rtcp ? sender.protectRtcp(buf, 4, plain.length) : sender.protectRtp(buf, 4, plain.length);
        } catch (SrtpException refused) {
            return;
        }
        byte[] wire = Arrays.copyOfRange(buf, 4, 4 + protectedLength);
        try {
            byte[] copy = Arrays.copyOf(wire, wire.length + 8);
            SrtpContext receiver = reused(gcm, RECEIVER);
            int n = rtcp ? receiver.unprotectRtcp(copy, 0, wire.length) : receiver.unprotectRtp(copy, 0, wire.length);
            if (!Arrays.equals(plain, 0, plain.length, copy, 0, n)) {
                throw new AssertionError("unprotect(protect(p)) != p");
            }
        } catch (SrtpException e) {
            throw new AssertionError("a packet the sender protected is refused: " + e.reason(), e);
        } finally {
            release(gcm, RECEIVER, rtcp, wire, 0, wire.length);
        }
        // One changed byte, at a place and to a value the packet itself picks.
        int h = Arrays.hashCode(plain);
        int pos = Math.floorMod(h, wire.length);
        byte[] tampered = wire.clone();
        tampered[pos] ^= (byte) (1 + Math.floorMod(h >>> 8, 255));
        SrtpContext receiver = reused(gcm, TAMPER_RECEIVER);
        byte[] sent = tampered.clone();
        try {
            if (rtcp) {
                receiver.unprotectRtcp(tampered, 0, tampered.length);
            } else {
                receiver.unprotectRtp(tampered, 0, tampered.length);
            }
            throw new AssertionError("a packet with byte " + pos + " changed was accepted");
        } catch (SrtpException expected) {
            // AUTH_FAILED, or MALFORMED when the change broke the header
        } finally {
            release(gcm, TAMPER_RECEIVER, rtcp, sent, 0, sent.length);
        }
    }
}
