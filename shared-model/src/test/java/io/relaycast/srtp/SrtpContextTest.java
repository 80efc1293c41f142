package io.relaycast.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaycast.rtp.RtpWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Behaviour of {@link SrtpContext}: round trips, replay, forgery, ROC estimation, SSRC bound. */
class SrtpContextTest {
    private static final int SSRC = 0x11223344;

    private static byte[] masterKey(SrtpProfile p, int seed) {
        byte[] k = new byte[p.keyLength()];
        new Random(seed).nextBytes(k);
        return k;
    }

    private static byte[] masterSalt(SrtpProfile p, int seed) {
        byte[] s = new byte[p.saltLength()];
        new Random(seed + 1000).nextBytes(s);
        return s;
    }

    private static SrtpContext context(SrtpProfile p) {
        return new SrtpContext(p, masterKey(p, 1), masterSalt(p, 1));
    }

    /** A plain RTP packet with a deterministic payload; {@code extra} spare bytes at the end. */
    private static byte[] rtp(int ssrc, int seq, int payloadLen, int extra) {
        byte[] payload = new byte[payloadLen];
        new Random(seq * 31L + ssrc).nextBytes(payload);
        RtpWriter w = new RtpWriter().payloadType(111).sequenceNumber(seq).timestamp(seq * 960).ssrc(ssrc)
                .addAudioLevel(1, true, 30).addTransportSequenceNumber(3, seq);
        byte[] buf = new byte[w.length(payloadLen) + extra];
        w.writeTo(buf, 0, payload, 0, payloadLen);
        return buf;
    }

    private static int plainLength(byte[] packetWithRoom, SrtpContext ctx) {
        return packetWithRoom.length - ctx.rtpOverhead();
    }

