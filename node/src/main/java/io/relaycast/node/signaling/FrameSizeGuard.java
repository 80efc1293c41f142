package io.relaycast.node.signaling;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Keeps a WebSocket's oversized data frames from ever being buffered, whatever their size.
 *
 * <p>Netty's frame decoder (behind Vert.x) holds a whole frame in memory before handing it on, and
 * past its maximum it stops decoding the connection for good. PROTOCOL.md instead wants a frame of
 * any size over 64 KiB answered with {@code bad_request} on a socket that stays usable. So this
 * handler sits in front of the decoder, reads only the frame headers of the raw byte stream (RFC
 * 6455 §5.2), and for a text, binary or continuation frame whose payload length is over the limit
 * forwards the same header with payload length 0 and discards the payload bytes as they arrive.
 * The decoder then sees an empty frame in the same place of the stream (fragmentation state stays
 * right), and {@link #takeOversized()} tells the session that the next such empty frame stood for
 * an oversized one. Frames within the limit pass through untouched, in slices of the buffers read.
 *
 * <p>Runs on the connection's event loop only. It must be added while the stream is at a frame
 * boundary: when the upgrade request has been read and before the 101 response is sent, since a
 * client may not send frames before the handshake completes (RFC 6455 §4.1).
 */
final class FrameSizeGuard extends ChannelInboundHandlerAdapter {
    static final String NAME = "relaycast-frame-size-guard";

    private enum State { HEADER, PAYLOAD, DISCARD }

    private final long maxPayload;
    /** Bytes of a header split across reads: 2 fixed, up to 8 length, up to 4 masking key. */
    private final byte[] header = new byte[14];
    private int headerLength;
    private State state = State.HEADER;
    private long remaining;
    private int oversizedPending;

    FrameSizeGuard(long maxPayload) {
        this.maxPayload = maxPayload;
    }

    /** True (once per frame) when the next empty data frame the session sees stood for an oversized one. */
    boolean takeOversized() {
        if (oversizedPending > 0) {
            oversizedPending--;
            return true;
        }
        return false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            int run = in.readerIndex();
            while (in.isReadable()) {
                switch (state) {
                    case PAYLOAD -> {
                        int n = (int) Math.min(remaining, in.readableBytes());
                        in.skipBytes(n);
                        remaining -= n;
                        if (remaining == 0) {
                            state = State.HEADER;
                        }
                    }
                    case DISCARD -> {
                        forward(ctx, in, run, in.readerIndex());
                        int n = (int) Math.min(remaining, in.readableBytes());
                        in.skipBytes(n);
                        remaining -= n;
                        run = in.readerIndex();
                        if (remaining == 0) {
                            state = State.HEADER;
                        }
                    }
                    case HEADER -> run = readHeader(ctx, in, run);
                }
            }
            forward(ctx, in, run, in.readerIndex());
        } finally {
            in.release();
        }
    }

    /** Reads header bytes; returns where the pass-through run of {@code in} now starts. */
    private int readHeader(ChannelHandlerContext ctx, ByteBuf in, int run) {
        int startedAt = in.readerIndex();
        boolean carried = headerLength > 0;
        while (headerLength < headerSize() && in.isReadable()) {
            header[headerLength++] = in.readByte();
        }
        if (headerLength < headerSize()) {
            // Split header: its bytes so far are held here and forwarded once it is complete.
            forward(ctx, in, run, startedAt);
            return in.readerIndex();
        }
        long length = payloadLength();
        int opcode = header[0] & 0x0F;
        boolean data = opcode <= 2; // continuation, text, binary (RFC 6455 §5.2); control frames are Netty's
        if (data && length > maxPayload) {
            forward(ctx, in, run, startedAt);
            boolean masked = (header[1] & 0x80) != 0;
            ByteBuf empty = Unpooled.buffer(masked ? 6 : 2);
            empty.writeByte(header[0]);
            empty.writeByte(header[1] & 0x80);
            if (masked) {
                empty.writeBytes(header, headerLength - 4, 4);
            }
            oversizedPending++;
            ctx.fireChannelRead(empty);
            state = State.DISCARD;
            run = in.readerIndex();
        } else {
            if (carried) {
                forward(ctx, in, run, startedAt);
                ctx.fireChannelRead(Unpooled.copiedBuffer(header, 0, headerLength));
                run = in.readerIndex();
            }
            state = State.PAYLOAD;
        }
        remaining = length;
        headerLength = 0;
        if (remaining == 0) {
            state = State.HEADER;
        }
        return run;
    }

    private int headerSize() {
        if (headerLength < 2) {
            return 2;
        }
        int len7 = header[1] & 0x7F;
        int extended = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        return 2 + extended + ((header[1] & 0x80) != 0 ? 4 : 0);
    }

    private long payloadLength() {
        int len7 = header[1] & 0x7F;
        if (len7 < 126) {
            return len7;
        }
        int bytes = len7 == 126 ? 2 : 8;
        long v = 0;
        for (int i = 0; i < bytes; i++) {
            v = (v << 8) | (header[2 + i] & 0xFF);
        }
        // RFC 6455 §5.2: the most significant bit must be 0; a "negative" length is simply huge.
        return v < 0 ? Long.MAX_VALUE : v;
    }

    private static void forward(ChannelHandlerContext ctx, ByteBuf in, int from, int to) {
        if (to > from) {
            ctx.fireChannelRead(in.retainedSlice(from, to - from));
        }
    }
}
