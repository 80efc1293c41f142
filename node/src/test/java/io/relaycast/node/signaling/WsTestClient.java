package io.relaycast.node.signaling;

import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalCodec;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A protocol client for tests, on the JDK's own WebSocket so the node is driven from outside Vert.x. */
public final class WsTestClient implements AutoCloseable {
    private static final SignalCodec CODEC = new SignalCodec();
    private final BlockingQueue<ServerMessage> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket ws;

    private WsTestClient(URI uri) throws Exception {
        this.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    public static WsTestClient connect(int port) throws Exception {
        return new WsTestClient(URI.create("ws://127.0.0.1:" + port + "/ws"));
    }

    /** Connects to {@code /ws?query}; {@code query} must already be percent-encoded. */
    public static WsTestClient connect(int port, String query) throws Exception {
        return new WsTestClient(URI.create("ws://127.0.0.1:" + port + "/ws?" + query));
    }

    public void send(ClientMessage m) throws Exception {
        sendRaw(CODEC.encode(m));
    }

    public void sendRaw(String text) throws Exception {
        ws.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    /** The next message, failing the test after 10 s. */
    public ServerMessage next() throws Exception {
        ServerMessage m = inbox.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s");
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    public <T extends ServerMessage> T next(Class<T> type) throws Exception {
        ServerMessage m = next();
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + m);
        }
        return (T) m;
    }

    /** The next message, which must be of {@code type}, within {@code seconds}. */
    @SuppressWarnings("unchecked")
    public <T extends ServerMessage> T nextWithin(Class<T> type, int seconds) throws Exception {
        ServerMessage m = inbox.poll(seconds, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no " + type.getSimpleName() + " within " + seconds + " s");
        }
        if (!type.isInstance(m)) {
            throw new AssertionError("expected " + type.getSimpleName() + " but got " + m);
        }
        return (T) m;
    }

    /** Nothing arrives within the given time. */
    public void expectSilence(long millis) throws Exception {
        ServerMessage m = inbox.poll(millis, TimeUnit.MILLISECONDS);
        if (m != null) {
            throw new AssertionError("unexpected " + m);
        }
    }

    /** The close code the server sent, waiting up to 10 s. */
    public int awaitClose() throws Exception {
        return closeCode.get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(CODEC.decodeServer(partial.toString()));
                } catch (Exception e) {
                    inbox.add(new ServerMessage.Error(null, "client could not decode: " + partial));
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
