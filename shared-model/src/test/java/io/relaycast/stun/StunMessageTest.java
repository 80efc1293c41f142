package io.relaycast.stun;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writer round trips, structural rejections and the demux test. */
class StunMessageTest {
    private static final MessageIntegrityKey KEY = MessageIntegrityKey.shortTerm("0123456789abcdefghijklmn");
    private final Random random = new Random(42);

    private static InetSocketAddress addr(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void bindingRequestRoundTrip() throws Exception {
        TransactionId tx = TransactionId.random(random);
        byte[] bytes = StunMessageWriter.bindingRequest(tx)
                .username("remoteUfrag:localUfrag")
                .priority(0xFFFFFFFFL)
                .iceControlling(0x8000000000000001L)
                .useCandidate()
                .software("relaycast")
                .messageIntegrity(KEY)
                .fingerprint()
                .toByteArray();
        StunMessage m = StunMessage.parse(bytes);
        assertTrue(m.isBindingRequest());
        assertEquals(0x0001, m.messageType());
        assertEquals(tx, m.transactionId());
        assertEquals("remoteUfrag:localUfrag", m.username());
        assertEquals(0xFFFFFFFFL, m.priority().getAsLong());
        assertEquals(0x8000000000000001L, m.iceControlling().getAsLong());
        assertFalse(m.iceControlled().isPresent());
        assertTrue(m.useCandidate());
        assertEquals("relaycast", m.software());
        assertTrue(m.verifyMessageIntegrity(KEY));
        assertTrue(m.verifyMessageIntegrity("0123456789abcdefghijklmn".getBytes()));
        assertFalse(m.verifyMessageIntegrity(MessageIntegrityKey.shortTerm("0123456789abcdefghijklmX")));
        assertTrue(m.verifyFingerprint());
        // Layout: USERNAME 22 bytes padded to 24; M-I then FINGERPRINT last.
        assertEquals(StunAttributeType.FINGERPRINT, m.attributes().get(m.attributes().size() - 1).type());
        assertEquals(StunAttributeType.MESSAGE_INTEGRITY, m.attributes().get(m.attributes().size() - 2).type());
        assertEquals(20 + 28 + 8 + 12 + 4 + 16 + 24 + 8, bytes.length);
    }

    @Test
    void successResponseRoundTripIpv4AndIpv6() throws Exception {
        for (InetSocketAddress a : new InetSocketAddress[]{addr("192.0.2.1", 32853), addr("203.0.113.200", 1),
                addr("2001:db8:1234:5678:11:2233:4455:6677", 32853), addr("::1", 65535)}) {
            TransactionId tx = TransactionId.random(random);
            byte[] bytes = StunMessageWriter.bindingSuccess(tx).xorMappedAddress(a).mappedAddress(a)
                    .messageIntegrity(KEY).fingerprint().toByteArray();
            StunMessage m = StunMessage.parse(bytes);
            assertTrue(m.isBindingSuccess());
            assertEquals(0x0101, m.messageType());
            assertEquals(a, m.xorMappedAddress());
            assertEquals(a, m.mappedAddress());
            assertTrue(m.verifyMessageIntegrity(KEY));
            assertTrue(m.verifyFingerprint());
            // XOR really obscures the address: the raw value bytes differ from the plain ones.
            assertFalse(java.util.Arrays.equals(m.attributeValue(StunAttributeType.XOR_MAPPED_ADDRESS),
                    m.attributeValue(StunAttributeType.MAPPED_ADDRESS)));
        }
    }

    @Test
    void errorResponseRoundTrip() throws Exception {
        TransactionId tx = TransactionId.random(random);
        byte[] bytes = StunMessageWriter.bindingError(tx, StunError.UNKNOWN_ATTRIBUTE)
                .unknownAttributes(0x0031, 0x7FFF, 0x001C)
                .fingerprint().toByteArray();
        StunMessage m = StunMessage.parse(bytes);
        assertTrue(m.isBindingError());
        assertEquals(0x0111, m.messageType());
        assertEquals(new StunError(420, "Unknown Attribute"), m.error());
        assertArrayEquals(new int[]{0x0031, 0x7FFF, 0x001C}, m.reportedUnknownAttributes());
        assertFalse(m.hasMessageIntegrity());
        assertFalse(m.verifyMessageIntegrity(KEY));
        assertTrue(m.verifyFingerprint());

        StunMessage conflict = StunMessage.parse(StunMessageWriter.bindingError(tx, 487).toByteArray());
        assertEquals(487, conflict.error().code());
        assertEquals("Role Conflict", conflict.error().reason());
        StunMessage odd = StunMessage.parse(StunMessageWriter.bindingError(tx, 699).toByteArray());
        assertEquals(699, odd.error().code());
    }

    @Test
    void writeToAtAnOffsetAndIndicationAndOtherMethods() throws Exception {
        TransactionId tx = TransactionId.random(random);
        StunMessageWriter w = StunMessageWriter.bindingIndication(tx).fingerprint();
        byte[] out = new byte[100];
        int n = w.writeTo(out, 17);
        assertEquals(w.length(), n);
        assertEquals(28, n);
        assertTrue(StunMessage.looksLikeStun(out, 17, n));
        StunMessage m = StunMessage.parse(out, 17, n);
        assertTrue(m.isBindingIndication());
        assertEquals(0x0011, m.messageType());
        assertTrue(m.verifyFingerprint());
        assertThrows(IndexOutOfBoundsException.class, () -> w.writeTo(new byte[27], 0));

        // Method bits are interleaved around the class bits (RFC 8489 §5): method 0xFFF.
        StunMessage all = StunMessage.parse(new StunMessageWriter(StunClass.ERROR_RESPONSE, 0xFFF, tx).toByteArray());
        assertEquals(0x3FFF, all.messageType());
        assertEquals(0xFFF, all.method());
        assertEquals(StunClass.ERROR_RESPONSE, all.stunClass());
        StunMessage allocate = StunMessage.parse(new StunMessageWriter(StunClass.SUCCESS_RESPONSE, 0x003, tx).toByteArray());
        assertEquals(0x0103, allocate.messageType());
        assertFalse(allocate.isBindingSuccess());
    }

    @Test
    void unknownAttributesAreKeptAndComprehensionRequiredOnesReported() throws Exception {
        TransactionId tx = TransactionId.random(random);
        byte[] bytes = StunMessageWriter.bindingRequest(tx)
                .attribute(0x7FF0, new byte[]{1, 2, 3})
                .attribute(0xC001, new byte[]{9})
                .attribute(0x7FF0, new byte[]{4})
                .attribute(0x001C, new byte[0]) // not MESSAGE-INTEGRITY-SHA256 position-wise, but length 0 is bad
                .toByteArray();
        assertThrows(StunException.class, () -> StunMessage.parse(bytes));

        byte[] ok = StunMessageWriter.bindingRequest(tx)
                .attribute(0x7FF0, new byte[]{1, 2, 3})
                .attribute(0xC001, new byte[]{9})
                .attribute(0x7FF0, new byte[]{4})
                .username("a:b")
                .toByteArray();
        StunMessage m = StunMessage.parse(ok);
        assertEquals(4, m.attributes().size());
        assertArrayEquals(new byte[]{1, 2, 3}, m.attributeValue(0x7FF0));
        assertArrayEquals(new byte[]{9}, m.attributeValue(0xC001));
        assertArrayEquals(new int[]{0x7FF0}, m.unknownComprehensionRequired());
        assertEquals("a:b", m.username());
    }

    @Test
    void repeatedAttributesUseTheFirst() throws Exception {
        byte[] bytes = StunMessageWriter.bindingRequest(TransactionId.random(random))
                .username("first:x").username("second:y").priority(1).priority(2).toByteArray();
        StunMessage m = StunMessage.parse(bytes);
        assertEquals("first:x", m.username());
        assertEquals(1, m.priority().getAsLong());
    }

    @Test
    void emptyKeyIsUsable() throws Exception {
        MessageIntegrityKey empty = MessageIntegrityKey.of(new byte[0]);
        StunMessage m = StunMessage.parse(StunMessageWriter.bindingRequest(TransactionId.random(random))
                .messageIntegrity(empty).toByteArray());
        assertTrue(m.verifyMessageIntegrity(empty));
        assertTrue(m.verifyMessageIntegrity(new byte[0]));
        assertFalse(m.verifyMessageIntegrity(KEY));
    }

    @Test
    void writerRefusesMisorderedAttributes() {
        StunMessageWriter w = StunMessageWriter.bindingRequest(TransactionId.random(random)).messageIntegrity(KEY);
        assertThrows(IllegalStateException.class, () -> w.username("x"));
        assertThrows(IllegalStateException.class, () -> w.messageIntegrity(KEY));
        w.fingerprint();
        assertThrows(IllegalStateException.class, w::fingerprint);
        assertThrows(IllegalArgumentException.class,
                () -> StunMessageWriter.bindingRequest(TransactionId.random(random)).priority(-1));
        assertThrows(IllegalArgumentException.class,
                () -> StunMessageWriter.bindingRequest(TransactionId.random(random)).errorCode(700, "x"));
    }

    // ---- rejections ----

    private byte[] validRequest() {
        return StunMessageWriter.bindingRequest(TransactionId.random(random)).username("abcd:efgh")
                .priority(7).messageIntegrity(KEY).fingerprint().toByteArray();
    }

    private static void assertRejected(byte[] bytes) {
        assertThrows(StunException.class, () -> StunMessage.parse(bytes));
    }

    @Test
    void headerRejections() throws Exception {
        byte[] ok = validRequest();
        StunMessage.parse(ok);

        assertRejected(java.util.Arrays.copyOf(ok, 19));
        byte[] topBits = ok.clone();
        topBits[0] |= 0x40;
        assertRejected(topBits);
        byte[] cookie = ok.clone();
        cookie[7] ^= 1;
        assertRejected(cookie);
        byte[] notMultipleOf4 = ok.clone();
        notMultipleOf4[3] += 1;
        assertRejected(notMultipleOf4);
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 4);
        assertRejected(longer); // length field no longer matches the datagram
        byte[] shorterField = ok.clone();
        shorterField[3] -= 4;
        assertRejected(shorterField);
    }

