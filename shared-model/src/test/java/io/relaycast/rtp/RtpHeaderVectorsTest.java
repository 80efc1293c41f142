package io.relaycast.rtp;

import static io.relaycast.testing.TestVectors.hex;
import static io.relaycast.testing.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.TestVectors;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code rtp_header_extensions} samples of rtcp-samples.json (pion/rtp and aiortc), checked
 * field by field, and rebuilt byte for byte with {@link RtpWriter} where the sample has no
 * padding between elements.
 */
class RtpHeaderVectorsTest {
    private static final JsonNode SAMPLES = TestVectors.json("rtcp-samples.json");

    static Stream<JsonNode> samples() {
        List<JsonNode> list = new ArrayList<>();
        SAMPLES.get("rtp_header_extensions").forEach(list::add);
        assertEquals(6, list.size());
        return list.stream();
    }

    private static RtpHeader wrapAt(byte[] packet, int off) throws RtpException {
        byte[] buf = new byte[off + packet.length + 3];
        System.arraycopy(packet, 0, buf, off, packet.length);
        return new RtpHeader().wrap(buf, off, packet.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void decodesEveryField(JsonNode sample) throws Exception {
        byte[] packet = hex(sample.get("hex"));
        assertEquals(sample.get("length_bytes").asInt(), packet.length);
        int off = 9;
        RtpHeader h = wrapAt(packet, off);
        JsonNode d = sample.get("decoded");
        JsonNode f = d.get("rtp_header");
        assertEquals(f.get("version").asInt(), h.version());
        assertEquals(f.get("padding").asInt() == 1, h.hasPadding());
        assertEquals(f.get("extension").asInt() == 1, h.hasExtension());
        assertEquals(f.get("csrc_count").asInt(), h.csrcCount());
        assertEquals(f.get("marker").asInt() == 1, h.marker());
        assertEquals(f.get("payload_type").asInt(), h.payloadType());
        assertEquals(f.get("sequence_number").asInt(), h.sequenceNumber());
        assertEquals(f.get("timestamp").asLong(), Integer.toUnsignedLong(h.timestamp()));
        assertEquals(Long.parseLong(f.get("ssrc").asText().substring(2), 16), Integer.toUnsignedLong(h.ssrc()));

        assertEquals(Integer.parseInt(d.get("extension_profile").asText().substring(2), 16), h.extensionProfile());
        boolean oneByte = d.get("extension_form").asText().startsWith("one-byte");
        assertEquals(oneByte, h.oneByteExtensions());
        assertEquals(!oneByte, h.twoByteExtensions());
        assertEquals(d.get("extension_length_words").asInt() * 4, h.extensionDataLength());
        assertEquals(d.get("extension_block_hex").asText(),
                toHex(h.buffer(), h.extensionDataOffset(), h.extensionDataLength()));

        RtpExtensionElements e = h.extensionElements();
        for (JsonNode element : d.get("elements")) {
            assertTrue(e.next(), "element " + element);
            assertEquals(element.get("id").asInt(), e.id());
            assertEquals(element.get("length").asInt(), e.dataLength());
            assertEquals(element.get("data_hex").asText(), toHex(h.buffer(), e.dataOffset(), e.dataLength()));
            assertEquals(!oneByte, e.twoByteForm());
        }
        assertFalse(e.next(), "no more elements");

        assertEquals(d.get("payload_offset").asInt(), h.headerLength());
        assertEquals(off + d.get("payload_offset").asInt(), h.payloadOffset());
        assertEquals(d.get("payload_hex").asText(), toHex(h.buffer(), h.payloadOffset(), h.payloadLength()));
        assertEquals(0, h.paddingLength());
        assertEquals(packet.length, h.length());
    }

    /**
     * aiortc's test_map_header_extensions; its extmap: 2 toffset, 4 ssrc-audio-level, 6
     * abs-send-time, 8 transport-wide-cc, 12 rtp-stream-id, 13 repaired-rtp-stream-id.
     */
    @Test
    void decodesTheWebrtcExtensionValues() throws Exception {
        JsonNode sample = find("one_byte_all_webrtc_extensions");
        JsonNode values = sample.get("decoded_values");
        RtpHeader h = wrapAt(hex(sample.get("hex")), 0);

        int level = h.audioLevel(4);
        assertEquals(Integer.parseInt(values.get("audio_level_rfc6464").get("raw").asText().substring(2), 16), level);
        assertEquals(values.get("audio_level_rfc6464").get("voice_activity").asBoolean(), AudioLevel.voiceActivity(level));
        assertEquals(values.get("audio_level_rfc6464").get("level_dbov").asInt(), -AudioLevel.level(level));

        byte[] toffset = new byte[3];
        assertEquals(3, h.readExtension(2, toffset, 0));
        assertEquals(values.get("transmission_offset").asInt(),
                ((toffset[0] & 0xff) << 16) | ((toffset[1] & 0xff) << 8) | (toffset[2] & 0xff));

        assertEquals(values.get("abs_send_time_24bit_6.18_fixed").asInt(), h.absSendTime(6));
        assertEquals(values.get("transport_wide_seq").asInt(), h.transportSequenceNumber(8));

        byte[] rid = new byte[16];
        int ridLen = h.readExtension(12, rid, 0);
        assertEquals(values.get("rtp_stream_id").asText(), new String(rid, 0, ridLen, StandardCharsets.US_ASCII));
        byte[] rrid = new byte[16];
        int rridLen = h.readExtension(13, rrid, 2);
        assertEquals(values.get("repaired_rtp_stream_id").asText(),
                new String(rrid, 2, rridLen, StandardCharsets.US_ASCII));
        byte[] expected = values.get("rtp_stream_id").asText().getBytes(StandardCharsets.US_ASCII);
        assertTrue(h.extensionEquals(12, expected, 0, expected.length));
        assertFalse(h.extensionEquals(13, expected, 0, expected.length));
        assertFalse(h.extensionEquals(12, expected, 0, expected.length - 1));
        assertFalse(h.extensionEquals(9, expected, 0, expected.length), "absent");

        // Ids 10 (video rotation) and 11 (playout delay) are present but unmapped by aiortc.
        assertTrue(h.hasExtensionElement(10));
        assertTrue(h.hasExtensionElement(11));
        assertEquals(-1, h.audioLevel(1));
        assertEquals(-1, h.absSendTime(14));
        assertEquals(-1, h.transportSequenceNumber(3));
        assertEquals(-1, h.readExtension(5, rid, 0));
    }

    @Test
    void decodesTheMidOfACapturedOpusPacket() throws Exception {
        JsonNode sample = find("one_byte_sdes_mid_real_packet");
        RtpHeader h = wrapAt(hex(sample.get("hex")), 1);
        byte[] mid = new byte[16];
        int len = h.readExtension(9, mid, 0); // extmap 9 = urn:ietf:params:rtp-hdrext:sdes:mid
        assertEquals(sample.get("decoded_values").get("mid").asText(), new String(mid, 0, len, StandardCharsets.US_ASCII));
        assertEquals(sample.get("decoded_values").get("payload_len").asInt(), h.payloadLength());
    }

    @Test
    void decodesTheRfc6464LevelBytes() {
        for (JsonNode b : SAMPLES.get("rfc6464_audio_level_bytes")) {
            int raw = Integer.parseInt(b.get("hex").asText(), 16);
            assertEquals(b.get("voice_activity").asBoolean(), AudioLevel.voiceActivity(raw), b.toString());
            assertEquals(b.get("level").asInt(), AudioLevel.level(raw), b.toString());
            assertEquals(raw, AudioLevel.encode(AudioLevel.voiceActivity(raw), AudioLevel.level(raw)));
        }
    }

    /** Padding between elements is a receiver's concern; the writer packs elements. */
    static Stream<JsonNode> packedSamples() {
        return samples().filter(s -> !s.get("name").asText().endsWith("_with_padding"));
    }

    /** Samples laid out without padding between elements are what {@link RtpWriter} produces. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("packedSamples")
    void writerRebuildsSamplesWithoutInnerPadding(JsonNode sample) throws Exception {
        String name = sample.get("name").asText();
        byte[] packet = hex(sample.get("hex"));
        RtpHeader h = wrapAt(packet, 0);
        RtpWriter w = new RtpWriter().payloadType(h.payloadType()).marker(h.marker())
                .sequenceNumber(h.sequenceNumber()).timestamp(h.timestamp()).ssrc(h.ssrc());
        for (JsonNode element : sample.get("decoded").get("elements")) {
            byte[] data = hex(element.get("data_hex"));
            w.addExtension(element.get("id").asInt(), data, 0, data.length);
        }
        byte[] payload = hex(sample.get("decoded").get("payload_hex"));
        byte[] out = new byte[w.length(payload.length)];
        assertEquals(packet.length, w.writeTo(out, 0, payload, 0, payload.length));
        assertArrayEquals(packet, out, name);
    }

    private static JsonNode find(String name) {
        for (JsonNode s : SAMPLES.get("rtp_header_extensions")) {
            if (s.get("name").asText().equals(name)) {
                return s;
            }
        }
        throw new AssertionError("sample missing: " + name);
    }
}
