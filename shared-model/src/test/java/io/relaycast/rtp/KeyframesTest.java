package io.relaycast.rtp;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyframesTest {

    private static boolean vp8(int... bytes) {
        byte[] b = new byte[bytes.length + 3];
        for (int i = 0; i < bytes.length; i++) {
            b[i + 3] = (byte) bytes[i];
        }
        return Keyframes.isKeyframeStart("VP8", b, 3, bytes.length);
    }

    private static boolean h264(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return Keyframes.isKeyframeStart("h264", b, 0, bytes.length);
    }

    @Test
    void vp8MinimalDescriptor() {
        // S=1, PID=0; frame tag P=0 (key) / P=1 (delta), RFC 7741 §4.2-4.3.
        assertTrue(vp8(0x10, 0x10, 0x02, 0x00));
        assertFalse(vp8(0x10, 0x11, 0x02, 0x00));
        // Not the start of partition 0.
        assertFalse(vp8(0x00, 0x10));
        assertFalse(vp8(0x11, 0x10));
    }

    @Test
    void vp8ExtendedDescriptorAsChromiumSendsIt() {
        // X=1, S=1; I=1 with a 15-bit picture id (M=1), L=1 TL0PICIDX, T=1 TID byte, then the tag.
        assertTrue(vp8(0x90, 0xE0, 0x81, 0x23, 0x05, 0x20, 0x50));
        assertFalse(vp8(0x90, 0xE0, 0x81, 0x23, 0x05, 0x20, 0x51));
        // 7-bit picture id only.
        assertTrue(vp8(0x90, 0x80, 0x17, 0x9c));
        assertFalse(vp8(0x90, 0x80, 0x17, 0x9d));
    }

    @Test
    void vp8TruncatedIsNotAKeyframe() {
        assertFalse(vp8(0x90));
        assertFalse(vp8(0x90, 0x80));
        assertFalse(vp8(0x90, 0xE0, 0x81, 0x23, 0x05, 0x20));
        assertFalse(vp8());
    }

    @Test
    void h264SingleStapAndFuA() {
        assertTrue(h264(0x65, 0x88));          // IDR slice
        assertTrue(h264(0x67, 0x42));          // SPS
        assertFalse(h264(0x41, 0x9a));         // non-IDR slice
        // STAP-A with SPS + PPS (RFC 6184 §5.7.1).
        assertTrue(h264(0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xce));
        assertFalse(h264(0x78, 0x00, 0x02, 0x68, 0xce));
        // FU-A start of an IDR / middle of an IDR / start of a non-IDR (RFC 6184 §5.8).
        assertTrue(h264(0x7c, 0x85, 0x88));
        assertFalse(h264(0x7c, 0x05, 0x88));
        assertFalse(h264(0x7c, 0x81, 0x88));
    }

    @Test
    void otherCodecsAndGarbageNeverThrow() {
        assertFalse(Keyframes.isKeyframeStart("opus", new byte[]{0x10, 0x10}, 0, 2));
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[r.nextInt(12)];
            r.nextBytes(b);
            Keyframes.isKeyframeStart("VP8", b, 0, b.length);
            Keyframes.isKeyframeStart("H264", b, 0, b.length);
        }
    }
}
