package io.relaycast.rtp;

import static io.relaycast.testing.TestVectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Structure checks of {@link RtpHeader#wrap}: padding, CSRCs, extension forms, malformed input. */
class RtpHeaderTest {
    private final RtpHeader h = new RtpHeader();

    private static byte[] packet(RtpWriter w, int payloadLen) {
        byte[] payload = new byte[payloadLen];
        for (int i = 0; i < payloadLen; i++) {
            payload[i] = (byte) (i + 1);
        }
        byte[] buf = new byte[w.length(payloadLen)];
        w.writeTo(buf, 0, payload, 0, payloadLen);
        return buf;
    }

    private static RtpWriter base() {
        return new RtpWriter().payloadType(96).sequenceNumber(1).timestamp(2).ssrc(3);
    }

    private void rejects(byte[] buf, String why) {
        assertThrows(RtpException.class, () -> h.wrap(buf, 0, buf.length), why);
    }

    @Test
    void paddingIsCountedAndExcludedFromThePayload() throws Exception {
        byte[] buf = packet(base().padding(4), 10);
        h.wrap(buf, 0, buf.length);
        assertTrue(h.hasPadding());
        assertEquals(4, h.paddingLength());
        assertEquals(10, h.payloadLength());
        assertEquals(12, h.payloadOffset());
        assertEquals(26, h.length());

        // All of what follows the header may be padding.
        byte[] onlyPadding = packet(base().padding(7), 0);
        h.wrap(onlyPadding, 0, onlyPadding.length);
        assertEquals(0, h.payloadLength());
        assertEquals(7, h.paddingLength());
    }

    @Test
    void badPaddingCountsAreRejected() {
        byte[] zero = packet(base().padding(4), 10);
        zero[zero.length - 1] = 0;
        rejects(zero, "padding count 0");
        byte[] tooMany = packet(base().padding(4), 10);
        tooMany[tooMany.length - 1] = 15;
        rejects(tooMany, "padding larger than payload + padding");
        byte[] intoHeader = packet(base().addAudioLevel(1, false, 3), 0);
        intoHeader[0] |= 0x20;
        rejects(intoHeader, "P bit with no room after the header");
    }

    @Test
    void csrcsAreReadInOrder() throws Exception {
        RtpWriter w = base();
        for (int i = 0; i < 15; i++) {
            w.addCsrc(0xc0000000 + i);
        }
        byte[] buf = packet(w, 3);
        h.wrap(buf, 0, buf.length);
        assertEquals(15, h.csrcCount());
        for (int i = 0; i < 15; i++) {
            assertEquals(0xc0000000 + i, h.csrc(i));
        }
        assertEquals(12 + 60, h.headerLength());
        assertEquals(3, h.payloadLength());
        assertThrows(IndexOutOfBoundsException.class, () -> h.csrc(15));

        byte[] truncated = java.util.Arrays.copyOf(buf, 12 + 59);
        rejects(truncated, "CSRC list cut short");
    }

    @Test
    void versionAndLengthAreChecked() {
        rejects(new byte[11], "shorter than 12");
        for (int version : new int[]{0, 1, 3}) {
            byte[] buf = packet(base(), 4);
            buf[0] = (byte) ((version << 6) | (buf[0] & 0x3f));
            rejects(buf, "version " + version);
        }
    }

    @Test
    void extensionBlocksMustFit() {
        byte[] buf = packet(base().addTransportSequenceNumber(3, 9), 0);
        rejects(java.util.Arrays.copyOf(buf, 14), "extension header cut");
        rejects(java.util.Arrays.copyOf(buf, buf.length - 1), "extension data cut");
        byte[] longer = buf.clone();
        longer[15] = 2; // 2 words claimed, 1 present
        rejects(longer, "extension length too large");
    }

    @Test
    void oneByteElementsMustFitTheirBlock() {
        // 0xBEDE, 1 word: id 1 with L=3 (4 bytes of data) after one byte of header: runs past.
        byte[] buf = hex("900000010000000200000003bede00011300000000");
        rejects(buf, "element past block");
    }

    @Test
    void twoByteElementsMustFitTheirBlock() {
        rejects(hex("90000001000000020000000310000001000001ff"), "two-byte length past block");
        // A lone non-zero id byte at the end of the block has no length byte.
        rejects(hex("90000001000000020000000310000001000000" + "07"), "two-byte header cut");
    }

    @Test
    void idFifteenEndsTheOneByteBlock() throws Exception {
        // id 1 (1 byte), then id 15 with a length that would run past: processing stops there.
        byte[] buf = hex("900000010000000200000003bede000110aaff00" + "cafe");
        h.wrap(buf, 0, buf.length);
        RtpExtensionElements e = h.extensionElements();
        assertTrue(e.next());
        assertEquals(1, e.id());
        assertFalse(e.next());
        assertEquals(2, h.payloadLength());
    }

    @Test
    void zeroBytesAnywhereAreSkippedAsPadding() throws Exception {
        byte[] buf = hex("900000010000000200000003bede0002" + "00" + "10aa" + "00" + "21bbbb" + "00");
        h.wrap(buf, 0, buf.length);
        RtpExtensionElements e = h.extensionElements();
        assertTrue(e.find(2));
        assertEquals(2, e.dataLength());
        assertEquals(0xbb, buf[e.dataOffset()] & 0xff);
        assertTrue(e.find(1));
        assertEquals(0xaa, buf[e.dataOffset()] & 0xff);
    }

    @Test
    void twoByteFormCarriesAppBitsAndZeroLengthElements() throws Exception {
        byte[] buf = hex("900000010000000200000003" + "1005" + "0001" + "c8000000");
        h.wrap(buf, 0, buf.length);
        assertTrue(h.twoByteExtensions());
        assertEquals(0x1005, h.extensionProfile());
        RtpExtensionElements e = h.extensionElements();
        assertTrue(e.next());
        assertEquals(200, e.id());
        assertEquals(0, e.dataLength());
        assertFalse(e.next());
    }

    @Test
    void otherProfilesAreOpaque() throws Exception {
        byte[] buf = hex("900000010000000200000003" + "abcd" + "0002" + "1122334455667788" + "ff");
        h.wrap(buf, 0, buf.length);
        assertEquals(0xabcd, h.extensionProfile());
        assertFalse(h.oneByteExtensions());
        assertFalse(h.twoByteExtensions());
        assertFalse(h.extensionElements().next());
        assertEquals(24, h.headerLength());
        assertEquals(1, h.payloadLength());
        assertEquals(-1, h.absSendTime(1));
    }

    @Test
    void noExtensionMeansNoElements() throws Exception {
        byte[] buf = packet(base(), 5);
        h.wrap(buf, 0, buf.length);
        assertEquals(-1, h.extensionProfile());
        assertEquals(0, h.extensionDataLength());
        assertFalse(h.extensionElements().next());
        assertFalse(h.removeExtension(1));
        h.remapExtensionIds(new RtpExtensionIdMap().drop(1));
    }

    @Test
    void valuesOfTheWrongLengthAreRejected() throws Exception {
        byte[] buf = packet(base().addExtension(1, 0x0102, 2).addExtension(2, 0x01, 1).addExtension(3, 0x010203, 3)
                .addExtension(4, new byte[]{'a', 'b', 'c', 'd', 'e'}, 0, 5), 0);
        h.wrap(buf, 0, buf.length);
        assertThrows(RtpException.class, () -> h.audioLevel(1));
        assertThrows(RtpException.class, () -> h.absSendTime(1));
        assertThrows(RtpException.class, () -> h.transportSequenceNumber(2));
        assertThrows(RtpException.class, () -> h.setTransportSequenceNumber(3, 1));
        assertEquals(0x0102, h.transportSequenceNumber(1));
        assertEquals(1, h.audioLevel(2));
        assertEquals(0x010203, h.absSendTime(3));
        assertThrows(RtpException.class, () -> h.readExtension(4, new byte[4], 0), "does not fit");
        assertThrows(RtpException.class, () -> h.readExtension(4, new byte[8], 4), "does not fit from 4");
        assertEquals(5, h.readExtension(4, new byte[8], 3));
    }

    @Test
    void wrapRespectsTheOffset() throws Exception {
        byte[] inner = packet(base().marker(true).addCsrc(77), 6);
        byte[] buf = new byte[inner.length + 20];
        java.util.Arrays.fill(buf, (byte) 0xff);
        System.arraycopy(inner, 0, buf, 10, inner.length);
        h.wrap(buf, 10, inner.length);
        assertTrue(h.marker());
        assertEquals(77, h.csrc(0));
        assertEquals(6, h.payloadLength());
        assertEquals(10 + 16, h.payloadOffset());
        assertThrows(IndexOutOfBoundsException.class, () -> h.wrap(buf, 30, inner.length));
    }
}
