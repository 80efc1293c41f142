package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** ServerSeconds pointed at this test's own JVM: its threads and its sockets are the "server". */
class ServerSecondsTest {

    @Test
    void parsesThreadDumpHeadersAndNothingElse() {
        assertEquals(Map.of(0x5e2L, "vert.x-eventloop-thread-0"), ServerSeconds.parseThreadHeader(
                "\"vert.x-eventloop-thread-0\" #23 prio=5 os_prio=0 cpu=10850.12ms elapsed=95.20s tid=0x00007f nid=0x5e2 runnable  [0x00007f]"));
        assertEquals(Map.of(), ServerSeconds.parseThreadHeader("   java.lang.Thread.State: RUNNABLE"));
        assertEquals(Map.of(), ServerSeconds.parseThreadHeader("\"no nid\" #1 prio=5"));
    }

    @Test
    void sumsTheReceiveQueuesOfTheGivenInodesOnly() {
        String table = String.join("\n", List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                " 1: 0100007F:0BB8 00000000:0000 07 00000000:00000A00 00:00000000 00000000     0        0 4711 2 0000000000000000 0",
                " 2: 0100007F:0BB9 00000000:0000 07 00000000:00001000 00:00000000 00000000     0        0 4712 2 0000000000000000 0",
                " 3: 0100007F:0BBA 00000000:0000 07 00000000:00000100 00:00000000 00000000     0        0 9999 2 0000000000000000 0",
                "garbage",
                " 4: 0100007F:0BBB 00000000:0000 07 00000000:0000ZZ00 00:00000000 00000000     0        0 4711 2 0000000000000000 0",
                "")) + "\n";
        byte[] text = table.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0xA00 + 0x1000, ServerSeconds.receiveQueueBytes(text, Set.of(4711L, 4712L)));
        assertEquals(0, ServerSeconds.receiveQueueBytes(text, Set.of()));
    }

    /** A spinning thread shows a second of CPU under its full Java name; unread datagrams show as queue. */
    @Test
    @SuppressWarnings("unchecked")
    void seesABusyThreadAndUnreadDatagramsOfARealProcess() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        // Longer than 15 characters: the kernel cuts it, and the name must come from jcmd.
        Thread busy = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x++;
            }
            assertTrue(x >= 0);
        }, "server-seconds-test-spinner");
        busy.start();
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramChannel unread = DatagramChannel.open(); DatagramChannel sender = DatagramChannel.open();
             ServerSeconds seconds = new ServerSeconds(List.of(ProcessHandle.current().pid()), 10)) {
            unread.bind(new InetSocketAddress(lo, 0));
            Thread.sleep(1000);
            // The socket is new since the constructor: the next second() learns its inode.
            seconds.second();
            for (int i = 0; i < 20; i++) {
                sender.send(ByteBuffer.allocate(1000), unread.getLocalAddress());
            }
            Thread.sleep(1000);
            Map<String, Object> second = seconds.second();
            Map<String, Object> threads = (Map<String, Object>) second.get("threads");
            List<Double> spinner = (List<Double>) threads.get("server-seconds-test-spinner");
            assertNotNull(spinner, "threads seen: " + threads.keySet());
            // It ran or waited for a CPU nearly all of the second, however busy the machine is.
            assertTrue(spinner.get(0) + spinner.get(1) > 500, "cpu+wait ms " + spinner);
            long queue = (Long) second.get("rxQueueMaxBytes");
            assertTrue(queue >= 20 * 1000, "receive queue high-water " + queue);
            assertTrue(ServerSeconds.summary(second).contains("server-seconds-test-spinner"), ServerSeconds.summary(second));
        } finally {
            stop.set(true);
            busy.join();
        }
    }
}
