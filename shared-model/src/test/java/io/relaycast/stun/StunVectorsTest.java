package io.relaycast.stun;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;

import static io.relaycast.testing.TestVectors.hex;
import static io.relaycast.testing.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every RFC 5769 vector in test-vectors/stun-rfc5769.json, checked field by field. */
class StunVectorsTest {
    private static final JsonNode VECTORS = TestVectors.json("stun-rfc5769.json").get("vectors");
    private static final String WRONG_PASSWORD = "VOkJxbRl1RmTxUk/WvJxBu";

    private static JsonNode vector(String name) {
        JsonNode v = VECTORS.get(name);
        assertNotNull(v, name);
        return v;
    }

    @Test
    void allFourVectorsArePresent() {
        List<String> names = List.of("sample_request", "sample_ipv4_response", "sample_ipv6_response",
                "sample_request_long_term_auth");
        assertEquals(names.size(), VECTORS.size());
        for (String n : names) {
            assertTrue(VECTORS.has(n), n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample_request", "sample_ipv4_response", "sample_ipv6_response",
            "sample_request_long_term_auth"})
    void headerAndAttributesMatchTheVector(String name) throws Exception {
        JsonNode v = vector(name);
        byte[] bytes = hex(v.get("message_hex"));
        assertEquals(v.get("total_length_bytes").asInt(), bytes.length);
        StunMessage m = StunMessage.parse(bytes, 0, bytes.length);

        JsonNode header = v.get("header");
        assertEquals(Integer.decode(header.get("message_type").asText()).intValue(), m.messageType());
        assertEquals(header.get("message_length_field").asInt(), m.length() - StunMessage.HEADER_LENGTH);
        assertEquals(header.get("transaction_id_hex").asText(), m.transactionId().toString());
        assertEquals(v.get("decoded").get("transaction_id_hex").asText(), toHex(m.transactionId().toByteArray()));
        assertEquals(StunMessage.BINDING, m.method());
        boolean request = header.get("message_type_meaning").asText().equals("Binding Request");
        assertEquals(request ? StunClass.REQUEST : StunClass.SUCCESS_RESPONSE, m.stunClass());
        assertEquals(request, m.isBindingRequest());
        assertEquals(!request, m.isBindingSuccess());

        JsonNode attrs = v.get("attributes");
        assertEquals(attrs.size(), m.attributes().size());
        Iterator<JsonNode> it = attrs.iterator();
        for (StunAttribute a : m.attributes()) {
            JsonNode expected = it.next();
            assertEquals(Integer.decode(expected.get("type").asText()).intValue(), a.type(), expected.get("name").asText());
            assertEquals(expected.get("name").asText(), StunAttributeType.name(a.type()));
            assertEquals(expected.get("offset").asInt(), a.offset());
            assertEquals(expected.get("length").asInt(), a.length());
            assertEquals(expected.get("value_hex").asText(), toHex(m.attributeValue(a.type())));
            // The padding bytes are in the message (0x20 or 0x00 in RFC 5769) and were ignored.
            String padding = expected.get("padding_hex").asText();
            assertEquals(padding, toHex(bytes, a.valueOffset() + a.length(), padding.length() / 2));
            assertEquals(a.paddedLength(), 4 + a.length() + padding.length() / 2);
            if (expected.has("value_utf8")) {
                String text = expected.get("value_utf8").asText();
                assertEquals(text, new String(m.attributeValue(a.type()), StandardCharsets.UTF_8));
            }
        }
        assertEquals(0, m.unknownComprehensionRequired().length);
    }

    @Test
    void sampleRequestDecodedValues() throws Exception {
        JsonNode v = vector("sample_request");
        JsonNode d = v.get("decoded");
        StunMessage m = StunMessage.parse(hex(v.get("message_hex")));
        assertEquals(d.get("software").asText(), m.software());
        assertEquals(d.get("username").asText(), m.username());
        assertEquals(d.get("priority").asLong(), m.priority().getAsLong());
        assertEquals(Long.parseUnsignedLong(d.get("ice_controlled_tiebreaker_hex").asText(), 16),
                m.iceControlled().getAsLong());
        assertFalse(m.iceControlling().isPresent());
        assertFalse(m.useCandidate());
        assertNull(m.xorMappedAddress());
        assertNull(m.error());
        assertEquals(d.get("message_integrity_hex").asText(), toHex(m.attributeValue(StunAttributeType.MESSAGE_INTEGRITY)));
        assertEquals(d.get("fingerprint_hex").asText(), toHex(m.attributeValue(StunAttributeType.FINGERPRINT)));
        assertTrue(m.hasMessageIntegrity());
        assertTrue(m.hasFingerprint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample_ipv4_response", "sample_ipv6_response"})
    void responseDecodedValues(String name) throws Exception {
        JsonNode v = vector(name);
        JsonNode d = v.get("decoded");
        StunMessage m = StunMessage.parse(hex(v.get("message_hex")));
        assertEquals(d.get("software").asText(), m.software());
        InetSocketAddress expected = new InetSocketAddress(
                InetAddress.getByName(d.get("mapped_address").asText()), d.get("mapped_port").asInt());
        assertEquals(expected, m.xorMappedAddress());
        assertEquals(d.get("mapped_family").asText().equals("IPv4") ? 4 : 16,
                m.xorMappedAddress().getAddress().getAddress().length);
        JsonNode attrDecoded = v.get("attributes").get(1).get("decoded");
        assertEquals(attrDecoded.get("port").asInt(), m.xorMappedAddress().getPort());
        assertNull(m.username());
        assertFalse(m.priority().isPresent());
        assertEquals(d.get("message_integrity_hex").asText(), toHex(m.attributeValue(StunAttributeType.MESSAGE_INTEGRITY)));
        assertEquals(d.get("fingerprint_hex").asText(), toHex(m.attributeValue(StunAttributeType.FINGERPRINT)));
    }

    @Test
    void longTermRequestDecodedValues() throws Exception {
        JsonNode v = vector("sample_request_long_term_auth");
        JsonNode d = v.get("decoded");
        StunMessage m = StunMessage.parse(hex(v.get("message_hex")));
        assertEquals(d.get("username").asText(), m.username());
        assertEquals("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", m.username());
        assertEquals(d.get("username_utf8_hex").asText(), toHex(m.attributeValue(StunAttributeType.USERNAME)));
        assertEquals(d.get("realm").asText(), m.realm());
        assertEquals(d.get("nonce").asText(), m.nonce());
        assertEquals(d.get("message_integrity_hex").asText(), toHex(m.attributeValue(StunAttributeType.MESSAGE_INTEGRITY)));
        assertFalse(d.get("has_fingerprint").asBoolean());
        assertFalse(m.hasFingerprint());
        assertFalse(m.verifyFingerprint());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample_request", "sample_ipv4_response", "sample_ipv6_response"})
    void shortTermIntegrityPassesWithTheRightKeyOnly(String name) throws Exception {
        JsonNode v = vector(name);
        String password = v.get("decoded").get("password").asText();
        StunMessage m = StunMessage.parse(hex(v.get("message_hex")));
        assertTrue(m.verifyMessageIntegrity(password.getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(password)));
        assertFalse(m.verifyMessageIntegrity(WRONG_PASSWORD.getBytes(StandardCharsets.UTF_8)));
        assertFalse(m.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(WRONG_PASSWORD)));
        assertFalse(m.verifyMessageIntegrity(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample_request", "sample_ipv4_response", "sample_ipv6_response"})
    void fingerprintPassesAndFailsWhenAnyCoveredByteChanges(String name) throws Exception {
        JsonNode v = vector(name);
        byte[] bytes = hex(v.get("message_hex"));
        assertTrue(StunMessage.parse(bytes).verifyFingerprint());

        // The fingerprint value itself altered.
        byte[] badValue = bytes.clone();
        badValue[badValue.length - 1] ^= 0x01;
        assertFalse(StunMessage.parse(badValue).verifyFingerprint());

        // A byte of the SOFTWARE value altered: still a well-formed message, but CRC and HMAC
        // both cover it, so both checks must fail.
        String password = v.get("decoded").get("password").asText();
        StunMessage original = StunMessage.parse(bytes);
        StunAttribute software = original.attribute(StunAttributeType.SOFTWARE);
        byte[] changed = bytes.clone();
        changed[software.valueOffset()] ^= 0x20;
        StunMessage tampered = StunMessage.parse(changed);
        assertFalse(tampered.verifyFingerprint());
        assertFalse(tampered.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(password)));
    }

    @Test
    void paddingContentIsIgnoredByTheDecoder() throws Exception {
        // RFC 5769 §2.2 pads SOFTWARE "test vector" with one 0x20; any byte there decodes the same.
        JsonNode v = vector("sample_ipv4_response");
        byte[] bytes = hex(v.get("message_hex"));
        StunAttribute software = StunMessage.parse(bytes).attribute(StunAttributeType.SOFTWARE);
        int pad = software.valueOffset() + software.length();
        assertEquals(0x20, bytes[pad]);
        bytes[pad] = (byte) 0xFF;
        StunMessage m = StunMessage.parse(bytes);
        assertEquals("test vector", m.software());
        assertFalse(m.verifyMessageIntegrity(MessageIntegrityKey.shortTerm(v.get("decoded").get("password").asText())));
    }

    @Test
    void longTermIntegrityWithTheKeyFromTheVector() throws Exception {
        JsonNode v = vector("sample_request_long_term_auth");
        JsonNode d = v.get("decoded");
        byte[] expectedKey = hex(d.get("long_term_key_md5_hex"));
        // The key is MD5 over the SASLprep'd password ("TheMatrIX"), RFC 5389 §15.4.
        byte[] key = MessageIntegrityKey.longTermKeyBytes(d.get("username").asText(), d.get("realm").asText(),
                d.get("password_after_saslprep").asText());
        assertArrayEquals(expectedKey, key);

        StunMessage m = StunMessage.parse(hex(v.get("message_hex")));
        assertTrue(m.verifyMessageIntegrity(expectedKey));
        assertTrue(m.verifyMessageIntegrity(MessageIntegrityKey.of(expectedKey)));
        assertTrue(m.verifyMessageIntegrity(MessageIntegrityKey.longTerm(d.get("username").asText(),
                d.get("realm").asText(), d.get("password_after_saslprep").asText())));

        // Without SASLprep the key is different and integrity fails.
        String unprepared = new String(hex(d.get("password_before_saslprep_utf8_hex")), StandardCharsets.UTF_8);
        assertFalse(m.verifyMessageIntegrity(MessageIntegrityKey.longTerm(d.get("username").asText(),
                d.get("realm").asText(), unprepared)));
        // The password alone as a short-term key is wrong too.
        assertFalse(m.verifyMessageIntegrity("TheMatrIX".getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample_request", "sample_ipv4_response", "sample_ipv6_response",
            "sample_request_long_term_auth"})
    void vectorsPassTheDemuxTestAndParseAtAnOffset(String name) throws Exception {
        byte[] bytes = hex(vector(name).get("message_hex"));
        byte[] framed = new byte[bytes.length + 7];
        System.arraycopy(bytes, 0, framed, 3, bytes.length);
        assertTrue(StunMessage.looksLikeStun(framed, 3, bytes.length));
        StunMessage m = StunMessage.parse(framed, 3, bytes.length);
        assertArrayEquals(bytes, m.toByteArray());
        // The message owns a copy: later reuse of the caller's buffer does not affect it.
        java.util.Arrays.fill(framed, (byte) 0);
        assertArrayEquals(bytes, m.toByteArray());
    }
}