    private static SrtpException.Reason reasonOf(ThrowingRunnable r) {
        return assertThrows(SrtpException.class, r::run).reason();
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtpRoundTripForManyShapes(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        int[] sizes = {0, 1, 15, 16, 17, 160, 1200, 1400};
        int seq = 1000;
        for (int size : sizes) {
            for (int csrcs = 0; csrcs <= 2; csrcs++) {
                byte[] payload = new byte[size];
                new Random(size).nextBytes(payload);
                RtpWriter w = new RtpWriter().payloadType(96).marker(true).sequenceNumber(seq++).timestamp(7).ssrc(SSRC);
                for (int c = 0; c < csrcs; c++) {
                    w.addCsrc(0x5000 + c);
                }
                if (csrcs == 1) {
                    w.addExtension(5, new byte[24], 0, 24); // forces the two-byte form
                } else if (csrcs == 2) {
                    w.addAbsSendTime(2, 0x123456);
                }
                int off = 5;
                byte[] buf = new byte[off + w.length(size) + p.rtpTagLength() + 3];
                int len = w.writeTo(buf, off, payload, 0, size);
                byte[] original = Arrays.copyOfRange(buf, off, off + len);
                int headerLen = w.headerLength();

                int protectedLen = sender.protectRtp(buf, off, len);
                assertEquals(len + p.rtpTagLength(), protectedLen);
                assertArrayEquals(Arrays.copyOf(original, headerLen),
                        Arrays.copyOfRange(buf, off, off + headerLen), "header stays in the clear");
                if (size >= 8) {
                    assertFalse(Arrays.equals(Arrays.copyOfRange(original, headerLen, len),
                            Arrays.copyOfRange(buf, off + headerLen, off + len)), "payload encrypted");
                }
                assertEquals(len, receiver.unprotectRtp(buf, off, protectedLen));
                assertArrayEquals(original, Arrays.copyOfRange(buf, off, off + len), "size " + size + " csrcs " + csrcs);
            }
        }
        assertEquals(1, receiver.ssrcCount());
        assertEquals(0, receiver.rolloverCounter(SSRC));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rtcpRoundTrip(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        for (int size = 8; size <= 200; size += 4) {
            byte[] buf = new byte[size + p.rtcpOverhead()];
            new Random(size).nextBytes(buf);
            buf[0] = (byte) 0x81;
            buf[1] = (byte) 201;
            byte[] original = Arrays.copyOf(buf, size);
            int len = sender.protectRtcp(buf, 0, size);
            assertEquals(size + p.rtcpOverhead(), len);
            assertEquals(size, receiver.unprotectRtcp(buf, 0, len));
            assertArrayEquals(original, Arrays.copyOf(buf, size));
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void replayedPacketsAreRejected(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        List<byte[]> protectedPackets = new ArrayList<>();
        for (int seq = 0; seq < 5; seq++) {
            byte[] buf = rtp(SSRC, seq, 50, p.rtpTagLength());
            sender.protectRtp(buf, 0, plainLength(buf, sender));
            protectedPackets.add(buf);
        }
        // Out of order inside the window is fine, once.
        for (int i : new int[]{0, 2, 1, 4, 3}) {
            byte[] copy = protectedPackets.get(i).clone();
            receiver.unprotectRtp(copy, 0, copy.length);
        }
        for (byte[] packet : protectedPackets) {
            byte[] copy = packet.clone();
            assertEquals(SrtpException.Reason.REPLAYED, reasonOf(() -> receiver.unprotectRtp(copy, 0, copy.length)));
        }

        byte[] rtcp = new byte[28 + p.rtcpOverhead()];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 200;
        int len = sender.protectRtcp(rtcp, 0, 28);
        byte[] again = rtcp.clone();
        receiver.unprotectRtcp(rtcp, 0, len);
        assertEquals(SrtpException.Reason.REPLAYED, reasonOf(() -> receiver.unprotectRtcp(again, 0, len)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void tamperedPacketsAreRejectedAndLeaveNoTrace(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        byte[] packet = rtp(SSRC, 77, 100, p.rtpTagLength());
        int len = sender.protectRtp(packet, 0, plainLength(packet, sender));
        // A bit flipped in the tag, in the payload and in the header (SSRC excluded: another
        // SSRC would be a different stream) must each fail authentication.
        for (int pos : new int[]{len - 1, len - p.rtpTagLength(), 30, 2, 5, 1}) {
            byte[] forged = packet.clone();
            forged[pos] ^= 0x10;
            byte[] before = forged.clone();
            assertEquals(SrtpException.Reason.AUTH_FAILED, reasonOf(() -> receiver.unprotectRtp(forged, 0, len)),
                    "flip at " + pos);
            assertArrayEquals(before, forged, "a rejected packet is not decrypted");
        }
        assertEquals(0, receiver.ssrcCount(), "forgeries create no state");
        // The genuine packet is still accepted afterwards.
        assertEquals(len - p.rtpTagLength(), receiver.unprotectRtp(packet, 0, len));

        // Wrong keys fail the same way.
        SrtpContext stranger = new SrtpContext(p, masterKey(p, 2), masterSalt(p, 2));
        byte[] other = rtp(SSRC, 78, 100, p.rtpTagLength());
        int otherLen = sender.protectRtp(other, 0, plainLength(other, sender));
        assertEquals(SrtpException.Reason.AUTH_FAILED, reasonOf(() -> stranger.unprotectRtp(other, 0, otherLen)));

        byte[] rtcp = new byte[40 + p.rtcpOverhead()];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 201;
        int rtcpLen = sender.protectRtcp(rtcp, 0, 40);
        for (int pos : new int[]{1, 12, rtcpLen - 1, p.isAead() ? rtcpLen - 4 : rtcpLen - 11}) {
            byte[] forged = rtcp.clone();
            forged[pos] ^= 0x01;
            assertEquals(SrtpException.Reason.AUTH_FAILED,
                    reasonOf(() -> receiver.unprotectRtcp(forged, 0, rtcpLen)), "RTCP flip at " + pos);
        }
        assertEquals(40, receiver.unprotectRtcp(rtcp, 0, rtcpLen));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void forgedPacketsDoNotMoveTheRolloverCounterOrWindow(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        byte[] first = rtp(SSRC, 40000, 20, p.rtpTagLength());
        receiver.unprotectRtp(first, 0, sender.protectRtp(first, 0, plainLength(first, sender)));
        // A forged packet whose SEQ would mean "the sequence wrapped" must not bump the ROC.
        // Made with a separate context so the real sender's state stays untouched.
        SrtpContext forger = context(p);
        byte[] forged = rtp(SSRC, 1000, 20, p.rtpTagLength());
        int forgedLen = forger.protectRtp(forged, 0, plainLength(forged, forger));
        forged[forgedLen - 1] ^= 1;
        assertEquals(SrtpException.Reason.AUTH_FAILED, reasonOf(() -> receiver.unprotectRtp(forged, 0, forgedLen)));
        assertEquals(0, receiver.rolloverCounter(SSRC));
        byte[] next = rtp(SSRC, 40001, 20, p.rtpTagLength());
        receiver.unprotectRtp(next, 0, sender.protectRtp(next, 0, plainLength(next, sender)));
        assertEquals(0, receiver.rolloverCounter(SSRC));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void rolloverCounterFollowsTheWrapThroughReordering(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        // SEQ 65500..65535 then 0..59: the sender's ROC goes from 0 to 1 at the wrap.
        List<byte[]> plain = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            int seq = (65500 + i) & 0xffff;
            byte[] buf = rtp(SSRC, seq, 40, p.rtpTagLength());
            plain.add(Arrays.copyOf(buf, plainLength(buf, sender)));
            sender.protectRtp(buf, 0, plainLength(buf, sender));
            sent.add(buf);
            assertEquals(i < 36 ? 0 : 1, sender.rolloverCounter(SSRC), "sender ROC at SEQ " + seq);
        }
        // Deliver with reordering across the wrap: SEQ 65530..65535 arrive after 0..9, and
        // 65520 arrives last of all. Each late pre-wrap packet only authenticates with ROC 0,
        // i.e. ROC - 1 relative to the receiver's state at that time.
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (i != 20) {
                order.add(i);
            }
        }
        for (int i = 36; i < 46; i++) {
            order.add(i);
        }
        for (int i = 30; i < 36; i++) {
            order.add(i);
        }
        for (int i = 46; i < 96; i++) {
            order.add(i);
        }
        order.add(20);
        for (int i : order) {
            byte[] buf = sent.get(i).clone();
            int len = receiver.unprotectRtp(buf, 0, buf.length);
            assertArrayEquals(plain.get(i), Arrays.copyOf(buf, len), "packet " + i);
            if (i == 36) {
                assertEquals(1, receiver.rolloverCounter(SSRC), "first packet after the wrap bumps the ROC");
            }
        }
        assertEquals(1, receiver.rolloverCounter(SSRC));
        // Everything was delivered exactly once; any of it again is a replay.
        for (int i : new int[]{0, 20, 35, 36, 95}) {
            byte[] buf = sent.get(i).clone();
            assertEquals(SrtpException.Reason.REPLAYED, reasonOf(() -> receiver.unprotectRtp(buf, 0, buf.length)));
        }
    }

    @Test
    void aPacketFromBeforeTheFirstRolloverIsTooOld() throws Exception {
        SrtpProfile p = SrtpProfile.AES128_CM_HMAC_SHA1_80;
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        byte[] first = rtp(SSRC, 10, 20, p.rtpTagLength());
        receiver.unprotectRtp(first, 0, sender.protectRtp(first, 0, plainLength(first, sender)));
        // SEQ 65530 after 10 would belong to ROC -1, which does not exist.
        byte[] late = rtp(SSRC, 65530, 20, p.rtpTagLength());
        int lateLen = plainLength(late, sender);
        assertEquals(SrtpException.Reason.TOO_OLD, reasonOf(() -> receiver.unprotectRtp(late, 0, lateLen + 10)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void packetsBehindTheWindowAreRejected(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        SrtpContext receiver = context(p);
        byte[][] sent = new byte[300][];
        for (int seq = 0; seq < 300; seq++) {
            sent[seq] = rtp(SSRC, seq, 30, p.rtpTagLength());
            sender.protectRtp(sent[seq], 0, plainLength(sent[seq], sender));
        }
        for (int seq = 0; seq < 300; seq++) {
            if (seq != 99 && seq != 172 && seq != 171) {
                byte[] buf = sent[seq].clone();
                receiver.unprotectRtp(buf, 0, buf.length);
            }
        }
        // Highest is 299: 99 is 200 behind, 171 is 128 behind (just outside), 172 is 127 behind.
        byte[] old = sent[99].clone();
        assertEquals(SrtpException.Reason.TOO_OLD, reasonOf(() -> receiver.unprotectRtp(old, 0, old.length)));
        byte[] edge = sent[171].clone();
        assertEquals(SrtpException.Reason.TOO_OLD, reasonOf(() -> receiver.unprotectRtp(edge, 0, edge.length)));
        byte[] inside = sent[172].clone();
        assertEquals(inside.length - p.rtpTagLength(), receiver.unprotectRtp(inside, 0, inside.length),
                "127 behind is still inside");

        // SRTCP has its own window over explicit indices.
        byte[] rtcpPlain = new byte[20];
        rtcpPlain[0] = (byte) 0x80;
        rtcpPlain[1] = (byte) 201;
        byte[] at300 = Arrays.copyOf(rtcpPlain, 20 + p.rtcpOverhead());
        int len300 = sender.protectRtcp(at300, 0, 20, 300);
        byte[] at500 = Arrays.copyOf(rtcpPlain, 20 + p.rtcpOverhead());
        int len500 = sender.protectRtcp(at500, 0, 20, 500);
        receiver.unprotectRtcp(at500, 0, len500);
        assertEquals(SrtpException.Reason.TOO_OLD, reasonOf(() -> receiver.unprotectRtcp(at300, 0, len300)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void protectRefusesToReuseAnIndex(SrtpProfile p) throws Exception {
        SrtpContext sender = context(p);
        byte[] a = rtp(SSRC, 5, 10, p.rtpTagLength());
        sender.protectRtp(a, 0, plainLength(a, sender));
        byte[] b = rtp(SSRC, 5, 10, p.rtpTagLength());
        assertEquals(SrtpException.Reason.REPLAYED, reasonOf(() -> sender.protectRtp(b, 0, plainLength(b, sender))));

        byte[] rtcp = new byte[8 + p.rtcpOverhead()];
        rtcp[0] = (byte) 0x80;
        sender.protectRtcp(rtcp, 0, 8, 7);
        byte[] rtcp2 = new byte[8 + p.rtcpOverhead()];
        rtcp2[0] = (byte) 0x80;
        assertEquals(SrtpException.Reason.REPLAYED, reasonOf(() -> sender.protectRtcp(rtcp2, 0, 8, 7)));
    }

    @Test
    void srtcpIndexSpaceEndsAtTwoToTheThirtyOne() throws Exception {
        SrtpProfile p = SrtpProfile.AEAD_AES_128_GCM;
        SrtpContext sender = context(p);
        byte[] rtcp = new byte[8 + p.rtcpOverhead()];
        rtcp[0] = (byte) 0x80;
        sender.protectRtcp(rtcp, 0, 8, 0x7fffffff);
        byte[] next = new byte[8 + p.rtcpOverhead()];
        next[0] = (byte) 0x80;
        assertEquals(SrtpException.Reason.INDEX_EXHAUSTED, reasonOf(() -> sender.protectRtcp(next, 0, 8)));
        assertThrows(IllegalArgumentException.class, () -> sender.protectRtcp(next, 0, 8, -2));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void theNumberOfSsrcsIsBounded(SrtpProfile p) throws Exception {
        SrtpContext sender = new SrtpContext(p, masterKey(p, 1), masterSalt(p, 1), 16);
        SrtpContext receiver = new SrtpContext(p, masterKey(p, 1), masterSalt(p, 1), 2);
        byte[][] packets = new byte[3][];
        for (int i = 0; i < 3; i++) {
            packets[i] = rtp(100 + i, 1, 10, p.rtpTagLength());
            sender.protectRtp(packets[i], 0, plainLength(packets[i], sender));
        }
        // Forgeries from many SSRCs take no room.
        for (int s = 0; s < 10; s++) {
            byte[] forged = rtp(5000 + s, 1, 10, p.rtpTagLength());
            assertEquals(SrtpException.Reason.AUTH_FAILED,
                    reasonOf(() -> receiver.unprotectRtp(forged, 0, forged.length)));
        }
        assertEquals(0, receiver.ssrcCount());
        receiver.unprotectRtp(packets[0].clone(), 0, packets[0].length);
        receiver.unprotectRtp(packets[1].clone(), 0, packets[1].length);
        assertEquals(2, receiver.ssrcCount());
        byte[] third = packets[2].clone();
        assertEquals(SrtpException.Reason.SSRC_LIMIT, reasonOf(() -> receiver.unprotectRtp(third, 0, third.length)));
        assertTrue(receiver.removeSsrc(100));
        assertFalse(receiver.removeSsrc(100));
        receiver.unprotectRtp(packets[2].clone(), 0, packets[2].length);
        assertEquals(2, receiver.ssrcCount());
        assertEquals(-1, receiver.rolloverCounter(100));
        assertEquals(0, receiver.rolloverCounter(102));

        SrtpContext tinySender = new SrtpContext(p, masterKey(p, 1), masterSalt(p, 1), 1);
        tinySender.protectRtp(rtp(1, 1, 10, p.rtpTagLength()), 0, 12 + 8 + 10);
        byte[] second = rtp(2, 1, 10, p.rtpTagLength());
        assertEquals(SrtpException.Reason.SSRC_LIMIT, reasonOf(() -> tinySender.protectRtp(second, 0, 30)));
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void shortAndMalformedPacketsAreRejected(SrtpProfile p) {
        SrtpContext receiver = context(p);
        byte[] tiny = new byte[12 + p.rtpTagLength() - 1];
        tiny[0] = (byte) 0x80;
        assertEquals(SrtpException.Reason.TOO_SHORT, reasonOf(() -> receiver.unprotectRtp(tiny, 0, tiny.length)));
        byte[] v1 = new byte[40];
        v1[0] = 0x40;
        assertEquals(SrtpException.Reason.MALFORMED, reasonOf(() -> receiver.unprotectRtp(v1, 0, v1.length)));
        byte[] longExtension = new byte[40];
        longExtension[0] = (byte) 0x90;
        longExtension[14] = 0x00;
        longExtension[15] = 0x10; // 16 words of extension in a 40-byte packet
        assertEquals(SrtpException.Reason.MALFORMED,
                reasonOf(() -> receiver.unprotectRtp(longExtension, 0, longExtension.length)));
        byte[] manyCsrcs = new byte[40];
        manyCsrcs[0] = (byte) 0x8f;
        assertEquals(SrtpException.Reason.MALFORMED, reasonOf(() -> receiver.unprotectRtp(manyCsrcs, 0, 40)));

        byte[] rtcp = new byte[8 + 4 + p.rtcpTagLength() - 1];
        rtcp[0] = (byte) 0x80;
        assertEquals(SrtpException.Reason.TOO_SHORT, reasonOf(() -> receiver.unprotectRtcp(rtcp, 0, rtcp.length)));
        byte[] rtcpV0 = new byte[60];
        assertEquals(SrtpException.Reason.MALFORMED, reasonOf(() -> receiver.unprotectRtcp(rtcpV0, 0, 60)));
        SrtpContext sender = context(p);
        byte[] shortRtcp = new byte[40];
        shortRtcp[0] = (byte) 0x80;
        assertEquals(SrtpException.Reason.TOO_SHORT, reasonOf(() -> sender.protectRtcp(shortRtcp, 0, 7)));
    }

    @Test
    void profilesDifferInOverhead() {
        assertEquals(10, context(SrtpProfile.AES128_CM_HMAC_SHA1_80).rtpOverhead());
        assertEquals(14, context(SrtpProfile.AES128_CM_HMAC_SHA1_80).rtcpOverhead());
        assertEquals(16, context(SrtpProfile.AEAD_AES_128_GCM).rtpOverhead());
        assertEquals(20, context(SrtpProfile.AEAD_AES_128_GCM).rtcpOverhead());
        assertNotEquals(context(SrtpProfile.AEAD_AES_128_GCM).profile(), SrtpProfile.AES128_CM_HMAC_SHA1_80);
    }
}
