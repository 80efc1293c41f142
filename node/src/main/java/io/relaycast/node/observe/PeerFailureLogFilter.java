package io.relaycast.node.observe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Keeps a peer node's crash down to a few useful lines on the survivors (issue 15: one
 * {@code kill -9} of a peer produced pages of stack traces).
 *
 * <p>When a peer dies, the Vert.x 5.0.10 clustered event bus logs every failed reconnection with a
 * full Netty stack trace, and every message still queued for the dead connection as an "Unhandled
 * exception: Promise already completed" from {@code OutboundConnection} (a Vert.x artefact of
 * failing the queue twice; the messages are lost either way, and the peer's rooms are cleaned up
 * by NodeWatcher once Hazelcast drops the member). This filter, on the node's console handler:
 * <ul>
 *   <li>prints an event-bus connection failure, and an I/O error on a Hazelcast member
 *       connection ("Connection reset"), as one line, with the cause's message instead of
 *       the stack trace, and only once per message text per {@link #REPEAT_NANOS};</li>
 *   <li>drops the "Promise already completed" records thrown from the event bus's outbound
 *       connection (every other unhandled exception is kept, with its stack trace).</li>
 * </ul>
 * It rewrites those records in place: the console handler is their only consumer.
 */
public final class PeerFailureLogFilter implements Filter {
    static final String EVENT_BUS_LOGGER = "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus";
    /** Hazelcast's member connection: a dead peer's "Connection reset" comes with a stack trace. */
    static final String HAZELCAST_CONNECTION = "com.hazelcast.internal.server.tcp.TcpServerConnection";
    static final String OUTBOUND_CONNECTION = "io.vertx.core.eventbus.impl.clustered.OutboundConnection";
    static final long REPEAT_NANOS = 30_000_000_000L;
    private static final int REMEMBERED = 64;

    private final LongSupplier nanoClock;
    private final Map<String, Long> lastPrinted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };

    public PeerFailureLogFilter() {
        this(System::nanoTime);
    }

    PeerFailureLogFilter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public boolean isLoggable(LogRecord r) {
        Throwable thrown = r.getThrown();
        if (thrown == null) {
            return true;
        }
        if (thrown instanceof IllegalStateException && "Promise already completed".equals(thrown.getMessage())
                && thrownFrom(thrown, OUTBOUND_CONNECTION)) {
            return false;
        }
        if (EVENT_BUS_LOGGER.equals(r.getLoggerName())
                || (HAZELCAST_CONNECTION.equals(r.getLoggerName()) && thrown instanceof java.io.IOException)) {
            String line = r.getMessage() + ": " + rootMessage(thrown);
            r.setMessage(line);
            r.setParameters(null);
            r.setThrown(null);
            return firstInAWhile(line);
        }
        return true;
    }

    private synchronized boolean firstInAWhile(String line) {
        long now = nanoClock.getAsLong();
        Long last = lastPrinted.get(line);
        if (last != null && now - last < REPEAT_NANOS) {
            return false;
        }
        lastPrinted.put(line, now);
        return true;
    }

    private static boolean thrownFrom(Throwable t, String className) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return root == t || root.getMessage() == null || top.contains(root.getMessage())
                ? top : top + " (" + root.getMessage() + ")";
    }
}
