package io.relaycast.stun;

import io.relaycast.testing.HostileInputs;
import io.relaycast.testing.TestVectors;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** 100 000 mutated messages: the parser may accept or throw StunException, nothing else. */
class StunHostileInputTest {

    @Test
    void onlyStunExceptionEscapes() throws Exception {
        List<byte[]> corpus = new ArrayList<>();
        for (JsonNode v : TestVectors.json("stun-rfc5769.json").get("vectors")) {
            corpus.add(TestVectors.hex(v.get("message_hex")));
        }
        Random r = new Random(7);
        MessageIntegrityKey key = MessageIntegrityKey.shortTerm("VOkJxbRl1RmTxUk/WvJxBt");
        corpus.add(StunMessageWriter.bindingRequest(TransactionId.random(r)).username("abcd:efgh").priority(12345)
                .iceControlling(r.nextLong()).useCandidate().messageIntegrity(key).fingerprint().toByteArray());
        corpus.add(StunMessageWriter.bindingSuccess(TransactionId.random(r))
                .xorMappedAddress(new InetSocketAddress(InetAddress.getByName("2001:db8::1"), 443))
                .mappedAddress(new InetSocketAddress(InetAddress.getByName("198.51.100.7"), 50000))
                .messageIntegrity(key).fingerprint().toByteArray());
        corpus.add(StunMessageWriter.bindingError(TransactionId.random(r), 420).unknownAttributes(0x7000, 0x0031)
                .realm("example.org").nonce("abc").fingerprint().toByteArray());

        HostileInputs.Outcome outcome = HostileInputs.check(20240601L, 100_000, corpus, StunException.class, input -> {
            boolean demux = StunMessage.looksLikeStun(input, 0, input.length);
            StunMessage m = StunMessage.parse(input, 0, input.length);
            // Whatever parses must also survive every accessor and both checks.
            assertTrue(demux || input[0] > 3 || input[0] < 0, "parsed but failed the demux test");
            m.verifyMessageIntegrity(key);
            m.verifyFingerprint();
            m.toString();
            m.unknownComprehensionRequired();
            m.reportedUnknownAttributes();
            for (StunAttribute a : m.attributes()) {
                m.attributeValue(a.type());
            }
        });
        // Both paths must be exercised, or the test proves nothing.
        assertTrue(outcome.accepted() > 1_000, "accepted " + outcome.accepted());
        assertTrue(outcome.rejected() > 10_000, "rejected " + outcome.rejected());
    }
}
