package io.relaycast.node;

import io.relaycast.srtp.SrtpContext;
import io.vertx.core.Future;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * Command-line entry point: {@code java -jar relaycast-node.jar [config.properties]}.
 *
 * <p>Exits 2 with a one-line reason on bad settings, 1 when a port cannot be bound, and 0 after a
 * SIGTERM drain (OPERATIONS.md "Stop").
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        PrintStream err = System.err;
        Settings settings;
        try {
            settings = Settings.load(args.length > 0 ? args[0] : null);
        } catch (SettingsException e) {
            err.println("relaycast: " + e.getMessage());
            System.exit(2);
            return;
        }
        configureLogging(settings.logLevel(), settings.jsonLogs(), settings.nodeId());
        Logger log = Logger.getLogger(Main.class.getName());

        CountDownLatch started = new CountDownLatch(1);
        RelaycastNode[] holder = new RelaycastNode[1];
        String[] failure = new String[1];
        Future<RelaycastNode> starting;
        try {
            starting = RelaycastNode.start(settings);
        } catch (SettingsException e) {
            err.println("relaycast: " + e.getMessage());
            System.exit(2);
            return;
        }
        starting.onComplete(ar -> {
            if (ar.succeeded()) {
                holder[0] = ar.result();
            } else {
                failure[0] = ar.cause().getMessage();
            }
            started.countDown();
        });
        if (!started.await(120, TimeUnit.SECONDS)) {
            err.println("relaycast: node did not start within 120 s");
            System.exit(1);
        }
        if (failure[0] != null) {
            err.println("relaycast: " + failure[0]);
            System.exit(1);
        }
        RelaycastNode node = holder[0];
        // Per process, not per node: tests start several nodes in one JVM and leave this alone.
        BackgroundThreadPriority.start(settings.gcThreadNice(), settings.jitThreadNice());
        // A node started with `java -cp` (not -jar) misses the manifest's --add-opens and pays
        // about 1 KB of garbage per SRTP packet: say so where an operator looks.
        if (SrtpContext.aesGcmAllocationFree()) {
            log.info("SRTP: " + SrtpContext.aesGcmImplementation());
        } else {
            log.warning("SRTP: " + SrtpContext.aesGcmImplementation());
        }

        // SIGTERM drains and exits 0; a JVM shutdown hook alone would exit 143 and could not wait.
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch termReceived = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
            if (termReceived.getCount() == 0) {
                log.info("SIGTERM again: already draining");
                return;
            }
            termReceived.countDown();
            log.info("SIGTERM: draining");
            node.drainAndStop().onComplete(ar -> {
                if (ar.failed()) {
                    log.warning("drain ended with an error: " + ar.cause());
                }
                stopped.countDown();
            });
        });
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
            termReceived.countDown();
            log.info("SIGINT: stopping");
            node.stop().onComplete(ar -> stopped.countDown());
        });
        // Idle until a signal arrives; from then on the stop is given a bounded time.
        termReceived.await();
        awaitStop(stopped, settings, log);
        log.info("stopped");
        System.exit(0);
    }

    /**
     * Waits for the stop, but never forever: a stop that has not finished this long after the
     * drain time is reported and the process exits anyway, because an orchestrator waiting on a
     * drained node must not wait on a bug.
     */
    static void awaitStop(CountDownLatch stopped, Settings settings, Logger log) throws InterruptedException {
        if (!stopped.await(settings.drainSeconds() + 30L, TimeUnit.SECONDS)) {
            log.warning("stop did not finish within " + (settings.drainSeconds() + 30) + " s; exiting anyway");
        }
    }

    /** One line per record (text or JSON), with the node id and the level the operator asked for. */
    static void configureLogging(String level, boolean json, String nodeId) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
        Level l = switch (level) {
            case "trace" -> Level.FINEST;
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
        handler.setLevel(l);
        handler.setFormatter(json ? io.relaycast.node.observe.LogFormats.json(nodeId)
                : io.relaycast.node.observe.LogFormats.text(nodeId));
        // A peer node's crash is a few lines, not pages of event-bus stack traces.
        handler.setFilter(new io.relaycast.node.observe.PeerFailureLogFilter());
        root.addHandler(handler);
        root.setLevel(l);
        // Hazelcast and Netty are chatty below INFO even when the operator wants our debug lines.
        Logger.getLogger("com.hazelcast").setLevel(l.intValue() < Level.INFO.intValue() ? Level.INFO : l);
        Logger.getLogger("io.netty").setLevel(l.intValue() < Level.INFO.intValue() ? Level.INFO : l);
    }
}
