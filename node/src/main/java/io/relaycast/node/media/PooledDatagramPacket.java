package io.relaycast.node.media;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.IllegalReferenceCountException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A {@link DatagramPacket} that goes back to its pool once Netty has written it, so a send
 * allocates nothing.
 *
 * <p>Why: Netty's {@code sendmmsg} batching (EpollDatagramChannel's NativeDatagramPacketArray)
 * takes only {@code DatagramPacket}s, whose buffer and recipient are final fields, and every
 * forwarded packet built a new one: after SRTP's GCM stopped allocating, that was the largest
 * allocation left per forwarded packet (JFR, docs/benchmarks.md "Allocation per forwarded
 * packet"). Netty reads a packet only through its accessors ({@code content()},
 * {@code recipient()}), which this class answers from mutable fields, and lets go of it with one
 * {@code release()} after the write (or when the write fails or the channel closes); when that
 * release frees the buffer the packet clears itself and returns to the pool.
 *
 * <p>Confined to the channel's event loop, like the pool ({@link UdpChannel} checks). The pool
 * grows to the most packets ever queued at once (bounded by the channel's write-buffer
 * high-water mark) and never shrinks.
 */
final class PooledDatagramPacket extends DatagramPacket {
    /** What the final fields of the superclass hold; never read through this class. */
    private static final InetSocketAddress NOWHERE = new InetSocketAddress(0);

    private final ArrayDeque<PooledDatagramPacket> pool;
    private ByteBuf content;
    private InetSocketAddress recipient;

    private PooledDatagramPacket(ArrayDeque<PooledDatagramPacket> pool) {
        super(Unpooled.EMPTY_BUFFER, NOWHERE);
        this.pool = pool;
    }

    /** A packet from {@code pool} (or a new one) holding {@code content} for {@code recipient}. */
    static PooledDatagramPacket take(ArrayDeque<PooledDatagramPacket> pool, ByteBuf content, InetSocketAddress recipient) {
        PooledDatagramPacket p = pool.poll();
        if (p == null) {
            p = new PooledDatagramPacket(pool);
        }
        p.content = content;
        p.recipient = recipient;
        return p;
    }

    @Override
    public ByteBuf content() {
        ByteBuf c = content;
        if (c == null) {
            throw new IllegalReferenceCountException(0);
        }
        return c;
    }

    @Override
    public InetSocketAddress recipient() {
        return recipient;
    }

    @Override
    public InetSocketAddress sender() {
        return null;
    }

    @Override
    public int refCnt() {
        return content == null ? 0 : content.refCnt();
    }

    @Override
    public PooledDatagramPacket retain() {
        content().retain();
        return this;
    }

    @Override
    public PooledDatagramPacket retain(int increment) {
        content().retain(increment);
        return this;
    }

    @Override
    public PooledDatagramPacket touch() {
        content().touch();
        return this;
    }

    @Override
    public PooledDatagramPacket touch(Object hint) {
        content().touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return release(1);
    }

    @Override
    public boolean release(int decrement) {
        boolean freed = content().release(decrement);
        if (freed) {
            content = null;
            recipient = null;
            pool.push(this);
        }
        return freed;
    }

    @Override
    public String toString() {
        return "PooledDatagramPacket(" + (content == null ? "in pool" : recipient + ", " + content) + ")";
    }
}
