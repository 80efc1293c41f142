package io.relaycast.load;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The floor relay on loopback: it fans a member's RTP out to the other members of its room and
 * stops sending to a member that left. A member that never left (bench.sh's prewarm, in the same
 * harness JVM as the measured run) doubled the floor's sends in mesh10 before the leave datagram.
 */
class FloorRelayTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void fansOutToTheRoomAndForgetsAMemberThatLeft() throws Exception {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, LOOPBACK)) {
            port = probe.getLocalPort();
        }
        InetSocketAddress relay = new InetSocketAddress(LOOPBACK, port);
        Thread relayThread = new Thread(() -> {
            try {
                FloorRelay.run(relay, 30_000_000_000L);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "floor-relay-test");
        relayThread.setDaemon(true);
        relayThread.start();
        try (DatagramSocket a = new DatagramSocket(0, LOOPBACK);
             DatagramSocket b = new DatagramSocket(0, LOOPBACK);
             DatagramSocket c = new DatagramSocket(0, LOOPBACK)) {
            for (DatagramSocket s : new DatagramSocket[] {a, b, c}) {
                s.setSoTimeout(300);
            }
            // The relay may not be bound yet: register until a packet from a reaches b.
            long deadline = System.nanoTime() + 10_000_000_000L;
            boolean through = false;
            while (!through && System.nanoTime() < deadline) {
                for (DatagramSocket s : new DatagramSocket[] {a, b, c}) {
                    send(s, relay, register("r0"));
                }
                send(a, relay, rtp(1));
                through = receivesRtp(b);
            }
            assertEquals(true, through, "the floor relay never forwarded a's packet to b");
            drain(b);
            drain(c);
            long before = FloorRelay.queryForwarded(relay);

            send(c, relay, new byte[] {3}); // c leaves
            send(a, relay, rtp(2));
            assertEquals(true, receivesRtp(b), "b is still a member");
            assertThrows(SocketTimeoutException.class, () -> c.receive(new DatagramPacket(new byte[64], 64)),
                    "a member that left still gets packets");
            assertEquals(before + 1, FloorRelay.queryForwarded(relay), "one send (to b) for one packet");
        }
    }

    private static byte[] register(String room) {
        byte[] name = room.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[name.length + 1];
        out[0] = 1;
        System.arraycopy(name, 0, out, 1, name.length);
        return out;
    }

    private static byte[] rtp(int seq) {
        byte[] p = new byte[20];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[3] = (byte) seq;
        return p;
    }

    private static void send(DatagramSocket s, InetSocketAddress to, byte[] data) throws Exception {
        s.send(new DatagramPacket(data, data.length, to));
    }

    private static boolean receivesRtp(DatagramSocket s) throws Exception {
        try {
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            s.receive(p);
            return (p.getData()[0] & 0xc0) == 0x80;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    private static void drain(DatagramSocket s) throws Exception {
        while (receivesRtp(s)) {
            // packets of the registration loop
        }
    }
}
