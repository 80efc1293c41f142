package io.relaycast.node.observe;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's log line formats: one line per record, always with the node id, and with the peer id
 * as its own field on peer-related lines (their messages start with {@code peer <id>}, which every
 * peer-related log call in the node follows).
 */
public final class LogFormats {
    private static final Pattern PEER = Pattern.compile("^peer ([0-9a-f]{16})\\b");

    private LogFormats() {
    }

    /** {@code 2026-11-22T16:06:42.617Z info  node-1 [Room] message}. */
    public static Formatter text(String nodeId) {
        return new Formatter() {
            @Override
            public String format(LogRecord r) {
                StringBuilder b = new StringBuilder(160);
                b.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                        .append(String.format("%-5s", levelName(r.getLevel()))).append(' ')
                        .append(nodeId).append(" [").append(shortName(r.getLoggerName())).append("] ")
                        .append(formatMessage(r));
                appendThrown(b, r);
                return b.append(System.lineSeparator()).toString();
            }
        };
    }

    /** One JSON object per line: time, level, node, logger, peer (when there is one), message, error. */
    public static Formatter json(String nodeId) {
        return new Formatter() {
            @Override
            public String format(LogRecord r) {
                String message = formatMessage(r);
                StringBuilder b = new StringBuilder(200).append('{');
                field(b, "time", Instant.ofEpochMilli(r.getMillis()).toString()).append(',');
                field(b, "level", levelName(r.getLevel())).append(',');
                field(b, "node", nodeId).append(',');
                field(b, "logger", r.getLoggerName() == null ? "" : r.getLoggerName()).append(',');
                Matcher m = PEER.matcher(message);
                if (m.find()) {
                    field(b, "peer", m.group(1)).append(',');
                }
                field(b, "message", message);
                if (r.getThrown() != null) {
                    StringWriter w = new StringWriter();
                    r.getThrown().printStackTrace(new PrintWriter(w));
                    b.append(',');
                    field(b, "error", w.toString());
                }
                return b.append('}').append(System.lineSeparator()).toString();
            }
        };
    }

    /**
     * A record's level as RELAYCAST_LOG_LEVEL names it ({@code warn}, not JUL's {@code WARNING}),
     * so a line can be matched against the setting that let it through. JUL's levels between
     * two names (CONFIG, FINER) print as the next name down.
     */
    public static String levelName(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (v >= Level.WARNING.intValue()) {
            return "warn";
        }
        if (v >= Level.INFO.intValue()) {
            return "info";
        }
        if (v >= Level.FINE.intValue()) {
            return "debug";
        }
        return "trace";
    }

    private static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }

    private static String shortName(String logger) {
        if (logger == null) {
            return "";
        }
        int dot = logger.lastIndexOf('.');
        return dot < 0 ? logger : logger.substring(dot + 1);
    }

    private static void appendThrown(StringBuilder b, LogRecord r) {
        if (r.getThrown() != null) {
            StringWriter w = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(w));
            b.append(System.lineSeparator()).append(w.toString().stripTrailing());
        }
    }
}
