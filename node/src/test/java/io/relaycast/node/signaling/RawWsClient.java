package io.relaycast.node.signaling;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client on a plain socket, for tests that must misbehave: send frames of any size,
 * bytes that are not UTF-8, fragments, trickles, and ignore the server's close frame (it never
 * answers one). Frames it receives are queued with their arrival time.
 */
final class RawWsClient implements AutoCloseable {
    /** A frame from the server; {@code closeCode} is set for close frames. */
    record Frame(int opcode, byte[] payload, long arrivedNanos) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        boolean isClose() {
            return opcode == 8;
        }
    }

    /** Put in the queue when the server closed the TCP connection. */
    static final Frame EOF = new Frame(-1, new byte[0], 0);

    private final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<Frame> inbox = new LinkedBlockingQueue<>();

    private RawWsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** A plain TCP connection to the node's HTTP port from {@code source}, nothing sent yet. */
    static Socket tcp(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }

    /** Connects and completes the upgrade to {@code /ws}. */
    static RawWsClient connect(int port) throws IOException {
        Socket s = tcp("127.0.0.1", port);
        s.setSoTimeout(10_000);
        String key = Base64.getEncoder().encodeToString(new byte[16]);
        s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the upgrade: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
        s.setSoTimeout(0);
        RawWsClient c = new RawWsClient(s);
        Thread reader = new Thread(c::readLoop, "raw-ws-reader");
        reader.setDaemon(true);
        reader.start();
        return c;
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long len = b1 & 0x7F;
                if (len == 126) {
                    len = in.readUnsignedShort();
                } else if (len == 127) {
                    len = in.readLong();
                }
                byte[] payload = new byte[(int) len];
                in.readFully(payload);
                if ((b0 & 0x0F) != 9) { // pings are not answered (and not queued): this client looks dead
                    inbox.add(new Frame(b0 & 0x0F, payload, System.nanoTime()));
                }
            }
        } catch (IOException e) {
            inbox.add(EOF);
        }
    }

    /** One masked frame (RFC 6455 §5.2–5.3) with the given first byte (FIN, opcode). */
    static byte[] frame(int firstByte, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(firstByte);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length <= 0xFFFF) {
            f.write(0x80 | 126);
            f.write(payload.length >>> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >>> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        return f.toByteArray();
    }

    void sendText(String text) throws IOException {
        sendBytes(frame(0x81, text.getBytes(StandardCharsets.UTF_8)));
    }

    void sendBytes(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** The next frame within {@code seconds}, or null. */
    Frame next(double seconds) throws InterruptedException {
        return inbox.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    /** Reads until a close frame (returned) or EOF (null), within {@code seconds}; counts texts seen. */
    Frame awaitClose(double seconds, int[] textsSeen) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            long left = deadline - System.nanoTime();
            Frame f = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (f == null) {
                throw new AssertionError("no close within " + seconds + " s");
            }
            if (f == EOF) {
                return null;
            }
            if (f.isClose()) {
                return f;
            }
            if (f.opcode() == 1 && textsSeen != null) {
                textsSeen[0]++;
            }
        }
    }

    /** True once the server closed the TCP connection, within {@code seconds}. */
    boolean awaitEof(double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            Frame f = inbox.poll(50, TimeUnit.MILLISECONDS);
            if (f == EOF) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
