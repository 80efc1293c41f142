package io.relaycast.node.observe;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The records a survivor's log got when a peer node was killed, as Vert.x 5.0.10 logs them. */
class PeerFailureLogFilterTest {
    private final AtomicLong now = new AtomicLong();
    private final PeerFailureLogFilter filter = new PeerFailureLogFilter(now::get);

    private static LogRecord record(String logger, Level level, String message, Throwable thrown) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName(logger);
        r.setThrown(thrown);
        return r;
    }

    private static LogRecord connectFailed(String server) {
        // Netty's AnnotatedConnectException is a ConnectException naming the address, caused by the plain one.
        ConnectException e = new ConnectException("Connection refused: /127.0.0.1:43491");
        e.initCause(new ConnectException("Connection refused"));
        return record(PeerFailureLogFilter.EVENT_BUS_LOGGER, Level.WARNING, "Connecting to server " + server + " failed", e);
    }

    @Test
    void anEventBusConnectionFailureIsOneLineOncePerWhile() {
        LogRecord first = connectFailed("008e0ca9");
        assertTrue(filter.isLoggable(first));
        assertNull(first.getThrown(), "no stack trace");
        assertEquals("Connecting to server 008e0ca9 failed: Connection refused: /127.0.0.1:43491", first.getMessage());
        now.addAndGet(2_000_000_000L);
        assertFalse(filter.isLoggable(connectFailed("008e0ca9")), "the same failure 2 s later");
        assertTrue(filter.isLoggable(connectFailed("11111111")), "another server's failure");
        now.addAndGet(PeerFailureLogFilter.REPEAT_NANOS);
        assertTrue(filter.isLoggable(connectFailed("008e0ca9")), "still failing much later: said again");
    }

    @Test
    void aResetHazelcastConnectionIsOneLine() {
        LogRecord reset = record(PeerFailureLogFilter.HAZELCAST_CONNECTION, Level.WARNING,
                "Connection[id=1, endpoint=[127.0.0.1]:5712] closed. Reason: Exception in Connection", new java.net.SocketException("Connection reset"));
        assertTrue(filter.isLoggable(reset));
        assertNull(reset.getThrown());
        assertTrue(reset.getMessage().endsWith("Exception in Connection: Connection reset"), reset.getMessage());
        LogRecord bug = record(PeerFailureLogFilter.HAZELCAST_CONNECTION, Level.SEVERE, "x", new IllegalStateException("a bug"));
        assertTrue(filter.isLoggable(bug));
        assertTrue(bug.getThrown() != null, "a non-I/O exception keeps its stack trace");
    }

    @Test
    void onlyTheEventBusPromiseArtefactIsDropped() {
        IllegalStateException artefact = new IllegalStateException("Promise already completed");
        artefact.setStackTrace(new StackTraceElement[]{
                new StackTraceElement("io.vertx.core.Promise", "fail", "Promise.java", 104),
                new StackTraceElement(PeerFailureLogFilter.OUTBOUND_CONNECTION, "writeMessage", "OutboundConnection.java", 86)});
        assertFalse(filter.isLoggable(record("io.vertx.core.impl.ContextImpl", Level.SEVERE, "Unhandled exception", artefact)));

        IllegalStateException elsewhere = new IllegalStateException("Promise already completed");
        LogRecord kept = record("io.vertx.core.impl.ContextImpl", Level.SEVERE, "Unhandled exception", elsewhere);
        assertTrue(filter.isLoggable(kept));
        assertSame(elsewhere, kept.getThrown(), "any other unhandled exception keeps its stack trace");
        assertTrue(filter.isLoggable(record("io.relaycast.node.room.Room", Level.INFO, "peer left", null)));
    }
}
