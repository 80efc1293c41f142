import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proves that running nodes form one cluster, from outside, over their published HTTP ports
 * (deploy/check.sh runs it with the JDK alone: {@code java deploy/check/ClusterProbe.java URL1 URL2 URL3}).
 *
 * <p>A peer joins a fresh room on the first node and another on the second (PROTOCOL.md
 * {@code join}); the second's {@code welcome} must list the first, and {@code /api/rooms} on
 * every node must list both peers with the nodes they are on. Only the JDK is used, so the
 * JSON is read with patterns that match the node's compact output. Exit 0 on success, 1 with
 * the reason otherwise.
 */
public final class ClusterProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java ClusterProbe.java http://127.0.0.1:3001 http://127.0.0.1:3002 [more nodes]");
            System.exit(2);
        }
        String room = "deploy-check-" + Long.toHexString(System.nanoTime());
        try (Peer ann = Peer.connect(args[0]); Peer bob = Peer.connect(args[1])) {
            String welcomeA = ann.join(room, "Ann");
            String welcomeB = bob.join(room, "Bob");
            String annId = field(welcomeA, "peerId");
            String bobId = field(welcomeB, "peerId");
            Map<String, String> expected = new TreeMap<>(Map.of(annId, field(welcomeA, "nodeId"), bobId, field(welcomeB, "nodeId")));
            if (expected.get(annId).equals(expected.get(bobId))) {
                fail("both peers landed on node " + expected.get(annId) + ": the URLs name the same node");
            }
            if (!welcomeB.contains("\"peerId\":\"" + annId + "\"")) {
                fail("the welcome on " + args[1] + " does not list the peer on " + args[0] + ": " + welcomeB);
            }
            System.out.println("probe: " + annId + " joined " + room + " on " + expected.get(annId) + ", "
                    + bobId + " on " + expected.get(bobId) + "; the second welcome lists the first");
            for (String node : args) {
                Map<String, String> seen = new TreeMap<>();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                do {
                    seen = peersIn(node, room);
                } while (!seen.equals(expected) && System.nanoTime() < deadline && sleep(200));
                if (!seen.equals(expected)) {
                    fail(node + "/api/rooms lists " + seen + " in " + room + ", expected " + expected);
                }
                System.out.println("probe: " + node + "/api/rooms lists both peers with their nodes " + seen.values());
            }
        }
    }

    /** peerId to nodeId of the peers {@code /api/rooms} lists in {@code room}. */
    private static Map<String, String> peersIn(String node, String room) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(node + "/api/rooms")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            fail(node + "/api/rooms answered " + r.statusCode());
        }
        Map<String, String> out = new TreeMap<>();
        int at = r.body().indexOf("\"roomId\":\"" + room + "\"");
        if (at < 0) {
            return out;
        }
        int end = r.body().indexOf("\"roomId\":", at + 1);
        String entry = r.body().substring(at, end < 0 ? r.body().length() : end);
        Matcher m = Pattern.compile("\\{[^{}]*\"peerId\":\"([^\"]+)\"[^{}]*}").matcher(entry);
        while (m.find()) {
            out.put(m.group(1), field(m.group(), "nodeId"));
        }
        return out;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            fail("no " + name + " in " + json);
        }
        return m.group(1);
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    private static void fail(String reason) {
        System.err.println("probe: FAIL " + reason);
        System.exit(1);
    }

    /** One signaling WebSocket; text frames are queued whole. */
    private static final class Peer implements WebSocket.Listener, AutoCloseable {
        private final LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final String node;
        private WebSocket ws;

        private Peer(String node) {
            this.node = node;
        }

        static Peer connect(String node) throws Exception {
            Peer p = new Peer(node);
            p.ws = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT)
                    .buildAsync(URI.create(node.replaceFirst("^http", "ws") + "/ws"), p)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return p;
        }

        /** Sends {@code join} and returns the {@code welcome}; any other answer fails the probe. */
        String join(String room, String name) throws Exception {
            ws.sendText("{\"type\":\"join\",\"roomId\":\"" + room + "\",\"name\":\"" + name + "\"}", true)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<String> other = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                String f = frames.poll(200, TimeUnit.MILLISECONDS);
                if (f == null) {
                    continue;
                }
                if (f.contains("\"type\":\"welcome\"")) {
                    return f;
                }
                if (f.contains("\"type\":\"error\"")) {
                    fail(node + " refused the join: " + f);
                }
                other.add(f);
            }
            fail(node + " sent no welcome within " + TIMEOUT.toSeconds() + " s; other frames: " + other);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
            ws.abort();
        }
    }
}
