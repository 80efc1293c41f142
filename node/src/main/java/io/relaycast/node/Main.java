package io.relaycast.node;

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
        configureLogging(settings.logLevel());
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

        // SIGTERM drains and exits 0; a JVM shutdown hook alone would exit 143 and could not wait.
        CountDownLatch stopped = new CountDownLatch(1);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
            log.info("SIGTERM: draining");
            node.drainAndStop().onComplete(ar -> stopped.countDown());
        });
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), sig -> {
            log.info("SIGINT: stopping");
            node.stop().onComplete(ar -> stopped.countDown());
        });
        stopped.await();
        log.info("stopped");
        System.exit(0);
    }

    /** One line per record, with the level the operator asked for. */
    static void configureLogging(String level) {
        System.setProperty("java.util.logging.SimpleFormatter.format",
                "%1$tFT%1$tT.%1$tLZ %4$-7s [%3$s] %5$s%6$s%n");
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
        handler.setFormatter(new java.util.logging.SimpleFormatter());
        root.addHandler(handler);
        root.setLevel(l);
        // Hazelcast and Netty are chatty below INFO even when the operator wants our debug lines.
        Logger.getLogger("com.hazelcast").setLevel(l.intValue() < Level.INFO.intValue() ? Level.INFO : l);
        Logger.getLogger("io.netty").setLevel(l.intValue() < Level.INFO.intValue() ? Level.INFO : l);
    }
}
