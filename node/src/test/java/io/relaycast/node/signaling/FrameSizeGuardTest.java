package io.relaycast.node.signaling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard's rewrite of the raw frame stream, fed in every split the network may produce. */
class FrameSizeGuardTest {
    private static final int LIMIT = 100;

    /** Feeds {@code stream} in pieces of {@code piece} bytes and returns what the guard passed on. */
    private static byte[] through(FrameSizeGuard guard, byte[] stream, int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(guard);
        for (int i = 0; i < stream.length; i += piece) {
            ch.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, i, Math.min(stream.length, i + piece))));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuf b;
        while ((b = ch.readInbound()) != null) {
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void framesWithinTheLimitPassUnchangedHoweverTheyAreSplit() {
        byte[] stream = concat(RawWsClient.frame(0x81, new byte[10]), RawWsClient.frame(0x01, new byte[100]),
                RawWsClient.frame(0x80, new byte[0]), RawWsClient.frame(0x89, new byte[4]));
        for (int piece : new int[] {1, 2, 3, 7, 13, stream.length}) {
            FrameSizeGuard guard = new FrameSizeGuard(LIMIT);
            assertArrayEquals(stream, through(guard, stream, piece), "pieces of " + piece);
            assertFalse(guard.takeOversized());
        }
    }

    @Test
    void anOversizedFrameBecomesAnEmptyOneWithTheSameHeaderBitsAndMask() {
        byte[] small = RawWsClient.frame(0x81, new byte[5]);
        byte[] big = RawWsClient.frame(0x81, new byte[70_000]); // 64-bit length form
        byte[] mid = RawWsClient.frame(0x02, new byte[1000]); // 16-bit length form, binary, not final
        byte[] expected = concat(small, new byte[] {(byte) 0x81, (byte) 0x80}, Arrays.copyOfRange(big, 10, 14),
                new byte[] {0x02, (byte) 0x80}, Arrays.copyOfRange(mid, 4, 8), small);
        for (int piece : new int[] {1, 5, 64, 4096, Integer.MAX_VALUE}) {
            FrameSizeGuard guard = new FrameSizeGuard(LIMIT);
            byte[] stream = concat(small, big, mid, small);
            assertArrayEquals(expected, through(guard, stream, Math.min(piece, stream.length)), "pieces of " + piece);
            assertTrue(guard.takeOversized());
            assertTrue(guard.takeOversized());
            assertFalse(guard.takeOversized());
        }
    }

    @Test
    void controlFramesAreLeftToTheDecoderWhateverTheirLength() {
        byte[] ping = RawWsClient.frame(0x89, new byte[200]); // illegal (> 125): Netty's decoder refuses it
        FrameSizeGuard guard = new FrameSizeGuard(LIMIT);
        assertArrayEquals(ping, through(guard, ping, 3));
        assertFalse(guard.takeOversized());
        assertEquals(0, through(new FrameSizeGuard(LIMIT), new byte[0], 1).length);
    }
}
