package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcStatsTest {

    /** A socket with the smallest receive buffer, flooded on loopback and never read, must show drops. */
    @Test
    void countsTheKernelsDropsOnOurOwnSocketsOnly() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel victim = DatagramChannel.open(); DatagramChannel bystander = DatagramChannel.open();
             DatagramChannel sender = DatagramChannel.open()) {
            victim.setOption(StandardSocketOptions.SO_RCVBUF, 1);
            victim.bind(new InetSocketAddress(lo, 0));
            bystander.bind(new InetSocketAddress(lo, 0));
            int victimPort = ((InetSocketAddress) victim.getLocalAddress()).getPort();
            int bystanderPort = ((InetSocketAddress) bystander.getLocalAddress()).getPort();
            long before = ProcStats.socketDrops(Set.of(victimPort));
            assertEquals(0, before);
            ByteBuffer datagram = ByteBuffer.allocate(1000);
            for (int i = 0; i < 200; i++) {
                datagram.clear();
                sender.send(datagram, victim.getLocalAddress());
            }
            long drops = ProcStats.socketDrops(Set.of(victimPort));
            assertTrue(drops > 100, "drops " + drops);
            assertEquals(0, ProcStats.socketDrops(Set.of(bystanderPort)));
        }
    }

    /** Two threads that want the same CPU at once: one of them waits in the run queue. */
    @Test
    void runQueueTimeOfNamedThreadsGrowsWhenTheyCompeteForOneCpu() throws Exception {
        assertEquals(null, ProcStats.runQueue("no-such-thread-"));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable spin = () -> {
            long x = 0;
            while (!stop.get()) {
                x++;
            }
            assertTrue(x >= 0);
        };
        // More spinning threads than this machine has cores, so some wait whatever the core count.
        int n = Runtime.getRuntime().availableProcessors() + 2;
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(spin, "rq-test-" + i);
            threads.add(t);
            t.start();
        }
        try {
            Thread.sleep(50); // the threads have run, so the kernel knows their names
            long[] before = ProcStats.runQueue("rq-test-");
            assertTrue(before != null, "schedstat readable");
            Thread.sleep(300);
            long[] after = ProcStats.runQueue("rq-test-");
            assertTrue(after[0] > before[0], before[0] + " -> " + after[0] + " ns waiting");
            assertTrue(after[1] > before[1], "timeslices " + before[1] + " -> " + after[1]);
            assertTrue(ProcStats.waitPerSliceMicros(before, after) > 0);
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
