package io.relaycast.node.relay;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.testing.FuzzBudget;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Coverage-guided fuzzing of the relay frame format (docs/fuzzing.md), as a node reads what
 * another node (or anything that reaches the event bus) sends it: the event-bus codec's wire
 * decoding, then the header and every record with the accessors its type uses. What
 * {@link RelayFrameReader} promises: a frame is read or refused with
 * {@link RelayFrameException}, nothing else; no accessor reads outside the frame; a record's
 * packet is handed on within it (and then refused or parsed by the RTP parser).
 */
class RelayFrameFuzzTest {

    /** Frames of every record type, as RelayFrameWriter writes them. */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        Random r = new Random(3);
        byte[] rtp = new byte[200];
        r.nextBytes(rtp);
        rtp[0] = (byte) 0x80;
        RelayFrameWriter w = new RelayFrameWriter(RelayLink.MAX_FRAME_BYTES, 1, 0, "bus-1", "node-a");
        w.packet(RelayFrame.RTP, 7, rtp, 0, 120);
        w.packet(RelayFrame.RETRANSMISSION, 8, rtp, 0, 60);
        w.senderReport(7, 0x1122334455667788L, 0xfedcba98L);
        seeds.add(w.finish(1, 0, 10).bytes());
        w.subscribe(9, "room-1".getBytes(StandardCharsets.UTF_8), "peer/0~q".getBytes(StandardCharsets.UTF_8));
        w.streamOnly(RelayFrame.UNSUBSCRIBE, 9);
        w.streamOnly(RelayFrame.KEYFRAME_REQUEST, 7);
        w.nack(7, new int[]{1, 65535, 300}, 3);
        w.liveLayers(7, 0b011);
        seeds.add(w.finish(2, 1, 20).bytes());
        seeds.add(w.finish(3, 2, 0).bytes()); // header only: an ack
        return seeds;
    }

    @MethodSource("seeds")
    @FuzzTest
    void read(byte[] input) {
        FuzzBudget.run(input.length, () -> {
            // As the event bus delivers it: a length-prefixed frame in a buffer.
            Buffer wire = Buffer.buffer().appendInt(input.length).appendBytes(input);
            RelayFrame frame = new RelayFrameCodec().decodeFromWire(0, wire);
            if (frame.length() != input.length) {
                throw new AssertionError("the codec changed the frame's length");
            }
            RelayFrameReader reader = new RelayFrameReader();
            try {
                reader.wrap(frame.bytes(), 0, frame.length());
                int[] nacks = new int[64];
                while (reader.next()) {
                    readRecord(reader, frame.length(), nacks);
                }
            } catch (RelayFrameException refused) {
                // a clear refusal, counted by the endpoint as a malformed frame
            }
        });
    }

    private static void readRecord(RelayFrameReader reader, int frameLength, int[] nacks) throws RelayFrameException {
        switch (reader.type()) {
            case RelayFrame.RTP, RelayFrame.RETRANSMISSION -> {
                reader.stream();
                int off = reader.packetOffset();
                int len = reader.packetLength();
                if (off < 0 || len < 0 || off + len > frameLength) {
                    throw new AssertionError("packet " + off + "+" + len + " outside a frame of " + frameLength);
                }
                try {
                    new RtpHeader().wrap(reader.buffer(), off, len);
                } catch (RtpException refused) {
                    // the endpoint drops it as malformed RTP
                }
            }
            case RelayFrame.SENDER_REPORT -> {
                reader.stream();
                reader.ntp();
                reader.rtpTimestamp();
            }
            case RelayFrame.SUBSCRIBE -> {
                reader.stream();
                reader.subscribeRoom();
                reader.subscribeTrack();
            }
            case RelayFrame.NACK -> {
                reader.stream();
                int n = reader.nackSequences(nacks);
                if (n < 0 || n > nacks.length) {
                    throw new AssertionError("NACK count " + n);
                }
            }
            case RelayFrame.LIVE_LAYERS -> {
                reader.stream();
                int mask = reader.liveLayerMask();
                if (mask < 0 || mask > 0xff) {
                    throw new AssertionError("live layer mask " + mask);
                }
            }
            default -> reader.stream();
        }
    }
}
