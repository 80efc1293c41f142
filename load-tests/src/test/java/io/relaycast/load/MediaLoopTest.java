package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The media loop with its receiving thread, on loopback sockets: datagrams reach their client
 * in order on the loop thread, and their arrival is stamped when they arrive, not when the loop
 * gets round to them (issue 11: a loop busy with joiners' set-up made its own latency).
 */
class MediaLoopTest {

    @Test
    void arrivalIsStampedWhileTheLoopIsBusyAndDatagramsReachTheLoopInOrder() throws Exception {
        MediaLoop loop = new MediaLoop(2);
        loop.start();
        List<long[]> seen = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(300);
        CompletableFuture<String> loopThread = new CompletableFuture<>();
        try (DatagramChannel server = DatagramChannel.open(); DatagramChannel client = DatagramChannel.open()) {
            // As the harness's own client sockets (WebRtcSession): room for a burst.
            server.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<Void> registered = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    loop.register(server, (now, from, buf, len) -> {
                        loopThread.complete(Thread.currentThread().getName());
                        seen.add(new long[] {now, ByteBuffer.wrap(buf, 0, len).getInt(), len});
                        all.countDown();
                    });
                    registered.complete(null);
                } catch (Exception e) {
                    registered.completeExceptionally(e);
                }
            });
            registered.get(5, TimeUnit.SECONDS);
            // One datagram first, so that the receiving thread has surely taken the socket over.
            client.send(ByteBuffer.allocate(4).putInt(0, 0), server.getLocalAddress());
            while (all.getCount() == 300) {
                Thread.sleep(1);
            }
            // The loop is busy for a second; datagrams sent meanwhile are stamped on arrival.
            CountDownLatch busy = new CountDownLatch(1);
            long[] busyEnd = new long[1];
            loop.execute(() -> {
                busy.countDown();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                busyEnd[0] = System.nanoTime();
            });
            busy.await();
            long sentFrom = System.nanoTime();
            for (int i = 1; i < 300; i++) {
                client.send(ByteBuffer.allocate(100).putInt(0, i), server.getLocalAddress());
                if (i % 10 == 0) {
                    Thread.sleep(1); // paced, as media is: a burst beyond the socket buffer is not the point here
                }
            }
            assertTrue(all.await(10, TimeUnit.SECONDS), () -> "all 300 datagrams handled; handled "
                    + (300 - all.getCount()) + ", dropped by the kernel at the socket "
                    + ProcStats.socketDrops(java.util.Set.of(port)));
            CompletableFuture<Long> end = new CompletableFuture<>();
            loop.execute(() -> end.complete(busyEnd[0]));
            long loopFree = end.get(5, TimeUnit.SECONDS);
            assertEquals("load-media-loop", loopThread.get());
            for (int i = 0; i < 300; i++) {
                assertEquals(i, seen.get(i)[1], "in order");
            }
            for (int i = 1; i < 300; i++) {
                long arrival = seen.get(i)[0];
                assertTrue(arrival >= sentFrom && arrival < loopFree,
                        "datagram " + i + " stamped " + (arrival - sentFrom) / 1_000_000 + " ms after the sends began, "
                                + "the loop was free after " + (loopFree - sentFrom) / 1_000_000 + " ms");
            }
            assertEquals(0, loop.ringFullWaits());
        } finally {
            loop.stop();
        }
    }
}
