package io.relaycast.load;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The floor: the least work a UDP fan-out relay can do, to compare an SFU against. No ICE, no
 * DTLS, no SRTP, no header rewriting: each RTP datagram from a room member is sent unchanged to
 * every other member of its room. One thread, blocking socket, one receive and N sends per
 * packet, nothing allocated per packet after warm-up.
 *
 * <p>Datagrams: {@code 0x01 roomId} registers the sender in a room; RTP (first byte 128–191) is
 * fanned out; {@code 0x02} is answered with {@code forwarded=<n>} (the harness reads it as the
 * node's forwarded-packet counter); {@code 0x03} takes the sender out of its room (a client that
 * stops, so that a measured run after a prewarm does not also pay for sends to the prewarm's
 * closed ports). Exits after {@code --max-seconds} (default 3600).
 *
 * <p>{@code java -cp relaycast-load.jar io.relaycast.load.FloorRelay --bind 127.0.0.1 --port 5600}
 */
public final class FloorRelay {
    private FloorRelay() {
    }

    public static void main(String[] args) throws Exception {
        String bind = "127.0.0.1";
        int port = 5600;
        long maxSeconds = 3600;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--bind" -> bind = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--max-seconds" -> maxSeconds = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        InetAddress addr = InetAddress.getByName(bind);
        if (!WebRtcSession.isLocal(addr)) {
            throw new IllegalArgumentException("--bind must be loopback or a local address");
        }
        run(new InetSocketAddress(addr, port), maxSeconds * 1_000_000_000L);
    }

    static void run(InetSocketAddress bind, long maxNanos) throws Exception {
        long end = System.nanoTime() + maxNanos;
        Map<SocketAddress, List<SocketAddress>> roomOf = new HashMap<>();
        Map<String, List<SocketAddress>> rooms = new HashMap<>();
        long forwarded = 0;
        try (DatagramSocket socket = new DatagramSocket(bind)) {
            socket.setReceiveBufferSize(4 << 20);
            socket.setSendBufferSize(4 << 20);
            socket.setSoTimeout(1000);
            System.out.println("floor relay on " + socket.getLocalSocketAddress());
            byte[] buf = new byte[2048];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            DatagramPacket out = new DatagramPacket(buf, 0);
            while (System.nanoTime() < end) {
                in.setLength(buf.length);
                try {
                    socket.receive(in);
                } catch (SocketTimeoutException idle) {
                    continue;
                }
                int first = buf[0] & 0xff;
                SocketAddress from = in.getSocketAddress();
                if (first >= 128 && first <= 191) {
                    List<SocketAddress> members = roomOf.get(from);
                    if (members == null) {
                        continue;
                    }
                    out.setData(buf, 0, in.getLength());
                    for (int i = 0; i < members.size(); i++) {
                        SocketAddress to = members.get(i);
                        if (!to.equals(from)) {
                            out.setSocketAddress(to);
                            socket.send(out);
                            forwarded++;
                        }
                    }
                } else if (first == 1) {
                    String room = new String(buf, 1, in.getLength() - 1, StandardCharsets.UTF_8);
                    if (!roomOf.containsKey(from)) {
                        List<SocketAddress> members = rooms.computeIfAbsent(room, r -> new ArrayList<>());
                        members.add(from);
                        roomOf.put(from, members);
                    }
                } else if (first == 3) {
                    List<SocketAddress> members = roomOf.remove(from);
                    if (members != null) {
                        members.remove(from);
                    }
                } else if (first == 2) {
                    byte[] reply = ("forwarded=" + forwarded).getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(reply, reply.length, from));
                }
            }
        }
    }

    /** Asks a relay for its forwarded-packet count; -1 when it does not answer within 500 ms. */
    static long queryForwarded(InetSocketAddress relay) {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName(relay.getAddress().isLoopbackAddress() ? "127.0.0.1" : relay.getHostString()))) {
            s.setSoTimeout(500);
            s.send(new DatagramPacket(new byte[] {2}, 1, relay));
            byte[] b = new byte[64];
            DatagramPacket p = new DatagramPacket(b, b.length);
            s.receive(p);
            String text = new String(b, 0, p.getLength(), StandardCharsets.US_ASCII);
            return Long.parseLong(text.substring(text.indexOf('=') + 1));
        } catch (Exception e) {
            return -1;
        }
    }
}
