package io.relaycast.rtp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.testing.FuzzBudget;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzzing of the RTP header view and the in-place rewrites an SFU does when it
 * forwards (docs/fuzzing.md). What the code promises: {@link RtpHeader#wrap} accepts a packet or
 * throws {@link RtpException}; on an accepted packet the payload and every extension element lie
 * inside the packet, the fixed-field setters change only their own bytes, {@link
 * RtpHeader#remapExtensionIds} either writes nothing (one-byte form cannot carry the target) or
 * renames exactly the mapped elements in place and blanks the dropped ones, and the rewritten
 * packet still wraps with the same layout.
 */
class RtpFuzzTest {

    /** The RTP packets of rtcp-samples.json and a few built ones (padding, CSRCs, two-byte form). */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (JsonNode s : TestVectors.json("rtcp-samples.json").get("rtp_header_extensions")) {
            seeds.add(TestVectors.hex(s.get("hex")));
        }
        RtpWriter w = new RtpWriter().payloadType(100).sequenceNumber(7).timestamp(8).ssrc(9)
                .addCsrc(1).addCsrc(2).addAudioLevel(1, false, 127).padding(3);
        seeds.add(write(w, 20));
        w.reset().twoByteExtensions(true).addExtension(200, new byte[30], 0, 30).addTransportSequenceNumber(2, 1);
        seeds.add(write(w, 5));
        w.reset().payloadType(111).ssrc(0x01020304).addTransportSequenceNumber(3, 65535).addAbsSendTime(2, 0x123456);
        seeds.add(write(w, 0));
        return seeds;
    }

    private static byte[] write(RtpWriter w, int payloadLength) {
        byte[] out = new byte[w.length(payloadLength)];
        w.writeTo(out, 0, new byte[payloadLength], 0, payloadLength);
        return out;
    }

    @MethodSource("seeds")
    @FuzzTest
    void parseAndRewrite(byte[] input) {
        FuzzBudget.run(input.length, () -> check(input));
    }

    private static void check(byte[] input) {
        // Wrap at an offset inside a larger buffer, as a receive path does.
        byte[] buf = new byte[input.length + 16];
        System.arraycopy(input, 0, buf, 5, input.length);
        RtpHeader h = new RtpHeader();
        try {
            h.wrap(buf, 5, input.length);
        } catch (RtpException refused) {
            return;
        }
        Layout before = Layout.of(h);
        before.checkInside(h);
        readEverything(h);

        // The rewrite parameters come from the packet itself, so an input reproduces alone.
        Random r = new Random(Arrays.hashCode(input));
        RtpExtensionIdMap map = new RtpExtensionIdMap();
        int changes = r.nextInt(6);
        for (int i = 0; i < changes; i++) {
            int from = 1 + r.nextInt(h.twoByteExtensions() ? 255 : 15);
            if (r.nextInt(4) == 0) {
                map.drop(from);
            } else {
                map.map(from, 1 + r.nextInt(r.nextBoolean() ? 14 : 255));
            }
        }
        byte[] original = buf.clone();
        try {
            h.remapExtensionIds(map);
            checkRemapped(before, map, buf, h);
        } catch (RtpException refused) {
            if (!Arrays.equals(original, buf)) {
                throw new AssertionError("a refused remap wrote to the packet");
            }
            if (!h.oneByteExtensions()) {
                throw new AssertionError("only the one-byte form may refuse a remap");
            }
        }

        // Fixed fields: only bytes 1..11 of the header may change.
        byte[] beforeFixed = buf.clone();
        int pt = r.nextInt(128);
        int seq = r.nextInt();
        int ts = r.nextInt();
        int ssrc = r.nextInt();
        boolean marker = r.nextBoolean();
        h.setPayloadType(pt);
        h.setSequenceNumber(seq);
        h.setTimestamp(ts);
        h.setSsrc(ssrc);
        h.setMarker(marker);
        for (int i = 0; i < buf.length; i++) {
            if ((i < 6 || i > 16) && buf[i] != beforeFixed[i]) {
                throw new AssertionError("fixed-field rewrite touched byte " + (i - 5));
            }
        }
        RtpHeader again = rewrap(buf, input.length);
        if (again.payloadType() != pt || again.sequenceNumber() != (seq & 0xffff) || again.timestamp() != ts
                || again.ssrc() != ssrc || again.marker() != marker) {
            throw new AssertionError("rewritten fixed fields do not read back");
        }
        if (!Layout.of(again).equals(Layout.of(h))) {
            throw new AssertionError("fixed-field rewrite moved the layout");
        }

        // transport-cc renumbering and removal, on whatever ids the packet has.
        RtpExtensionElements e = again.extensionElements();
        List<Integer> ids = new ArrayList<>();
        while (e.next()) {
            ids.add(e.id());
        }
        for (int id : ids) {
            try {
                int n = r.nextInt(1 << 16);
                if (again.setTransportSequenceNumber(id, n) && again.transportSequenceNumber(id) != n) {
                    throw new AssertionError("transport-cc number does not read back");
                }
            } catch (RtpException wrongLength) {
                // not a 2-byte element
            }
        }
        if (!ids.isEmpty()) {
            int id = ids.get(r.nextInt(ids.size()));
            if (!again.removeExtension(id) || again.hasExtensionElement(id)) {
                throw new AssertionError("extension " + id + " not removed");
            }
            rewrap(buf, input.length);
        }
    }

    private static RtpHeader rewrap(byte[] buf, int length) {
        try {
            return new RtpHeader().wrap(buf, 5, length);
        } catch (RtpException e) {
            throw new AssertionError("a rewritten packet no longer wraps", e);
        }
    }

    private static void checkRemapped(Layout before, RtpExtensionIdMap map, byte[] buf, RtpHeader h) {
        RtpHeader after = rewrap(buf, h.length());
        Layout now = Layout.of(after);
        if (now.headerLength != before.headerLength || now.payloadLength != before.payloadLength) {
            throw new AssertionError("remap moved the payload");
        }
        // The surviving elements, in order, at the same places with the same data, renamed.
        List<int[]> expected = new ArrayList<>();
        for (int[] el : before.elements) {
            int to = map.target(el[0]);
            if (to != RtpExtensionIdMap.DROP) {
                expected.add(new int[] {to, el[1], el[2], el[3]});
            }
        }
        if (expected.size() != now.elements.size()) {
            throw new AssertionError("remap kept " + now.elements.size() + " elements, expected " + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), now.elements.get(i))) {
                throw new AssertionError("element " + i + " is " + Arrays.toString(now.elements.get(i))
                        + ", expected " + Arrays.toString(expected.get(i)));
            }
        }
    }

    /**
     * Touches every reader with the ids the packet has and the boundary ids (an absent one must
     * read as absent); value-length complaints are legitimate.
     */
    private static void readEverything(RtpHeader h) {
        for (int i = 0; i < h.csrcCount(); i++) {
            h.csrc(i);
        }
        byte[] scratch = new byte[256];
        BitSet ids = new BitSet(256);
        ids.set(1);
        ids.set(14);
        ids.set(15);
        ids.set(255);
        RtpExtensionElements elements = h.extensionElements();
        while (elements.next()) {
            ids.set(elements.id());
        }
        for (int id = ids.nextSetBit(0); id >= 0; id = ids.nextSetBit(id + 1)) {
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
            } catch (RtpException ignored) {
                // wrong length for this reader
            }
            try {
                int n = h.readExtension(id, scratch, 0);
                if (n >= 0 && !h.extensionEquals(id, scratch, 0, n)) {
                    throw new AssertionError("extension " + id + " does not equal its own value");
                }
            } catch (RtpException e) {
                throw new AssertionError("a 256-byte buffer holds every element value", e);
            }
        }
    }

    /** Where things are in a wrapped packet; elements as {id, element offset, data offset, data length}. */
    private record Layout(int headerLength, int payloadOffset, int payloadLength, int paddingLength,
                          List<int[]> elements) {
        static Layout of(RtpHeader h) {
            List<int[]> elements = new ArrayList<>();
            RtpExtensionElements e = h.extensionElements();
            while (e.next()) {
                elements.add(new int[] {e.id(), e.elementOffset(), e.dataOffset(), e.dataLength()});
            }
            return new Layout(h.headerLength(), h.payloadOffset(), h.payloadLength(), h.paddingLength(), elements);
        }

        void checkInside(RtpHeader h) {
            int end = h.offset() + h.length();
            if (payloadLength < 0 || payloadOffset < h.offset() + headerLength || payloadOffset + payloadLength > end
                    || payloadOffset + payloadLength + paddingLength != end) {
                throw new AssertionError("payload outside the packet: " + this);
            }
            for (int[] el : elements) {
                if (el[1] < h.extensionDataOffset() || el[2] + el[3] > h.extensionDataOffset() + h.extensionDataLength()) {
                    throw new AssertionError("element outside the extension block: " + Arrays.toString(el));
                }
            }
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Layout l) || l.elements.size() != elements.size()) {
                return false;
            }
            for (int i = 0; i < elements.size(); i++) {
                if (!Arrays.equals(elements.get(i), l.elements.get(i))) {
                    return false;
                }
            }
            return headerLength == l.headerLength && payloadOffset == l.payloadOffset
                    && payloadLength == l.payloadLength && paddingLength == l.paddingLength;
        }

        @Override
        public int hashCode() {
            return headerLength;
        }
    }
}
