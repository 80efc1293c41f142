package io.relaycast.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link RtpWriter} output read back through {@link RtpHeader}. */
class RtpWriterTest {

    @Test
    void randomPacketsRoundTrip() throws Exception {
        Random random = new Random(2024);
        RtpWriter w = new RtpWriter();
        RtpHeader h = new RtpHeader();
        byte[] buf = new byte[4096];
        for (int i = 0; i < 2000; i++) {
            w.reset();
            int pt = random.nextInt(128);
            boolean marker = random.nextBoolean();
            int seq = random.nextInt(65536);
            int ts = random.nextInt();
            int ssrc = random.nextInt();
            w.payloadType(pt).marker(marker).sequenceNumber(seq).timestamp(ts).ssrc(ssrc);
            int csrcs = random.nextInt(4);
            for (int c = 0; c < csrcs; c++) {
                w.addCsrc(ssrc + c + 1);
            }
            boolean wantTwoByte = random.nextInt(4) == 0;
            w.twoByteExtensions(wantTwoByte);
            int elements = random.nextInt(6);
            int[] ids = new int[elements];
            byte[][] values = new byte[elements][];
            for (int e = 0; e < elements; e++) {
                ids[e] = e + 1 + (random.nextInt(8) == 0 && wantTwoByte ? 100 : 0);
                values[e] = new byte[1 + random.nextInt(wantTwoByte ? 40 : 16)];
                random.nextBytes(values[e]);
                w.addExtension(ids[e], values[e], 0, values[e].length);
            }
            int padding = random.nextInt(3) == 0 ? 1 + random.nextInt(20) : 0;
            w.padding(padding);
            byte[] payload = new byte[random.nextInt(300)];
            random.nextBytes(payload);
            int off = random.nextInt(8);

            int len = w.writeTo(buf, off, payload, 0, payload.length);
            assertEquals(w.length(payload.length), len);
            h.wrap(buf, off, len);
            assertEquals(pt, h.payloadType());
            assertEquals(marker, h.marker());
            assertEquals(seq, h.sequenceNumber());
            assertEquals(ts, h.timestamp());
            assertEquals(ssrc, h.ssrc());
            assertEquals(csrcs, h.csrcCount());
            for (int c = 0; c < csrcs; c++) {
                assertEquals(ssrc + c + 1, h.csrc(c));
            }
            assertEquals(elements > 0, h.hasExtension());
            if (elements > 0) {
                assertEquals(wantTwoByte, h.twoByteExtensions(), "form");
                assertEquals(0, h.extensionDataLength() % 4);
            }
            RtpExtensionElements it = h.extensionElements();
            for (int e = 0; e < elements; e++) {
                assertTrue(it.next());
                assertEquals(ids[e], it.id());
                assertArrayEquals(values[e], Arrays.copyOfRange(buf, it.dataOffset(), it.dataOffset() + it.dataLength()));
            }
            assertFalse(it.next());
            assertEquals(w.headerLength(), h.headerLength());
            assertEquals(padding, h.paddingLength());
            assertArrayEquals(payload, Arrays.copyOfRange(buf, h.payloadOffset(), h.payloadOffset() + h.payloadLength()));
        }
    }

    @Test
    void formFollowsIdsAndLengths() throws Exception {
        RtpHeader h = new RtpHeader();
        byte[] buf = new byte[200];
        byte[] nothing = new byte[0];
        RtpWriter w = new RtpWriter().addExtension(14, new byte[16], 0, 16);
        h.wrap(buf, 0, w.writeTo(buf, 0, nothing, 0, 0));
        assertTrue(h.oneByteExtensions(), "id 14 and 16 bytes fit the one-byte form");

        w.reset().addExtension(15, new byte[1], 0, 1);
        h.wrap(buf, 0, w.writeTo(buf, 0, nothing, 0, 0));
        assertTrue(h.twoByteExtensions(), "id 15 needs the two-byte form");

        w.reset().addExtension(1, new byte[17], 0, 17);
        h.wrap(buf, 0, w.writeTo(buf, 0, nothing, 0, 0));
        assertTrue(h.twoByteExtensions(), "17 bytes need the two-byte form");

        w.reset().addExtension(3, nothing, 0, 0);
        h.wrap(buf, 0, w.writeTo(buf, 0, nothing, 0, 0));
        assertTrue(h.twoByteExtensions(), "empty values need the two-byte form");
        RtpExtensionElements e = h.extensionElements();
        assertTrue(e.find(3));
        assertEquals(0, e.dataLength());
    }

    @Test
    void typedExtensionsReadBack() throws Exception {
        long sendNanos = 12_345_678_901L;
        byte[] mid = "audio0".getBytes();
        RtpWriter w = new RtpWriter().ssrc(9)
                .addAudioLevel(1, true, 42)
                .addAbsSendTime(2, AbsSendTime.fromNanos(sendNanos))
                .addTransportSequenceNumber(3, 65535)
                .addExtension(4, mid, 0, mid.length);
        byte[] buf = new byte[100];
        RtpHeader h = new RtpHeader().wrap(buf, 0, w.writeTo(buf, 0, new byte[0], 0, 0));
        assertTrue(AudioLevel.voiceActivity(h.audioLevel(1)));
        assertEquals(42, AudioLevel.level(h.audioLevel(1)));
        long back = AbsSendTime.toNanos(h.absSendTime(2));
        assertTrue(Math.abs(back - sendNanos) < 4_000, "6.18 fixed point resolves ~3.8 µs: " + back);
        assertEquals(65535, h.transportSequenceNumber(3));
        assertTrue(h.extensionEquals(4, mid, 0, mid.length));
    }

    @Test
    void absSendTimeWrapsEverySixtyFourSeconds() {
        assertEquals(0, AbsSendTime.fromNanos(0));
        assertEquals(1 << 18, AbsSendTime.fromNanos(1_000_000_000L));
        assertEquals(AbsSendTime.fromNanos(5_000_000_000L), AbsSendTime.fromNanos(69_000_000_000L));
        assertEquals(0xffffff, AbsSendTime.fromNanos(64_000_000_000L - 1));
        assertEquals(AbsSendTime.fromNanos(63_000_000_000L), AbsSendTime.fromNanos(-1_000_000_000L));
        assertEquals(1_000_000_000L, AbsSendTime.toNanos(1 << 18));
    }

    @Test
    void programmingErrorsAreRefused() {
        RtpWriter w = new RtpWriter();
        assertThrows(IllegalArgumentException.class, () -> w.payloadType(128));
        assertThrows(IllegalArgumentException.class, () -> w.addExtension(0, new byte[1], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> w.addExtension(256, new byte[1], 0, 1));
        assertThrows(IllegalArgumentException.class, () -> w.addExtension(1, new byte[256], 0, 256));
        assertThrows(IllegalArgumentException.class, () -> w.padding(256));
        assertThrows(IllegalArgumentException.class, () -> AudioLevel.encode(true, 128));
        for (int i = 0; i < 15; i++) {
            w.addCsrc(i);
        }
        assertThrows(IllegalArgumentException.class, () -> w.addCsrc(15));
        assertThrows(IndexOutOfBoundsException.class, () -> w.writeTo(new byte[60], 0, new byte[10], 0, 10));
    }
}
