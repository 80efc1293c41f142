package io.relaycast.node;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The node's settings, exactly as ../shared/OPERATIONS.md lists them.
 *
 * <p>Every setting is an environment variable ({@code RELAYCAST_HTTP_PORT}); the same name in lower
 * case with dots ({@code relaycast.http.port}) is accepted as a {@code -D} system property or as a
 * line of an optional properties file given as the node's first argument. When a setting is given
 * in several places, the most specific wins: system property, then environment, then file, then the
 * default. Anything unparsable is refused up front with a one-line reason rather than half-starting.
 */
public record Settings(
        String httpHost,
        int httpPort,
        String mediaHost,
        int mediaPort,
        List<String> advertisedIps,
        String nodeId,
        boolean cluster,
        String clusterHost,
        int clusterPort,
        List<String> clusterMembers,
        int eventBusPort,
        String jwtSecret,
        Path jwtPublicKey,
        String clusterDiscovery,
        String clusterK8sService,
        Path eventBusTlsCert,
        Path eventBusTlsKey,
        Path eventBusTlsCa,
        int maxPeersPerRoom,
        int drainSeconds,
        String logLevel,
        int mediaWorkers,
        int maxPeersPerNode,
        int maxMessagesPerSecond,
        int maxTracksPerPeer,
        int maxPeerPacketsPerSecond,
        boolean jsonLogs,
        int joinTimeoutSeconds,
        int headerTimeoutSeconds,
        int frameTimeoutSeconds,
        int maxConnections,
        int maxConnectionsPerIp,
        int relayLinkBudgetBytes,
        int clusterMergeFirstDelaySeconds,
        int clusterMergeNextDelaySeconds,
        int loudestAudioStreams,
        int loudestAudioRoomSize,
        int roomPeersPerWorker,
        int roomMaxWorkers,
        int gcThreadNice,
        int jitThreadNice,
        int dtlsHandshakeThreads) {

    /** Where each setting's value is looked up. */
    @FunctionalInterface
    public interface Source {
        /** The raw value for an environment-style name like {@code RELAYCAST_HTTP_PORT}, or null. */
        String get(String envName);
    }

    /** True when node-to-node event-bus traffic uses mutual TLS. */
    public boolean eventBusTls() {
        return eventBusTlsCert != null;
    }

    /** True when tokens are required (PROTOCOL.md "Authentication"). */
    public boolean authRequired() {
        return (jwtSecret != null && !jwtSecret.isEmpty()) || jwtPublicKey != null;
    }

    /** Settings from system properties, the environment and an optional properties file. */
    public static Settings load(String configFile) throws SettingsException {
        Properties file = new Properties();
        if (configFile != null) {
            Path p = Path.of(configFile);
            if (!Files.isReadable(p)) {
                throw new SettingsException("config file " + configFile + " not found or not readable");
            }
            try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                file.load(r);
            } catch (IOException | IllegalArgumentException e) {
                throw new SettingsException("config file " + configFile + " cannot be read: " + e.getMessage());
            }
        }
        Map<String, String> env = System.getenv();
        return from(name -> {
            String prop = System.getProperty(propertyName(name));
            if (prop != null) {
                return prop;
            }
            String e = env.get(name);
            if (e != null) {
                return e;
            }
            String f = file.getProperty(propertyName(name));
            return f != null ? f : file.getProperty(name);
        });
    }

    /** {@code RELAYCAST_HTTP_PORT} → {@code relaycast.http.port}. */
    public static String propertyName(String envName) {
        return envName.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** Parses and validates every setting from one source. */
    public static Settings from(Source source) throws SettingsException {
        ValueReader r = new ValueReader(source);
        String nodeId = r.string("RELAYCAST_NODE_ID", null);
        if (nodeId == null || nodeId.isBlank()) {
            byte[] b = new byte[4];
            new SecureRandom().nextBytes(b);
            nodeId = "node-" + HexFormat.of().formatHex(b);
        } else if (!nodeId.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new SettingsException("RELAYCAST_NODE_ID must be 1-64 characters of [A-Za-z0-9_.-], got '" + nodeId + "'");
        }
        String discovery = r.string("RELAYCAST_CLUSTER_DISCOVERY", "tcp").toLowerCase(Locale.ROOT);
        if (!discovery.equals("tcp") && !discovery.equals("kubernetes")) {
            throw new SettingsException("RELAYCAST_CLUSTER_DISCOVERY must be 'tcp' or 'kubernetes', got '" + discovery + "'");
        }
        String logLevel = r.string("RELAYCAST_LOG_LEVEL", "info").toLowerCase(Locale.ROOT);
        if (!List.of("trace", "debug", "info", "warn", "error").contains(logLevel)) {
            throw new SettingsException("RELAYCAST_LOG_LEVEL must be one of trace, debug, info, warn, error; got '" + logLevel + "'");
        }
        List<String> advertised = r.list("RELAYCAST_ADVERTISED_IP", "127.0.0.1");
        if (advertised.isEmpty()) {
            throw new SettingsException("RELAYCAST_ADVERTISED_IP must name at least one address");
        }
        for (String ip : advertised) {
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                throw new SettingsException("RELAYCAST_ADVERTISED_IP must be IP addresses, got '" + ip + "'");
            }
        }
        List<String> members = r.list("RELAYCAST_CLUSTER_MEMBERS", "");
        for (String m : members) {
            int colon = m.lastIndexOf(':');
            if (colon <= 0 || !m.substring(colon + 1).matches("\\d{1,5}")) {
                throw new SettingsException("RELAYCAST_CLUSTER_MEMBERS entries must be host:port, got '" + m + "'");
            }
        }
        int mediaWorkers = r.integer("RELAYCAST_MEDIA_WORKERS", Runtime.getRuntime().availableProcessors(), 1, 256);
        int mediaPort = r.port("RELAYCAST_MEDIA_PORT", 40000);
        int tlsFiles = 0;
        for (String name : List.of("RELAYCAST_EVENTBUS_TLS_CERT", "RELAYCAST_EVENTBUS_TLS_KEY", "RELAYCAST_EVENTBUS_TLS_CA")) {
            tlsFiles += r.string(name, "").isEmpty() ? 0 : 1;
        }
        if (tlsFiles != 0 && tlsFiles != 3) {
            throw new SettingsException("event-bus TLS needs all of RELAYCAST_EVENTBUS_TLS_CERT, _KEY and _CA, or none");
        }
        if (mediaPort + mediaWorkers - 1 > 65535) {
            throw new SettingsException("RELAYCAST_MEDIA_PORT " + mediaPort + " leaves no room for " + mediaWorkers + " media ports");
        }
        return new Settings(
                r.string("RELAYCAST_HTTP_HOST", "0.0.0.0"),
                r.port("RELAYCAST_HTTP_PORT", 3000),
                r.string("RELAYCAST_MEDIA_HOST", "0.0.0.0"),
                mediaPort,
                advertised,
                nodeId,
                r.bool("RELAYCAST_CLUSTER", false),
                r.string("RELAYCAST_CLUSTER_HOST", "127.0.0.1"),
                r.port("RELAYCAST_CLUSTER_PORT", 5701),
                members,
                r.integer("RELAYCAST_EVENTBUS_PORT", 0, 0, 65535),
                r.string("RELAYCAST_JWT_SECRET", ""),
                r.existingFile("RELAYCAST_JWT_PUBLIC_KEY"),
                discovery,
                r.string("RELAYCAST_CLUSTER_K8S_SERVICE", ""),
                r.existingFile("RELAYCAST_EVENTBUS_TLS_CERT"),
                r.existingFile("RELAYCAST_EVENTBUS_TLS_KEY"),
                r.existingFile("RELAYCAST_EVENTBUS_TLS_CA"),
                r.integer("RELAYCAST_MAX_PEERS_PER_ROOM", 100, 1, 100_000),
                r.integer("RELAYCAST_DRAIN_SECONDS", 30, 0, 86_400),
                logLevel,
                mediaWorkers,
                r.integer("RELAYCAST_MAX_PEERS_PER_NODE", 500, 1, 1_000_000),
                r.integer("RELAYCAST_MAX_MESSAGES_PER_SECOND", 50, 1, 100_000),
                r.integer("RELAYCAST_MAX_TRACKS_PER_PEER", 4, 1, 64),
                r.integer("RELAYCAST_MAX_PEER_PACKET_RATE", 3000, 10, 1_000_000),
                r.string("RELAYCAST_LOG_FORMAT", "text").equalsIgnoreCase("json") ? true
                        : checkedText(r.string("RELAYCAST_LOG_FORMAT", "text")),
                r.integer("RELAYCAST_JOIN_TIMEOUT_SECONDS", 10, 1, 3600),
                r.integer("RELAYCAST_HTTP_HEADER_TIMEOUT_SECONDS", 10, 1, 3600),
                r.integer("RELAYCAST_WS_FRAME_TIMEOUT_SECONDS", 30, 3, 3600),
                r.integer("RELAYCAST_MAX_CONNECTIONS", 10_000, 16, 10_000_000),
                r.integer("RELAYCAST_MAX_CONNECTIONS_PER_IP", 100, 0, 10_000_000),
                r.integer("RELAYCAST_RELAY_LINK_BUDGET_BYTES", 4 << 20, 64 * 1024, 1 << 30),
                r.integer("RELAYCAST_CLUSTER_MERGE_FIRST_DELAY_SECONDS", 5, 1, 3600),
                r.integer("RELAYCAST_CLUSTER_MERGE_NEXT_DELAY_SECONDS", 5, 1, 3600),
                r.integer("RELAYCAST_LOUDEST_AUDIO_STREAMS", 3, 1, 1000),
                r.integer("RELAYCAST_LOUDEST_AUDIO_ROOM_SIZE", 20, 1, 100_000),
                r.integer("RELAYCAST_ROOM_PEERS_PER_WORKER", 50, 1, 1_000_000),
                // 0: as many workers as the node has.
                r.integer("RELAYCAST_ROOM_MAX_WORKERS", 0, 0, 256),
                // 0: those threads keep the JVM's priority (BackgroundThreadPriority says why 10).
                r.integer("RELAYCAST_GC_THREAD_NICE", 10, 0, 19),
                r.integer("RELAYCAST_JIT_THREAD_NICE", 10, 0, 19),
                // Threads mostly wait for the peer; how many compute at once is the core count
                // (DtlsHandshakePool says why the two bounds differ).
                r.integer("RELAYCAST_DTLS_HANDSHAKE_THREADS", 128, 1, 4096));
    }

    private static boolean checkedText(String format) throws SettingsException {
        if (!format.equalsIgnoreCase("text")) {
            throw new SettingsException("RELAYCAST_LOG_FORMAT must be 'text' or 'json', got '" + format + "'");
        }
        return false;
    }

    /** Typed reads with one-line errors naming the variable. */
    private static final class ValueReader {
        private final Source source;

        ValueReader(Source source) {
            this.source = source;
        }

        String string(String name, String dflt) {
            String v = source.get(name);
            return v == null ? dflt : v.trim();
        }

        int port(String name, int dflt) throws SettingsException {
            return integer(name, dflt, 1, 65535);
        }

        int integer(String name, int dflt, int min, int max) throws SettingsException {
            return parse(name, dflt, s -> {
                int v = Integer.parseInt(s);
                if (v < min || v > max) {
                    throw new NumberFormatException("out of range " + min + ".." + max);
                }
                return v;
            }, "a whole number from " + min + " to " + max);
        }

        boolean bool(String name, boolean dflt) throws SettingsException {
            return parse(name, dflt, s -> switch (s.toLowerCase(Locale.ROOT)) {
                case "true", "1", "yes" -> true;
                case "false", "0", "no" -> false;
                default -> throw new IllegalArgumentException();
            }, "true or false");
        }

        List<String> list(String name, String dflt) {
            List<String> out = new ArrayList<>();
            for (String part : string(name, dflt).split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return List.copyOf(out);
        }

        Path existingFile(String name) throws SettingsException {
            String v = string(name, "");
            if (v.isEmpty()) {
                return null;
            }
            Path p = Path.of(v);
            if (!Files.isReadable(p)) {
                throw new SettingsException(name + ": file " + v + " not found or not readable");
            }
            return p;
        }

        private <T> T parse(String name, T dflt, Function<String, T> parser, String expected) throws SettingsException {
            String v = string(name, null);
            if (v == null || v.isEmpty()) {
                return dflt;
            }
            try {
                return parser.apply(v);
            } catch (RuntimeException e) {
                throw new SettingsException(name + " must be " + expected + ", got '" + v + "'");
            }
        }
    }
}
