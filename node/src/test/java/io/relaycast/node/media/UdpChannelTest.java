package io.relaycast.node.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.relaycast.node.observe.ForwardingDelay;
import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two media sockets on loopback, on Netty's native epoll transport (sendmmsg) and on NIO: every
 * datagram arrives intact, and the send packets go back to the pool after each flush, so 2000
 * sends use no more packets than one round queues.
 */
class UdpChannelTest {
    private static final int ROUNDS = 20;
    private static final int PER_ROUND = 100;
    private static final int LENGTH = 120;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyDatagramArrivesIntactAndSendPacketsAreReused(boolean epoll) throws Exception {
        assumeTrue(!epoll || Epoll.isAvailable(), "native epoll unavailable here");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            EventLoop senderLoop = group.next();
            EventLoop receiverLoop = group.next();
            UdpChannel sender = new UdpChannel(new MediaCounters(), new ForwardingDelay("test-sender"));
            UdpChannel receiver = new UdpChannel(new MediaCounters(), new ForwardingDelay("test-receiver"));
            BitSet seen = new BitSet();
            int[] corrupt = {0};
            receiver.bind(receiverLoop, epoll, "127.0.0.1", 0, (from, data, len) -> {
                int index = ((data[0] & 0xff) << 8) | (data[1] & 0xff);
                boolean intact = len == LENGTH;
                for (int i = 2; i < len && intact; i++) {
                    intact = data[i] == (byte) (index * 31 + i);
                }
                synchronized (seen) {
                    if (!intact) {
                        corrupt[0]++;
                    }
                    seen.set(index);
                }
            }).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            sender.bind(senderLoop, epoll, "127.0.0.1", 0, (from, data, len) -> { })
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", receiver.localPort());

            byte[] datagram = new byte[LENGTH];
            for (int round = 0; round < ROUNDS; round++) {
                int first = round * PER_ROUND;
                on(senderLoop, () -> {
                    for (int index = first; index < first + PER_ROUND; index++) {
                        datagram[0] = (byte) (index >>> 8);
                        datagram[1] = (byte) index;
                        for (int i = 2; i < LENGTH; i++) {
                            datagram[i] = (byte) (index * 31 + i);
                        }
                        sender.send(to, datagram, 0, LENGTH);
                    }
                    sender.flush();
                    return null;
                });
                // One round at a time, so the receiver's socket buffer never overflows.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < deadline) {
                    synchronized (seen) {
                        if (seen.cardinality() == first + PER_ROUND) {
                            break;
                        }
                    }
                    Thread.sleep(2);
                }
            }
            synchronized (seen) {
                assertEquals(ROUNDS * PER_ROUND, seen.cardinality(), "datagrams received");
                assertEquals(0, corrupt[0], "datagrams with other bytes than were sent");
            }
            // A flush writes everything it can at once, and every written packet is released
            // into the pool: at most one round's worth were ever made.
            int pooled = on(senderLoop, sender::pooledSendPackets);
            assertTrue(pooled >= 1 && pooled <= PER_ROUND, pooled + " send packets pooled after "
                    + ROUNDS * PER_ROUND + " sends");
            sender.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            receiver.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static <T> T on(EventLoop loop, Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }
}
