package io.relaycast.node.relay;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayFrameTest {

    private static RelayFrameWriter writer() {
        return new RelayFrameWriter(RelayLink.MAX_FRAME_BYTES, 3, 1, "0b6e5c2a-bus", "node-a");
    }

    @Test
    void everyRecordTypeRoundTrips() throws Exception {
        RelayFrameWriter w = writer();
        byte[] rtp = new byte[300];
        new Random(1).nextBytes(rtp);
        w.packet(RelayFrame.RTP, 7, rtp, 10, 200);
        w.packet(RelayFrame.RETRANSMISSION, 8, rtp, 0, 12);
        w.senderReport(7, 0x1122334455667788L, 0xfedcba98L);
        w.subscribe(9, "room-1".getBytes(StandardCharsets.UTF_8), "peer/track".getBytes(StandardCharsets.UTF_8));
        w.streamOnly(RelayFrame.UNSUBSCRIBE, 9);
        w.streamOnly(RelayFrame.KEYFRAME_REQUEST, 7);
        w.nack(7, new int[]{1, 65535, 300}, 3);
        w.liveLayers(7, 0b101);
        assertEquals(8, w.records());
        RelayFrame f = w.finish(42, 41, 1234);
        assertEquals(0, w.records(), "the writer is empty for the next batch");

        // Through the codec, as the clustered event bus carries it.
        RelayFrameCodec codec = new RelayFrameCodec();
        Buffer wire = Buffer.buffer().appendString("xx");
        codec.encodeToWire(wire, f);
        RelayFrame back = codec.decodeFromWire(2, wire);
        assertArrayEquals(f.bytes(), back.bytes());

        RelayFrameReader r = new RelayFrameReader();
        r.wrap(back.bytes(), 0, back.length());
        assertEquals(3, r.senderWorker());
        assertEquals(1, r.receiverWorker());
        assertEquals("0b6e5c2a-bus", r.senderBusNodeId());
        assertEquals("node-a", r.senderNodeId());
        assertEquals(42, r.frameSeq());
        assertEquals(41, r.ackSeq());
        assertEquals(1234, r.ackDelayMicros());

        assertTrue(r.next());
        assertEquals(RelayFrame.RTP, r.type());
        assertEquals(7, r.stream());
        assertArrayEquals(Arrays.copyOfRange(rtp, 10, 210),
                Arrays.copyOfRange(r.buffer(), r.packetOffset(), r.packetOffset() + r.packetLength()));
        assertTrue(r.next());
        assertEquals(RelayFrame.RETRANSMISSION, r.type());
        assertEquals(12, r.packetLength());
        assertTrue(r.next());
        assertEquals(RelayFrame.SENDER_REPORT, r.type());
        assertEquals(0x1122334455667788L, r.ntp());
        assertEquals(0xfedcba98L, r.rtpTimestamp());
        assertTrue(r.next());
        assertEquals(RelayFrame.SUBSCRIBE, r.type());
        assertEquals(9, r.stream());
        assertEquals("room-1", r.subscribeRoom());
        assertEquals("peer/track", r.subscribeTrack());
        assertTrue(r.next());
        assertEquals(RelayFrame.UNSUBSCRIBE, r.type());
        assertTrue(r.next());
        assertEquals(RelayFrame.KEYFRAME_REQUEST, r.type());
        assertTrue(r.next());
        assertEquals(RelayFrame.NACK, r.type());
        int[] seqs = new int[8];
        assertEquals(3, r.nackSequences(seqs));
        assertArrayEquals(new int[]{1, 65535, 300}, Arrays.copyOf(seqs, 3));
        assertTrue(r.next());
        assertEquals(RelayFrame.LIVE_LAYERS, r.type());
        assertEquals(7, r.stream());
        assertEquals(0b101, r.liveLayerMask());
        assertFalse(r.next());
    }

    @Test
    void fitsTellsWhenTheBatchIsFull() {
        RelayFrameWriter w = writer();
        byte[] p = new byte[1200];
        int n = 0;
        while (w.fits(4 + p.length)) {
            w.packet(RelayFrame.RTP, 1, p, 0, p.length);
            n++;
        }
        assertTrue(n >= 25 && n <= 27, "about 32 KiB of 1.2 KB packets: " + n);
        assertThrows(IllegalStateException.class, () -> w.packet(RelayFrame.RTP, 1, p, 0, p.length));
    }

    @Test
    void lyingLengthsAreRejectedNotTrusted() {
        RelayFrameWriter w = writer();
        w.packet(RelayFrame.RTP, 1, new byte[50], 0, 50);
        byte[] ok = w.finish(1, 0, 0).bytes();
        RelayFrameReader r = new RelayFrameReader();
        // Truncated anywhere (but right after the header, which is a valid empty frame): either the
        // header or the record is refused with the checked exception.
        for (int cut = 0; cut < ok.length; cut++) {
            if (cut == w.headerLength()) {
                continue;
            }
            byte[] b = Arrays.copyOf(ok, cut);
            assertThrows(RelayFrameException.class, () -> {
                r.wrap(b, 0, b.length);
                while (r.next()) {
                    r.stream();
                }
            }, "cut at " + cut);
        }
        // A record body too short for its type.
        RelayFrameWriter w2 = writer();
        w2.streamOnly(RelayFrame.KEYFRAME_REQUEST, 5);
        byte[] b = w2.finish(1, 0, 0).bytes();
        b[b.length - 7] = RelayFrame.SENDER_REPORT; // the record's type byte: now claims an SR in 4 bytes
        assertThrows(RelayFrameException.class, () -> {
            r.wrap(b, 0, b.length);
            r.next();
            r.ntp();
        });
        // Another version.
        byte[] v = ok.clone();
        v[0] = 2;
        assertThrows(RelayFrameException.class, () -> r.wrap(v, 0, v.length));
        // A wire length past the buffer becomes an empty frame, which the reader refuses.
        Buffer wire = Buffer.buffer().appendInt(1000).appendBytes(new byte[10]);
        RelayFrame f = new RelayFrameCodec().decodeFromWire(0, wire);
        assertThrows(RelayFrameException.class, () -> r.wrap(f.bytes(), 0, f.length()));
    }

    @Test
    void randomBytesOnlyEverThrowTheCheckedException() {
        Random rnd = new Random(99);
        RelayFrameReader r = new RelayFrameReader();
        int[] seqs = new int[64];
        byte[] valid = validFrame();
        for (int i = 0; i < 100_000; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[rnd.nextInt(200)];
                rnd.nextBytes(b);
                if (b.length > 0) {
                    b[0] = 1;
                }
            } else {
                b = valid.clone();
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            try {
                r.wrap(b, 0, b.length);
                while (r.next()) {
                    switch (r.type()) {
                        case RelayFrame.SENDER_REPORT -> r.ntp();
                        case RelayFrame.SUBSCRIBE -> {
                            r.subscribeRoom();
                            r.subscribeTrack();
                        }
                        case RelayFrame.NACK -> r.nackSequences(seqs);
                        default -> r.packetLength();
                    }
                }
            } catch (RelayFrameException expected) {
                // the only way out for a bad frame
            }
        }
    }

    private static byte[] validFrame() {
        RelayFrameWriter w = writer();
        w.packet(RelayFrame.RTP, 7, new byte[40], 0, 40);
        w.senderReport(7, 1, 2);
        w.subscribe(9, "r".getBytes(StandardCharsets.UTF_8), "k".getBytes(StandardCharsets.UTF_8));
        w.nack(7, new int[]{1, 2}, 2);
        return w.finish(5, 4, 3).bytes();
    }
}
