package io.relaycast.node;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A media port taken by someone else (two nodes' ranges overlapping, issue 15): the start fails
 * with one reason that names the port and the node's whole range, and nothing is logged as a
 * warning or error on the way. The packaged node used to log "Promise already completed" with a
 * stack trace for each worker still binding when the first one failed; that race needs workers
 * slower to bind than they are in a warm test JVM, so this test does not reliably catch it (the
 * command-line check in issue 15's closing note does).
 */
class PortCollisionTest {
    private static final int WORKERS = 16;

    /** A UDP port p with p .. p+count-1 free at the moment of asking. */
    private static int freeUdpRange(int count) throws Exception {
        for (int attempt = 0; attempt < 50; attempt++) {
            int p;
            try (DatagramSocket s = new DatagramSocket(0)) {
                p = s.getLocalPort();
            }
            if (p + count - 1 > 65535) {
                continue;
            }
            List<DatagramSocket> probes = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    probes.add(new DatagramSocket(p + i));
                }
                return p;
            } catch (java.net.SocketException busy) {
                // try another
            } finally {
                probes.forEach(DatagramSocket::close);
            }
        }
        throw new IllegalStateException("no free UDP range of " + count);
    }

    @Test
    void aTakenMediaPortFailsTheStartWithOneReasonAndNoErrorLogged() throws Exception {
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    errors.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        int first = freeUdpRange(WORKERS);
        // The first worker's port is taken, as when two nodes' ranges overlap: that worker fails
        // at once while the other fifteen are still binding.
        try (DatagramSocket taken = new DatagramSocket(first, InetAddress.getLoopbackAddress())) {
            Settings settings = Settings.from(Map.of("RELAYCAST_HTTP_HOST", "127.0.0.1",
                    "RELAYCAST_HTTP_PORT", Integer.toString(TestNodes.freeTcpPort()),
                    "RELAYCAST_MEDIA_HOST", "127.0.0.1", "RELAYCAST_MEDIA_WORKERS", Integer.toString(WORKERS),
                    "RELAYCAST_MEDIA_PORT", Integer.toString(first))::get);
            Future<RelaycastNode> start = RelaycastNode.start(settings);
            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> start.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
            String reason = failed.getCause().getMessage();
            assertTrue(reason.startsWith("cannot bind UDP media port 127.0.0.1:" + first + ": "), reason);
            assertTrue(reason.contains("udp 127.0.0.1:" + first + "-" + (first + WORKERS - 1)), reason);
            assertEquals(1, reason.lines().count(), reason);
            // Give a late worker start time to be logged, as it was before the fix.
            Thread.sleep(500);
            assertEquals(List.of(), errors.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        } finally {
            root.removeHandler(capture);
        }
    }
}
