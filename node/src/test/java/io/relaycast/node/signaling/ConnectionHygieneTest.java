package io.relaycast.node.signaling;

import io.relaycast.node.RelaycastNode;
import io.relaycast.node.TestNodes;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11's connection hygiene against a real node on loopback, with clients that misbehave. */
class ConnectionHygieneTest {
    private static final int HEADER_TIMEOUT_S = 2;
    private static final int JOIN_TIMEOUT_S = 2;
    private static final int FRAME_TIMEOUT_S = 4;
    private static final int PER_ADDRESS = 20;
    private static RelaycastNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.start(Map.of(
                "RELAYCAST_HTTP_HEADER_TIMEOUT_SECONDS", Integer.toString(HEADER_TIMEOUT_S),
                "RELAYCAST_JOIN_TIMEOUT_SECONDS", Integer.toString(JOIN_TIMEOUT_S),
                "RELAYCAST_WS_FRAME_TIMEOUT_SECONDS", Integer.toString(FRAME_TIMEOUT_S),
                "RELAYCAST_MAX_CONNECTIONS_PER_IP", Integer.toString(PER_ADDRESS)));
    }

    @AfterAll
    static void stop() throws Exception {
        TestNodes.stop(node);
    }

    @Test
    void slowlorisRequestHeadersAreClosedAfterTheHeaderTimeout() throws Exception {
        double before = limitRejections(node, "header_timeout");
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket s = RawWsClient.tcp("127.0.0.2", node.httpPort());
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n").getBytes(StandardCharsets.US_ASCII));
            sockets.add(s);
        }
        sockets.add(RawWsClient.tcp("127.0.0.2", node.httpPort())); // sends nothing at all
        long start = System.nanoTime();
        // Trickle one header byte per 200 ms to every socket until the node closes them.
        List<Socket> open = new ArrayList<>(sockets);
        while (!open.isEmpty() && System.nanoTime() - start < (HEADER_TIMEOUT_S + 3) * 1_000_000_000L) {
            for (Socket s : new ArrayList<>(open)) {
                if (closedByPeer(s, "X")) {
                    open.remove(s);
                }
            }
            Thread.sleep(200);
        }
        double took = (System.nanoTime() - start) / 1e9;
        assertTrue(open.isEmpty(), open.size() + " slowloris connections still open after " + took + " s");
        assertTrue(took >= HEADER_TIMEOUT_S - 0.3, "closed before the header timeout: " + took + " s");
        // At least: an idle keep-alive connection of an earlier scrape of /metrics may count too.
        assertTrue(limitRejections(node, "header_timeout") >= before + 11);
        for (Socket s : sockets) {
            s.close();
        }
    }

    @Test
    void aTrickledFrameIsClosedButAClientThatAnswersPingsStays() throws Exception {
        try (WsTestClient live = WsTestClient.connect(node.httpPort()); RawWsClient trickler = RawWsClient.connect(node.httpPort())) {
            live.send(new ClientMessage.Join("trickle", "live", null));
            live.next(ServerMessage.Welcome.class);
            trickler.sendText("{\"type\":\"join\",\"roomId\":\"trickle\"}");
            assertEquals("welcome", typeOf(trickler.next(5)));
            live.next(ServerMessage.PeerJoined.class);
            byte[] frame = RawWsClient.frame(0x81, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            long start = System.nanoTime();
            RawWsClient.Frame close = null;
            for (int i = 0; i < frame.length - 1 && close == null; i++) {
                trickler.sendBytes(new byte[] {frame[i]});
                RawWsClient.Frame f = trickler.next(0.4);
                if (f != null && (f.isClose() || f == RawWsClient.EOF)) {
                    close = f;
                }
            }
            if (close == null) {
                close = trickler.awaitClose(FRAME_TIMEOUT_S + 3, null);
            }
            double took = (System.nanoTime() - start) / 1e9;
            assertNotNull(close, "TCP closed without a close frame");
            assertEquals(ClientSession.CLOSE_TIMEOUT, close.closeCode());
            assertTrue(took <= FRAME_TIMEOUT_S + 2.0, "closed after " + took + " s");
            live.next(ServerMessage.PeerLeft.class);
            // The live client (the JDK answers pings) has been idle as long and is still served.
            live.send(new ClientMessage.Ping());
            live.next(ServerMessage.Pong.class);
        }
    }

    @Test
    void framesOfAnySizeOverTheLimitGetBadRequestAndTheSocketStaysUsable() throws Exception {
        double before = limitRejections(node, "frame_size");
        try (RawWsClient c = RawWsClient.connect(node.httpPort())) {
            byte[] big = new byte[2 * 1024 * 1024];
            Arrays.fill(big, (byte) 'a');
            c.sendBytes(RawWsClient.frame(0x81, big));
            assertBadRequest(c.next(10), "frame larger than 64 KiB");
            // The same limit for a message in fragments that are each under it (RFC 6455 §5.4).
            byte[] half = new byte[40 * 1024];
            Arrays.fill(half, (byte) 'b');
            c.sendBytes(RawWsClient.frame(0x01, half));
            c.sendBytes(RawWsClient.frame(0x80, half));
            assertBadRequest(c.next(10), "frame larger than 64 KiB");
            // An oversized last fragment of a message whose first fragment was small.
            c.sendBytes(RawWsClient.frame(0x01, "{\"type\":".getBytes(StandardCharsets.UTF_8)));
            c.sendBytes(RawWsClient.frame(0x80, big));
            assertBadRequest(c.next(10), "frame larger than 64 KiB");
            c.sendText("{\"type\":\"join\",\"roomId\":\"big-frames\"}");
            assertEquals("welcome", typeOf(c.next(10)));
        }
        assertEquals(before + 3, limitRejections(node, "frame_size"));
    }

    @Test
    void afterTheFloodCloseNothingIsProcessedAndThePeerLeavesAtOnce() throws Exception {
        try (WsTestClient member = WsTestClient.connect(node.httpPort()); RawWsClient flooder = RawWsClient.connect(node.httpPort())) {
            member.send(new ClientMessage.Join("flood", "member", null));
            member.next(ServerMessage.Welcome.class);
            flooder.sendText("{\"type\":\"join\",\"roomId\":\"flood\"}");
            assertEquals("welcome", typeOf(flooder.next(5)));
            member.next(ServerMessage.PeerJoined.class);
            // 200 malformed frames; the raw client never answers the close frame.
            byte[] garbage = RawWsClient.frame(0x81, "not json".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 200; i++) {
                flooder.sendBytes(garbage);
            }
            int[] errors = {0};
            RawWsClient.Frame close = flooder.awaitClose(10, errors);
            assertNotNull(close, "TCP closed without a close frame");
            assertEquals(4400, close.closeCode());
            // PROTOCOL.md: more than 50 malformed frames → 4400; the 51st is the last one answered.
            assertEquals(SignalingSession.MAX_MALFORMED_FRAMES + 1, errors[0]);
            member.nextWithin(ServerMessage.PeerLeft.class, 10);
            double lag = (System.nanoTime() - close.arrivedNanos()) / 1e9;
            assertTrue(lag < 1.0, "peerLeft " + lag + " s after the 4400 close");
            // Nothing more is answered: the next thing the flooder sees is the end of the connection.
            for (int i = 0; i < 100; i++) {
                flooder.sendBytes(garbage);
            }
            RawWsClient.Frame after = flooder.next(4);
            assertTrue(after == null || after == RawWsClient.EOF, "answered after the close: " + after);
        }
    }

    @Test
    void invalidUtf8ClosesWith1007() throws Exception {
        try (RawWsClient c = RawWsClient.connect(node.httpPort())) {
            c.sendBytes(RawWsClient.frame(0x81, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}));
            RawWsClient.Frame close = c.awaitClose(5, null);
            assertNotNull(close, "TCP closed without a close frame");
            assertEquals(1007, close.closeCode());
        }
        // Split across fragments, each of which alone could still be the start of valid UTF-8.
        try (RawWsClient c = RawWsClient.connect(node.httpPort())) {
            c.sendBytes(RawWsClient.frame(0x01, new byte[] {'{', '"', (byte) 0xE2, (byte) 0x82}));
            c.sendBytes(RawWsClient.frame(0x80, new byte[] {'"', '}'}));
            RawWsClient.Frame close = c.awaitClose(5, null);
            assertNotNull(close, "TCP closed without a close frame");
            assertEquals(1007, close.closeCode());
        }
    }

    @Test
    void aSocketThatDoesNotJoinIsClosedAfterTheJoinTimeout() throws Exception {
        double before = limitRejections(node, "join_timeout");
        try (RawWsClient idle = RawWsClient.connect(node.httpPort()); WsTestClient joiner = WsTestClient.connect(node.httpPort())) {
            long start = System.nanoTime();
            Thread.sleep(JOIN_TIMEOUT_S * 500L);
            joiner.send(new ClientMessage.Join("late-join", "joiner", null));
            joiner.next(ServerMessage.Welcome.class);
            RawWsClient.Frame close = idle.awaitClose(JOIN_TIMEOUT_S + 3, null);
            double took = (System.nanoTime() - start) / 1e9;
            assertNotNull(close, "TCP closed without a close frame");
            assertEquals(ClientSession.CLOSE_TIMEOUT, close.closeCode());
            assertTrue(took >= JOIN_TIMEOUT_S - 0.3 && took <= JOIN_TIMEOUT_S + 1.5, "closed after " + took + " s");
            // The one that joined in time outlives the timeout.
            Thread.sleep(JOIN_TIMEOUT_S * 1000L);
            joiner.send(new ClientMessage.Ping());
            joiner.next(ServerMessage.Pong.class);
        }
        assertTrue(limitRejections(node, "join_timeout") >= before + 1);
    }

    @Test
    void connectionsPerAddressAreCappedAndOthersStillGetIn() throws Exception {
        double before = limitRejections(node, "connections_per_ip");
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                sockets.add(RawWsClient.tcp("127.0.0.3", node.httpPort()));
            }
            Thread.sleep(300);
            for (Socket s : sockets) {
                assertTrue(!closedByPeer(s, null), "a connection within the cap was closed");
            }
            Socket over = RawWsClient.tcp("127.0.0.3", node.httpPort());
            sockets.add(over);
            over.setSoTimeout(3000);
            assertEquals(-1, readOrReset(over.getInputStream()), "the connection over the cap was not closed");
            assertEquals(before + 1, limitRejections(node, "connections_per_ip"));
            assertEquals(200, get(node, "/health").statusCode());
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void atTheNodeCapTheLongestIdleConnectionMakesRoomForANewcomer() throws Exception {
        RelaycastNode small = TestNodes.start(Map.of("RELAYCAST_MAX_CONNECTIONS", "16",
                "RELAYCAST_MAX_CONNECTIONS_PER_IP", "0", "RELAYCAST_NODE_ID", "small"));
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                sockets.add(RawWsClient.tcp("127.0.0.4", small.httpPort()));
                Thread.sleep(20);
            }
            try (WsTestClient joiner = WsTestClient.connect(small.httpPort())) {
                joiner.send(new ClientMessage.Join("capped", "real", null));
                joiner.next(ServerMessage.Welcome.class);
                for (int i = 0; i < 5; i++) {
                    assertEquals(200, get(small, "/health").statusCode());
                    assertEquals(200, get(small, "/ready").statusCode());
                }
                Socket oldest = sockets.get(0);
                oldest.setSoTimeout(3000);
                assertEquals(-1, readOrReset(oldest.getInputStream()), "the longest-idle connection was not closed");
                assertTrue(limitRejections(small, "connections_per_node") >= 1);
                assertTrue(get(small, "/metrics").body().contains("relaycast_http_connections"));
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
            TestNodes.stop(small);
        }
    }

    // ---- helpers ----

    private static void assertBadRequest(RawWsClient.Frame f, String message) {
        assertNotNull(f, "no reply");
        assertEquals(1, f.opcode(), "expected a text frame, got " + f);
        assertTrue(f.text().contains("\"bad_request\"") && f.text().contains(message), f.text());
    }

    private static String typeOf(RawWsClient.Frame f) {
        assertNotNull(f, "no frame");
        String t = f.text();
        int i = t.indexOf("\"type\":\"");
        return i < 0 ? t : t.substring(i + 8, t.indexOf('"', i + 8));
    }

    /** Writes {@code trickle} (if any) and tells whether the node has closed the connection. */
    private static boolean closedByPeer(Socket s, String trickle) throws IOException {
        try {
            if (trickle != null) {
                OutputStream out = s.getOutputStream();
                out.write(trickle.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            s.setSoTimeout(1);
            return s.getInputStream().read() == -1;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: closed by the node
        }
    }

    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }

    static HttpResponse<String> get(RelaycastNode n, String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.httpPort() + path))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static double limitRejections(RelaycastNode n, String limit) throws Exception {
        return metric(n, "relaycast_limit_rejections_total{", "limit=\"" + limit + "\"");
    }

    /** The value of the first series of {@code prefix} whose labels contain {@code label}. */
    static double metric(RelaycastNode n, String prefix, String label) throws Exception {
        for (String line : get(n, "/metrics").body().split("\n")) {
            if (line.startsWith(prefix) && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no metric " + prefix + label);
    }
}
