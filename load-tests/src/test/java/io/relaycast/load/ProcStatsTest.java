package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
}