    @Test
    void attributeLayoutRejections() throws Exception {
        TransactionId tx = TransactionId.random(random);
        // Attribute after FINGERPRINT: append a USERNAME after a complete message by hand.
        byte[] fp = StunMessageWriter.bindingRequest(tx).fingerprint().toByteArray();
        assertRejected(appendAttribute(fp, StunAttributeType.USERNAME, new byte[]{'a', ':', 'b', 'c'}));
        // Attribute after MESSAGE-INTEGRITY other than FINGERPRINT.
        byte[] mi = StunMessageWriter.bindingRequest(tx).messageIntegrity(KEY).toByteArray();
        assertRejected(appendAttribute(mi, StunAttributeType.PRIORITY, new byte[4]));
        assertRejected(appendAttribute(mi, StunAttributeType.MESSAGE_INTEGRITY, new byte[20]));
        // MESSAGE-INTEGRITY-SHA256 may follow MESSAGE-INTEGRITY, then only FINGERPRINT.
        byte[] sha = appendAttribute(mi, StunAttributeType.MESSAGE_INTEGRITY_SHA256, new byte[32]);
        StunMessage withSha = StunMessage.parse(sha);
        assertTrue(withSha.verifyMessageIntegrity(KEY));
        assertArrayEquals(new int[]{StunAttributeType.MESSAGE_INTEGRITY_SHA256}, withSha.unknownComprehensionRequired());
        assertRejected(appendAttribute(sha, StunAttributeType.SOFTWARE, new byte[4]));
        assertRejected(appendAttribute(mi, StunAttributeType.MESSAGE_INTEGRITY_SHA256, new byte[12]));
        // Two FINGERPRINTs.
        assertRejected(appendAttribute(fp, StunAttributeType.FINGERPRINT, new byte[4]));
        // Attribute length running past the end.
        byte[] overrun = StunMessageWriter.bindingRequest(tx).username("abcd").toByteArray();
        overrun[23] = 8;
        assertRejected(overrun);
        // A dangling 2-byte tail cannot happen with a 4-aligned length, but a truncated header can.
        byte[] bare = StunMessageWriter.bindingRequest(tx).toByteArray();
        byte[] tail = java.util.Arrays.copyOf(bare, 24);
        tail[3] = 4; // length 4 with a 4-byte attribute header claiming 1 byte of value
        tail[22] = 0;
        tail[23] = 1;
        assertRejected(tail);
    }

