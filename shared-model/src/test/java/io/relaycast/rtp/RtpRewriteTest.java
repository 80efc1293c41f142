package io.relaycast.rtp;

import static io.relaycast.testing.TestVectors.hex;
import static io.relaycast.testing.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.TestVectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** In-place rewrites an SFU does when forwarding: fixed fields, extension ids, transport-cc numbers. */
class RtpRewriteTest {
    private static final JsonNode SAMPLES = TestVectors.json("rtcp-samples.json");

    private static byte[] sample(String name) {
        for (JsonNode s : SAMPLES.get("rtp_header_extensions")) {
            if (s.get("name").asText().equals(name)) {
                return hex(s.get("hex"));
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void fixedFieldsAreRewrittenAndNothingElseMoves() throws Exception {
        for (String name : new String[]{"one_byte_sdes_mid_real_packet", "one_byte_all_webrtc_extensions"}) {
            byte[] original = sample(name);
            byte[] buf = original.clone();
            RtpHeader h = new RtpHeader().wrap(buf, 0, buf.length);
            boolean marker = h.marker();
            h.setSsrc(0xdeadbeef);
            h.setSequenceNumber(0x1fffe); // only the low 16 bits count
            h.setTimestamp(0x80000001);
            h.setPayloadType(97);

            RtpHeader again = new RtpHeader().wrap(buf, 0, buf.length);
            assertEquals(0xdeadbeef, again.ssrc());
            assertEquals(0xfffe, again.sequenceNumber());
            assertEquals(0x80000001, again.timestamp());
            assertEquals(97, again.payloadType());
            assertEquals(marker, again.marker(), "marker kept");
            // Bytes 2..11 are the rewritten seq/ts/ssrc; byte 1 is M|PT; the rest is untouched.
            assertEquals(original[0], buf[0]);
            assertArrayEquals(Arrays.copyOfRange(original, 12, original.length), Arrays.copyOfRange(buf, 12, buf.length));

            again.setMarker(!marker);
            assertEquals(!marker, again.marker());
            assertEquals(97, again.payloadType(), "payload type kept when the marker changes");
            assertThrows(IllegalArgumentException.class, () -> again.setPayloadType(128));
        }
    }

    @Test
    void oneByteIdsAreRemappedAndDroppedInPlace() throws Exception {
        byte[] original = sample("one_byte_all_webrtc_extensions");
        byte[] buf = original.clone();
        RtpHeader h = new RtpHeader().wrap(buf, 0, buf.length);
        RtpExtensionIdMap map = new RtpExtensionIdMap()
                .map(4, 1).map(2, 3).map(6, 5).map(8, 7).drop(10).map(11, 14).map(13, 2);
        h.remapExtensionIds(map);

        RtpHeader r = new RtpHeader().wrap(buf, 0, buf.length);
        assertEquals(original.length, r.length());
        assertEquals(0xda, r.audioLevel(1));
        assertEquals(0x123456, r.absSendTime(5));
        assertEquals(0xceab, r.transportSequenceNumber(7));
        assertFalse(r.hasExtensionElement(10), "dropped");
        assertFalse(r.hasExtensionElement(4), "moved away");
        assertTrue(r.extensionEquals(12, "rtx".getBytes(), 0, 3), "12 maps to itself");
        assertTrue(r.extensionEquals(2, "stream".getBytes(), 0, 6));
        byte[] delay = new byte[3];
        assertEquals(3, r.readExtension(14, delay, 0));
        assertEquals("124876", toHex(delay));

        int[] ids = new int[8];
        int n = 0;
        RtpExtensionElements e = r.extensionElements();
        while (e.next()) {
            ids[n++] = e.id();
        }
        assertArrayEquals(new int[]{1, 3, 5, 7, 14, 12, 2}, Arrays.copyOf(ids, n));

        // The inverse map restores every byte except the dropped element, now zero padding.
        r.remapExtensionIds(new RtpExtensionIdMap()
                .map(1, 4).map(3, 2).map(5, 6).map(7, 8).map(14, 11).map(2, 13));
        byte[] expected = original.clone();
        int rotation = indexOf(original, (byte) 0xa0); // id 10, L=0, value 0x03
        expected[rotation] = 0;
        expected[rotation + 1] = 0;
        assertArrayEquals(expected, buf);
    }

    @Test
    void oneByteTargetsAboveFourteenAreRefusedWithoutWriting() throws Exception {
        byte[] original = sample("one_byte_all_webrtc_extensions");
        byte[] buf = original.clone();
        RtpHeader h = new RtpHeader().wrap(buf, 0, buf.length);
        assertThrows(RtpException.class, () -> h.remapExtensionIds(new RtpExtensionIdMap().map(4, 1).map(13, 15)));
        assertArrayEquals(original, buf, "nothing written");
    }

    @Test
    void twoByteIdsAreRemappedInPlace() throws Exception {
        byte[] original = sample("two_byte_rfc8285_figure_with_padding");
        byte[] buf = original.clone();
        RtpHeader h = new RtpHeader().wrap(buf, 0, buf.length);
        h.remapExtensionIds(new RtpExtensionIdMap().map(1, 200).map(3, 255).drop(2));
        RtpHeader r = new RtpHeader().wrap(buf, 0, buf.length);
        RtpExtensionElements e = r.extensionElements();
        assertTrue(e.next());
        assertEquals(200, e.id());
        assertEquals(0, e.dataLength());
        assertTrue(e.next());
        assertEquals(255, e.id());
        assertEquals("cccccccc", toHex(buf, e.dataOffset(), e.dataLength()));
        assertFalse(e.next());
        assertEquals(original.length, r.length());
        assertEquals(toHex(original, 28, 5), toHex(buf, r.payloadOffset(), r.payloadLength()));
    }

    @Test
    void removeExtensionLeavesPadding() throws Exception {
        byte[] buf = sample("one_byte_rfc8285_figure_with_padding");
        RtpHeader h = new RtpHeader().wrap(buf, 0, buf.length);
        assertTrue(h.removeExtension(2));
        assertFalse(h.removeExtension(2));
        RtpHeader r = new RtpHeader().wrap(buf, 0, buf.length);
        RtpExtensionElements e = r.extensionElements();
        assertTrue(e.next());
        assertEquals(1, e.id());
        assertTrue(e.next());
        assertEquals(3, e.id());
        assertFalse(e.next());
        assertEquals("0000000000", toHex(buf, 18, 5), "id-2 element and the old padding are all zeros");
    }

    @Test
    void transportSequenceNumberIsOverwrittenInPlace() throws Exception {
        byte[] original = sample("one_byte_all_webrtc_extensions");
        byte[] buf = original.clone();
        RtpHeader h = new RtpHeader().wrap(buf, 0, buf.length);
        assertTrue(h.setTransportSequenceNumber(8, 0x10203)); // low 16 bits
        assertEquals(0x0203, h.transportSequenceNumber(8));
        assertFalse(h.setTransportSequenceNumber(9, 1), "absent");
        int changed = 0;
        for (int i = 0; i < buf.length; i++) {
            changed += buf[i] != original[i] ? 1 : 0;
        }
        assertEquals(2, changed);
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 16; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new AssertionError();
    }
}
