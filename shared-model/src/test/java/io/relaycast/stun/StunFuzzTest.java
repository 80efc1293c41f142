package io.relaycast.stun;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.FuzzBudget;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzzing of the STUN parser (docs/fuzzing.md). What {@link StunMessage#parse}
 * promises: a datagram is accepted or refused with {@link StunException}, nothing else; an
 * accepted message keeps exactly the bytes it was given, passes the RFC 7983 demultiplexing test
 * whenever its first byte is 0-3, and every accessor and both integrity checks run on it.
 */
class StunFuzzTest {
    private static final MessageIntegrityKey KEY = MessageIntegrityKey.shortTerm("VOkJxbRl1RmTxUk/WvJxBt");

    /** RFC 5769's four messages and one of each kind the ICE agents write. */
    static List<byte[]> seeds() throws UnknownHostException {
        List<byte[]> seeds = new ArrayList<>();
        for (JsonNode v : TestVectors.json("stun-rfc5769.json").get("vectors")) {
            seeds.add(TestVectors.hex(v.get("message_hex")));
        }
        Random r = new Random(7);
        seeds.add(StunMessageWriter.bindingRequest(TransactionId.random(r)).username("abcd:efgh").priority(12345)
                .iceControlling(r.nextLong()).useCandidate().messageIntegrity(KEY).fingerprint().toByteArray());
        seeds.add(StunMessageWriter.bindingSuccess(TransactionId.random(r))
                .xorMappedAddress(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443))
                .mappedAddress(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 50000))
                .messageIntegrity(KEY).fingerprint().toByteArray());
        seeds.add(StunMessageWriter.bindingError(TransactionId.random(r), 420).unknownAttributes(0x7000, 0x0031)
                .realm("example.org").nonce("abc").fingerprint().toByteArray());
        return seeds;
    }

    @MethodSource("seeds")
    @FuzzTest
    void parse(byte[] datagram) {
        FuzzBudget.run(datagram.length, () -> {
            StunMessage m;
            try {
                m = StunMessage.parse(datagram, 0, datagram.length);
            } catch (StunException refused) {
                return;
            }
            if (!Arrays.equals(datagram, m.toByteArray()) || m.length() != datagram.length) {
                throw new AssertionError("accepted message does not keep its bytes");
            }
            if ((datagram[0] & 0xff) <= 3 && !StunMessage.looksLikeStun(datagram, 0, datagram.length)) {
                throw new AssertionError("parsed but fails the demultiplexing test");
            }
            m.verifyMessageIntegrity(KEY);
            m.verifyMessageIntegrity(new byte[] {1, 2, 3});
            m.verifyFingerprint();
            m.toString();
            m.method();
            m.stunClass();
            m.messageType();
            m.transactionId();
            m.username();
            m.software();
            m.realm();
            m.nonce();
            m.priority();
            m.useCandidate();
            m.iceControlling();
            m.iceControlled();
            m.xorMappedAddress();
            m.mappedAddress();
            m.error();
            m.reportedUnknownAttributes();
            m.unknownComprehensionRequired();
            for (StunAttribute a : m.attributes()) {
                byte[] value = m.attributeValue(a.type());
                if (value == null || a.valueOffset() + a.length() > datagram.length) {
                    throw new AssertionError("attribute " + a + " outside the message");
                }
            }
        });
    }
}