    @Test
    void attributeValueRejections() {
        TransactionId tx = TransactionId.random(random);
        assertRejected(StunMessageWriter.bindingRequest(tx).attribute(StunAttributeType.PRIORITY, new byte[3]).toByteArray());
        assertRejected(StunMessageWriter.bindingRequest(tx).attribute(StunAttributeType.USE_CANDIDATE, new byte[1]).toByteArray());
        assertRejected(StunMessageWriter.bindingRequest(tx).attribute(StunAttributeType.ICE_CONTROLLING, new byte[4]).toByteArray());
        assertRejected(StunMessageWriter.bindingRequest(tx).attribute(StunAttributeType.ICE_CONTROLLED, new byte[9]).toByteArray());
        // XOR-MAPPED-ADDRESS: unknown family, family/length mismatch.
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.XOR_MAPPED_ADDRESS,
                new byte[]{0, 3, 0, 1, 1, 2, 3, 4}).toByteArray());
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.XOR_MAPPED_ADDRESS,
                new byte[]{0, 2, 0, 1, 1, 2, 3, 4}).toByteArray());
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.XOR_MAPPED_ADDRESS,
                new byte[]{0, 1}).toByteArray());
        // ERROR-CODE: class 2, number 100, too short.
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.ERROR_CODE,
                new byte[]{0, 0, 2, 0}).toByteArray());
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.ERROR_CODE,
                new byte[]{0, 0, 4, 100}).toByteArray());
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.ERROR_CODE,
                new byte[]{0, 0, 4}).toByteArray());
        // UNKNOWN-ATTRIBUTES with an odd length.
        assertRejected(StunMessageWriter.bindingSuccess(tx).attribute(StunAttributeType.UNKNOWN_ATTRIBUTES,
                new byte[]{0, 1, 2}).toByteArray());
        // USERNAME: malformed UTF-8 and over-long.
        assertRejected(StunMessageWriter.bindingRequest(tx).attribute(StunAttributeType.USERNAME,
                new byte[]{'a', (byte) 0xC3, ':', 'b'}).toByteArray());
        assertRejected(StunMessageWriter.bindingRequest(tx).attribute(StunAttributeType.USERNAME, new byte[513]).toByteArray());
        // Fixed-size MESSAGE-INTEGRITY and FINGERPRINT.
        byte[] shortMi = appendAttribute(StunMessageWriter.bindingRequest(tx).toByteArray(),
                StunAttributeType.MESSAGE_INTEGRITY, new byte[16]);
        assertRejected(shortMi);
        byte[] longFp = appendAttribute(StunMessageWriter.bindingRequest(tx).toByteArray(),
                StunAttributeType.FINGERPRINT, new byte[8]);
        assertRejected(longFp);
    }

    @Test
    void absentAttributesAreEmpty() throws Exception {
        StunMessage m = StunMessage.parse(StunMessageWriter.bindingRequest(TransactionId.random(random)).toByteArray());
        assertNull(m.username());
        assertNull(m.software());
        assertNull(m.realm());
        assertNull(m.nonce());
        assertNull(m.error());
        assertNull(m.xorMappedAddress());
        assertNull(m.mappedAddress());
        assertNull(m.reportedUnknownAttributes());
        assertNull(m.attribute(StunAttributeType.USERNAME));
        assertNull(m.attributeValue(StunAttributeType.USERNAME));
        assertFalse(m.priority().isPresent());
        assertFalse(m.useCandidate());
        assertFalse(m.hasMessageIntegrity());
        assertFalse(m.hasFingerprint());
        assertFalse(m.verifyFingerprint());
        assertEquals(0, m.attributes().size());
    }

    @Test
    void demuxTest() {
        byte[] stun = validRequest();
        assertTrue(StunMessage.looksLikeStun(stun, 0, stun.length));
        assertFalse(StunMessage.looksLikeStun(stun, 0, 19));
        byte[] dtls = stun.clone();
        dtls[0] = 22; // DTLS handshake content type
        assertFalse(StunMessage.looksLikeStun(dtls, 0, dtls.length));
        byte[] rtp = stun.clone();
        rtp[0] = (byte) 0x80;
        assertFalse(StunMessage.looksLikeStun(rtp, 0, rtp.length));
        byte[] four = stun.clone();
        four[0] = 4;
        assertFalse(StunMessage.looksLikeStun(four, 0, four.length));
        byte[] three = stun.clone();
        three[0] = 3;
        assertTrue(StunMessage.looksLikeStun(three, 0, three.length));
        byte[] noCookie = stun.clone();
        noCookie[4] = 0;
        assertFalse(StunMessage.looksLikeStun(noCookie, 0, noCookie.length));
    }

    /** Appends a raw attribute and fixes the length field, without recomputing anything. */
    static byte[] appendAttribute(byte[] msg, int type, byte[] value) {
        int padded = (value.length + 3) & ~3;
        byte[] out = java.util.Arrays.copyOf(msg, msg.length + 4 + padded);
        out[msg.length] = (byte) (type >>> 8);
        out[msg.length + 1] = (byte) type;
        out[msg.length + 2] = (byte) (value.length >>> 8);
        out[msg.length + 3] = (byte) value.length;
        System.arraycopy(value, 0, out, msg.length + 4, value.length);
        int length = out.length - 20;
        out[2] = (byte) (length >>> 8);
        out[3] = (byte) length;
        return out;
    }
}
