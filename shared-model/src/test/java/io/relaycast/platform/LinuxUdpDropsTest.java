package io.relaycast.platform;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.StandardSocketOptions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LinuxUdpDropsTest {

    @Test
    void sumsTheDropsColumnOfTheSocketsOnThePort() {
        // Lines as Linux 6.x prints them (IPv4 and IPv4-mapped IPv6), port 0xA411 = 42001.
        List<String> udp = List.of(
                "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            ",
                "  123: 0100007F:A411 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 17     ",
                "  124: 0100007F:A412 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4243 2 0000000000000000 99     ",
                "garbage");
        List<String> udp6 = List.of(
                "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops",
                "  901: 0000000000000000FFFF00000100007F:A411 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 77 2 0000000000000000 278650");
        Map<Integer, Long> byPort = new HashMap<>();
        LinuxUdpDrops.addAll(udp, byPort);
        assertEquals(Map.of(42001, 17L, 42002, 99L), byPort);
        LinuxUdpDrops.addAll(udp6, byPort);
        assertEquals(Map.of(42001, 17L + 278650L, 42002, 99L), byPort, "IPv4 and IPv6 sockets on one port add up");
    }

    @Test
    void countsWhatARealSocketDropsWhenItsBufferIsFull() throws IOException {
        assumeTrue(LinuxUdpDrops.available(), "Linux /proc/self/net/udp");
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket receiver = new DatagramSocket(0, lo); DatagramSocket sender = new DatagramSocket(0, lo)) {
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // the kernel's minimum
            int port = receiver.getLocalPort();
            assertEquals(0, LinuxUdpDrops.read().getOrDefault(port, -1L), "a fresh socket is listed with 0 drops");
            byte[] payload = new byte[1200];
            for (int i = 0; i < 500; i++) { // nobody reads: all but the first few overflow the buffer
                sender.send(new DatagramPacket(payload, payload.length, lo, port));
            }
            Map<Integer, Long> now = LinuxUdpDrops.read();
            long drops = now.get(port);
            assertTrue(drops >= 400 && drops <= 500, "drops of the unread socket: " + drops);
            assertEquals(0, now.get(sender.getLocalPort()));
        }
    }
}
