package io.relaycast.rtp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.HostileInputs;
import io.relaycast.testing.TestVectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 100 000 mutated RTP packets: wrapping, reading every accessor and value, iterating the
 * elements and rewriting ids must either work or throw {@link RtpException}.
 */
class RtpHostileInputTest {
    private static final RtpExtensionIdMap SHUFFLE = new RtpExtensionIdMap()
            .map(1, 14).map(14, 1).map(2, 200).drop(3).map(12, 13);

    @Test
    void onlyRtpExceptionEscapes() {
        List<byte[]> corpus = new ArrayList<>();
        for (JsonNode s : TestVectors.json("rtcp-samples.json").get("rtp_header_extensions")) {
            corpus.add(TestVectors.hex(s.get("hex")));
        }
        RtpWriter w = new RtpWriter().payloadType(100).sequenceNumber(7).timestamp(8).ssrc(9)
                .addCsrc(1).addCsrc(2).addAudioLevel(1, false, 127).padding(3);
        byte[] withPadding = new byte[w.length(20)];
        w.writeTo(withPadding, 0, new byte[20], 0, 20);
        corpus.add(withPadding);
        w.reset().twoByteExtensions(true).addExtension(200, new byte[30], 0, 30).addTransportSequenceNumber(2, 1);
        byte[] twoByte = new byte[w.length(5)];
        w.writeTo(twoByte, 0, new byte[5], 0, 5);
        corpus.add(twoByte);

        RtpHeader h = new RtpHeader();
        byte[] scratch = new byte[32];
        HostileInputs.Outcome outcome = HostileInputs.check(0x0072_7470L, 100_000, corpus, RtpException.class,
                input -> {
                    // Parse at an offset inside a larger buffer, as a receive path does.
                    byte[] buf = Arrays.copyOf(input, input.length + 8);
                    h.wrap(buf, 0, input.length);
                    exercise(h, scratch);
                });
        assertTrue(outcome.accepted() > 1_000 && outcome.rejected() > 1_000, outcome.toString());
    }

    /** Touches every reader; value-length complaints are legitimate and do not stop the tour. */
    private static void exercise(RtpHeader h, byte[] scratch) throws RtpException {
        long sum = h.version() + h.payloadType() + h.sequenceNumber() + h.timestamp() + h.ssrc()
                + h.headerLength() + h.payloadOffset() + h.payloadLength() + h.paddingLength()
                + h.extensionProfile() + h.extensionDataLength() + (h.marker() ? 1 : 0);
        for (int i = 0; i < h.csrcCount(); i++) {
            sum += h.csrc(i);
        }
        if (h.payloadLength() < 0 || h.payloadOffset() + h.payloadLength() > h.offset() + h.length()) {
            throw new AssertionError("payload outside the packet: " + sum);
        }
        RtpExtensionElements e = h.extensionElements();
        while (e.next()) {
            if (e.dataOffset() + e.dataLength() > h.payloadOffset()) {
                throw new AssertionError("element outside the header");
            }
        }
        for (int id = 1; id <= 15; id++) {
            try {
                h.audioLevel(id);
            } catch (RtpException ignored) {
                // wrong length for this reader
            }
            try {
                h.absSendTime(id);
            } catch (RtpException ignored) {
                // wrong length for this reader
            }
            try {
                h.transportSequenceNumber(id);
                h.setTransportSequenceNumber(id, 1);
            } catch (RtpException ignored) {
                // wrong length for this reader
            }
            try {
                h.readExtension(id, scratch, 0);
            } catch (RtpException ignored) {
                // longer than the scratch buffer
            }
        }
        h.removeExtension(5);
        h.remapExtensionIds(SHUFFLE);
        h.setPayloadType(h.payloadType() ^ 1);
        h.setSequenceNumber(h.sequenceNumber() + 1);
    }
}
