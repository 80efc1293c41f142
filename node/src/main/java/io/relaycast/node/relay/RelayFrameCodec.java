package io.relaycast.node.relay;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * The event-bus codec of {@link RelayFrame}: the frame's bytes behind a length, no strings, maps
 * or JSON. Registered as the default codec for the class on every node's event bus.
 */
public final class RelayFrameCodec implements MessageCodec<RelayFrame, RelayFrame> {
    public static final String NAME = "relaycast-relay-frame";
    /** Larger than any frame a {@link RelayLink} builds; a longer length on the wire is an error. */
    static final int MAX_WIRE_FRAME = 256 * 1024;

    @Override
    public void encodeToWire(Buffer buffer, RelayFrame frame) {
        buffer.appendInt(frame.length()).appendBytes(frame.bytes());
    }

    @Override
    public RelayFrame decodeFromWire(int pos, Buffer buffer) {
        int len = buffer.getInt(pos);
        if (len < 0 || len > MAX_WIRE_FRAME || pos + 4 + len > buffer.length()) {
            // The reader rejects an empty frame as malformed; the drop is counted there.
            return new RelayFrame(new byte[0]);
        }
        return new RelayFrame(buffer.getBytes(pos + 4, pos + 4 + len));
    }

    /** Local delivery hands over the same immutable frame. */
    @Override
    public RelayFrame transform(RelayFrame frame) {
        return frame;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
