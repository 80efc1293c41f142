package io.relaycast.node.whip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sdp.SdpException;
import io.relaycast.testing.FuzzBudget;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Coverage-guided fuzzing of the WHIP/WHEP PATCH body (RFC 9725 §4.3.1, an
 * application/trickle-ice-sdpfrag of RFC 8840 §9), as WhipEndpoints reads it: parsed or refused
 * with {@link SdpException}, nothing else, within the line limit. (The offer a WHIP POST
 * carries is an SDP offer, fuzzed by shared-model's SdpFuzzTest.)
 */
class TrickleFragmentFuzzTest {

    static List<byte[]> seeds() {
        return List.of(("a=ice-ufrag:EsAw\r\na=ice-pwd:P2uYro0UCOQ4zxjKXaWCBui1\r\nm=audio 9 RTP/AVP 0\r\na=mid:0\r\n"
                        + "a=candidate:1387637174 1 udp 2122260223 192.0.2.1 61764 typ host generation 0 ufrag EsAw network-id 1\r\n"
                        + "a=candidate:3471623853 1 udp 2122194687 198.51.100.2 61765 typ host generation 0 ufrag EsAw network-id 2\r\n"
                        + "a=candidate:473322822 1 tcp 1518280447 192.0.2.1 9 typ host tcptype active generation 0 ufrag EsAw network-id 1\r\n"
                        + "a=end-of-candidates\r\n").getBytes(StandardCharsets.UTF_8),
                "a=ice-ufrag:x\na=ice-pwd:y\n".getBytes(StandardCharsets.UTF_8));
    }

    @MethodSource("seeds")
    @FuzzTest
    void parse(byte[] input) {
        String body = new String(input, StandardCharsets.UTF_8);
        FuzzBudget.run(input.length, FuzzBudget.TEXT_BYTES_PER_INPUT_BYTE, () -> {
            TrickleFragment f;
            try {
                f = TrickleFragment.parse(body);
            } catch (SdpException refused) {
                return;
            }
            if (f.candidates().size() > TrickleFragment.MAX_LINES) {
                throw new AssertionError("more candidates than lines allowed: " + f.candidates().size());
            }
        });
    }
}
