package io.relaycast.node.media;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.relaycast.node.observe.ForwardingDelay;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * A UDP socket driven directly on a media worker's own Netty event loop (DESIGN.md "Threads":
 * Vert.x's DatagramSocket resolves the host and allocates a promise per send, and flushes every
 * datagram on its own).
 *
 * <p>Receive: each datagram is copied once into a reusable array and handed to the receiver on the
 * event-loop thread; nothing is allocated by us per packet. Send: datagrams are written into pooled
 * buffers and flushed once per read batch ({@code channelReadComplete}) or at the end of a timer
 * task ({@link #flush()}), so a packet fanned out to N subscribers costs one syscall batch.
 *
 * <p>Transport: on Linux with Vert.x's event loops on native epoll (the node prefers it, and
 * netty-transport-native-epoll is on the class path), the socket is an {@link EpollDatagramChannel}:
 * it reads up to {@link #DATAGRAMS_PER_READ} datagrams per {@code recvmmsg} and Netty writes a
 * flush's datagrams with {@code sendmmsg}. Anywhere else (native library missing or unloadable)
 * it is the NIO channel, one system call per datagram; which one is logged once. A native
 * channel needs a native event loop, so the choice follows Vert.x's. UDP GSO is not used: it
 * sends equal-sized segments to one address, and a fan-out sends each datagram to another
 * subscriber. Per send: one pooled direct buffer and one {@link PooledDatagramPacket} (Netty's
 * {@code sendmmsg} takes only {@link DatagramPacket}s, whose fields are final, so ours are reused
 * through a pool) with the void promise: a send allocates nothing. Receiving, Netty's epoll
 * channel builds a {@code DatagramPacket}, a buffer slice and the sender's address per datagram;
 * that is inside Netty and stays.
 *
 * <p>Forwarding delay: the clock is read when a receive batch starts and after each flush that
 * sends datagrams written during the batch; the flush's datagram count goes into one bucket of
 * {@link ForwardingDelay}. Datagrams sent from timers or tasks (not in answer to a receive) are
 * not in it. Time a datagram waits in the kernel's receive buffer before the batch is read is not
 * either: a busy loop shows in {@code relaycast_event_loop_delay_seconds}.
 */
final class UdpChannel {

    /** Receives datagrams on the event loop; {@code data} is reused after the call returns. */
    interface Receiver {
        void onDatagram(InetSocketAddress from, byte[] data, int len);
    }

    /** Larger than any datagram WebRTC sends over a 1500-byte path, with room to spare. */
    static final int MAX_DATAGRAM = 2048;
    /** Datagrams one {@code recvmmsg} may return (native transport). */
    static final int DATAGRAMS_PER_READ = 16;

    private static final Logger LOG = Logger.getLogger(UdpChannel.class.getName());
    private static final AtomicBoolean TRANSPORT_LOGGED = new AtomicBoolean();

    private final byte[] receiveBuffer = new byte[MAX_DATAGRAM];
    /** Send packets Netty has released, for the next sends (event-loop confined). */
    private final ArrayDeque<PooledDatagramPacket> sendPackets = new ArrayDeque<>();
    private final MediaCounters counters;
    private final ForwardingDelay forwardingDelay;
    private Channel channel;
    private boolean pendingFlush;
    /** Inside a receive batch: between its first channelRead and its channelReadComplete. */
    private boolean inReadBatch;
    private long readBatchStartNanos;
    /** Datagrams written during the current receive batch and not yet flushed. */
    private int batchSends;

    UdpChannel(MediaCounters counters, ForwardingDelay forwardingDelay) {
        this.counters = counters;
        this.forwardingDelay = forwardingDelay;
    }

    /**
     * Binds on {@code loop}; the receiver runs on that loop. {@code nativeLoop}: the loop is
     * Netty's native epoll one (Vert.x's {@code isNativeTransportEnabled()}).
     */
    Future<Void> bind(EventLoop loop, boolean nativeLoop, String host, int port, Receiver receiver) {
        Promise<Void> bound = Promise.promise();
        boolean useEpoll = nativeLoop && Epoll.isAvailable();
        logTransportOnce(useEpoll);
        Bootstrap bootstrap = new Bootstrap().group(loop);
        if (useEpoll) {
            bootstrap.channel(EpollDatagramChannel.class)
                    // recvmmsg: each read buffer holds DATAGRAMS_PER_READ slots. A slot is one byte
                    // larger than MAX_DATAGRAM so that a longer datagram, truncated by the kernel to
                    // the slot, is still seen as too long and dropped as under NIO.
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM + 1)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator((MAX_DATAGRAM + 1) * DATAGRAMS_PER_READ));
        } else {
            bootstrap.channel(NioDatagramChannel.class);
        }
        bootstrap
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
                // Netty's default 64 KiB high-water mark is less than one keyframe fanned out to ten
                // subscribers; past it isWritable() turns false and packets were being dropped.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(2 * 1024 * 1024, 8 * 1024 * 1024))
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                        if (!inReadBatch) {
                            inReadBatch = true;
                            readBatchStartNanos = System.nanoTime();
                        }
                        ByteBuf content = packet.content();
                        int len = content.readableBytes();
                        counters.received(len);
                        if (len > MAX_DATAGRAM) {
                            counters.dropped(MediaCounters.Drop.UNKNOWN_PROTOCOL);
                            return;
                        }
                        content.getBytes(content.readerIndex(), receiveBuffer, 0, len);
                        receiver.onDatagram(packet.sender(), receiveBuffer, len);
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        flush();
                        inReadBatch = false;
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP port-unreachable and the like surface here; they concern one peer, not the socket.
                        counters.dropped(MediaCounters.Drop.SOCKET_ERROR);
                    }
                })
                .bind(host, port)
                .addListener(f -> {
                    if (f.isSuccess()) {
                        channel = ((io.netty.channel.ChannelFuture) f).channel();
                        warnIfBufferCapped(channel);
                        bound.complete();
                    } else {
                        bound.fail(f.cause());
                    }
                });
        return bound.future();
    }

    /**
     * What each media socket asks the kernel for, both ways: about 0.2 s of a worker's input at
     * 20 000 datagrams/s, so a join or keyframe burst does not overflow it while the worker is busy.
     */
    static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final AtomicBoolean BUFFER_WARNED = new AtomicBoolean();

    /**
     * Linux silently caps SO_RCVBUF at {@code net.core.rmem_max} (212 992 bytes on many
     * distributions), and a small buffer shows up only as loss under load; say so once.
     */
    private static void warnIfBufferCapped(Channel c) {
        Integer got = c.config().getOption(ChannelOption.SO_RCVBUF);
        // Linux reports twice what it grants (the doubling covers its bookkeeping, socket(7)), so a
        // cap at half the request or more goes unmentioned: the warning errs on the quiet side.
        if (got != null && got < SOCKET_BUFFER_BYTES && BUFFER_WARNED.compareAndSet(false, true)) {
            LOG.warning("media UDP receive buffer is " + got + " bytes, asked for " + SOCKET_BUFFER_BYTES
                    + ": the kernel caps it (raise net.core.rmem_max to at least " + SOCKET_BUFFER_BYTES
                    + "; README, \"Kernel settings\"); bursts beyond it are dropped, see relaycast_socket_receive_drops_total");
        }
    }

    private static void logTransportOnce(boolean epoll) {
        if (!TRANSPORT_LOGGED.compareAndSet(false, true)) {
            return;
        }
        if (epoll) {
            LOG.info("media UDP: native epoll transport (recvmmsg, sendmmsg)");
        } else {
            Throwable cause = Epoll.isAvailable() ? null : Epoll.unavailabilityCause();
            LOG.info("media UDP: NIO transport, one system call per datagram ("
                    + (cause == null ? "Vert.x event loops are not native" : "native epoll unavailable: " + cause) + ")");
        }
    }

    /** Queues a datagram; it leaves at the next {@link #flush()} (or the end of the read batch). */
    void send(InetSocketAddress to, byte[] data, int off, int len) {
        if (channel == null || !channel.isActive()) {
            counters.dropped(MediaCounters.Drop.SEND_FAILED);
            return;
        }
        if (!channel.isWritable()) {
            // The kernel's send buffer is full: dropping here is what a router would do.
            counters.dropped(MediaCounters.Drop.SEND_QUEUE_FULL);
            return;
        }
        ByteBuf buf = channel.alloc().directBuffer(len, len);
        buf.writeBytes(data, off, len);
        // The pool belongs to the channel's event loop (the media worker's); Netty would run a
        // write from another thread later, on the loop, so such a send gets a packet of its own.
        DatagramPacket packet = channel.eventLoop().inEventLoop()
                ? PooledDatagramPacket.take(sendPackets, buf, to)
                : new DatagramPacket(buf, to);
        channel.write(packet, channel.voidPromise());
        counters.sent(len);
        pendingFlush = true;
        if (inReadBatch) {
            batchSends++;
        }
        // Flush in batches rather than only at the end of a read burst, so one burst's fan-out
        // never has to sit in user space in full.
        if (++pendingWrites >= FLUSH_BATCH) {
            flush();
        }
    }

    /** Datagrams written between flushes at most. */
    private static final int FLUSH_BATCH = 64;
    private int pendingWrites;

    /** Sends everything queued. */
    void flush() {
        if (pendingFlush && channel != null) {
            pendingFlush = false;
            pendingWrites = 0;
            channel.flush();
            if (batchSends > 0) {
                forwardingDelay.record(System.nanoTime() - readBatchStartNanos, batchSends);
                batchSends = 0;
            }
        }
    }

    /** Send packets waiting in the pool: all of them once every write has completed (tests). */
    int pooledSendPackets() {
        return sendPackets.size();
    }

    /** The port the socket is bound to; -1 before it is. */
    int localPort() {
        Channel c = channel;
        return c != null && c.localAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
    }

    Future<Void> close() {
        Promise<Void> closed = Promise.promise();
        if (channel == null) {
            closed.complete();
        } else {
            channel.close().addListener(f -> closed.complete());
        }
        return closed.future();
    }
}
