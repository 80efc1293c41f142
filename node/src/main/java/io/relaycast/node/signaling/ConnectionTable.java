package io.relaycast.node.signaling;

import io.netty.channel.Channel;
import io.relaycast.node.observe.NodeMetrics;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Every open connection of the signaling port, and the hygiene rules that keep idle or hostile
 * ones from starving the node (issue 11):
 *
 * <ul>
 *   <li>an HTTP connection whose request headers are not complete within the header timeout is
 *       closed (slowloris), and so is a keep-alive connection idle that long between requests;</li>
 *   <li>a WebSocket that has not sent a valid {@code join} within the join timeout is closed (4409);</li>
 *   <li>a WebSocket from which no complete frame arrived within the frame timeout is closed (4409);
 *       the node pings every third of that time, so a live client always answers with a pong and a
 *       frame trickled byte by byte (which completes no frame) is caught;</li>
 *   <li>connections per source address are capped: one over the cap is closed at accept;</li>
 *   <li>connections that are not a joined peer are capped per node: at the cap the one idle the
 *       longest is closed to make room. So a newcomer ({@code /health}, {@code /metrics}, a real
 *       join) always gets a socket, and an attacker must open the whole cap within the time a
 *       real client takes to join to push it out. Joined peers are capped separately
 *       ({@code RELAYCAST_MAX_PEERS_PER_NODE}); both caps together stay below the process's file
 *       descriptor limit (see {@link SignalingVerticle}), so accept never fails.</li>
 * </ul>
 *
 * <p>Runs on the signaling verticle's event loop only: no locks. Each rule's closes are counted in
 * {@code relaycast_limit_rejections_total{limit}}.
 */
final class ConnectionTable {
    private static final Logger LOG = Logger.getLogger(ConnectionTable.class.getName());

    enum Phase { AWAITING_REQUEST, REQUEST, WEBSOCKET, JOINED }

    /** One open connection. */
    static final class Entry {
        final Channel channel;
        final String address;
        Phase phase = Phase.AWAITING_REQUEST;
        /** When the current phase's clock started (the wait for a request, or the WebSocket's upgrade). */
        long sinceNanos;
        HttpServerRequest request;
        ClientSession session;
        boolean closing;
        boolean removed;

        Entry(Channel channel, String address, long now) {
            this.channel = channel;
            this.address = address;
            this.sinceNanos = now;
        }
    }

    private final Context context;
    private final NodeMetrics metrics;
    private final int maxUnjoined;
    private final int maxPerAddress;
    private final long headerTimeoutNanos;
    private final long joinTimeoutNanos;
    private final long frameTimeoutNanos;
    /** Not joined, the one idle the longest first (an entry moves to the end on each new phase). */
    private final LinkedHashMap<Channel, Entry> unjoined = new LinkedHashMap<>();
    private final Map<Channel, Entry> joined = new HashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();

    ConnectionTable(Context context, NodeMetrics metrics, int maxUnjoined, int maxPerAddress, int headerTimeoutSeconds,
                    int joinTimeoutSeconds, int frameTimeoutSeconds) {
        this.context = context;
        this.metrics = metrics;
        this.maxUnjoined = maxUnjoined;
        this.maxPerAddress = maxPerAddress;
        this.headerTimeoutNanos = headerTimeoutSeconds * 1_000_000_000L;
        this.joinTimeoutNanos = joinTimeoutSeconds * 1_000_000_000L;
        this.frameTimeoutNanos = frameTimeoutSeconds * 1_000_000_000L;
    }

    long frameTimeoutNanos() {
        return frameTimeoutNanos;
    }

    /** A connection was accepted; returns its entry, or null when it was refused (and closed). */
    Entry opened(Channel channel, String address, long now) {
        if (maxPerAddress > 0 && perAddress.getOrDefault(address, 0) >= maxPerAddress) {
            metrics.limitRejected("connections_per_ip");
            channel.close();
            return null;
        }
        while (unjoined.size() >= maxUnjoined && !unjoined.isEmpty()) {
            Entry oldest = unjoined.values().iterator().next();
            metrics.limitRejected("connections_per_node");
            LOG.fine(() -> "connection cap reached: closing the connection idle the longest, from " + oldest.address);
            remove(oldest);
            oldest.channel.close();
        }
        Entry e = new Entry(channel, address, now);
        unjoined.put(channel, e);
        perAddress.merge(address, 1, Integer::sum);
        // The close future completes on the channel's event loop; the table is touched on its own.
        channel.closeFuture().addListener(f -> context.runOnContext(v -> remove(e)));
        publish();
        return e;
    }

    /** The entry of a connection, or null if it was refused or is gone. */
    Entry get(Channel channel) {
        Entry e = unjoined.get(channel);
        return e != null ? e : joined.get(channel);
    }

    /** A request's headers arrived on a connection. */
    void requestStarted(Entry e, HttpServerRequest request, long now) {
        e.request = request;
        moveTo(e, Phase.REQUEST, now);
    }

    /** The connection became a WebSocket: from now the join timeout runs. */
    void upgraded(Entry e, ClientSession session, long now) {
        e.session = session;
        e.request = null;
        moveTo(e, Phase.WEBSOCKET, now);
    }

    /** A join was dispatched: the connection is a peer's, no longer subject to the join timeout or eviction. */
    void joined(Entry e) {
        if (e.removed || e.phase == Phase.JOINED) {
            return;
        }
        unjoined.remove(e.channel);
        e.phase = Phase.JOINED;
        joined.put(e.channel, e);
        publish();
    }

    /**
     * The room refused the join: the WebSocket is not joined again. Its join clock keeps running
     * from the upgrade, so refused joins cannot keep a socket open past the join timeout.
     */
    void joinRefused(Entry e) {
        if (e.removed || e.phase != Phase.JOINED) {
            return;
        }
        joined.remove(e.channel);
        e.phase = Phase.WEBSOCKET;
        unjoined.put(e.channel, e);
        publish();
    }

    /** The connection is closed. Idempotent; also called from the channel's close future. */
    void remove(Entry e) {
        if (e.removed) {
            return;
        }
        e.removed = true;
        if (unjoined.remove(e.channel) == null) {
            joined.remove(e.channel);
        }
        perAddress.computeIfPresent(e.address, (k, n) -> n > 1 ? n - 1 : null);
        publish();
    }

    /** Applies the timeouts and pings; called about twice a second. */
    void sweep(long now) {
        List<Entry> expired = new ArrayList<>();
        // Copies: closing a session may come back to the table.
        for (Entry e : new ArrayList<>(unjoined.values())) {
            if (e.closing) {
                continue;
            }
            switch (e.phase) {
                case AWAITING_REQUEST -> {
                    if (now - e.sinceNanos > headerTimeoutNanos) {
                        expired.add(e);
                    }
                }
                case REQUEST -> {
                    // The response went out: the connection now waits for its next request (keep-alive),
                    // under the same header timeout. Noticed here rather than by an end handler, which
                    // the router owns.
                    if (e.request != null && e.request.response().ended()) {
                        e.request = null;
                        e.phase = Phase.AWAITING_REQUEST;
                        e.sinceNanos = now;
                    }
                }
                case WEBSOCKET -> {
                    if (now - e.sinceNanos > joinTimeoutNanos) {
                        e.closing = true;
                        metrics.limitRejected("join_timeout");
                        e.session.timedOut("no join within " + joinTimeoutNanos / 1_000_000_000L
                                + " s (RELAYCAST_JOIN_TIMEOUT_SECONDS)");
                    } else {
                        frameCheck(e, now);
                    }
                }
                case JOINED -> { }
            }
        }
        for (Entry e : expired) {
            metrics.limitRejected("header_timeout");
            remove(e);
            e.channel.close();
        }
        for (Entry e : new ArrayList<>(joined.values())) {
            if (!e.closing) {
                frameCheck(e, now);
            }
        }
    }

    private void frameCheck(Entry e, long now) {
        long quiet = now - e.session.lastFrameNanos();
        if (quiet > frameTimeoutNanos) {
            e.closing = true;
            metrics.limitRejected("frame_timeout");
            e.session.timedOut("no complete frame within " + frameTimeoutNanos / 1_000_000_000L
                    + " s (RELAYCAST_WS_FRAME_TIMEOUT_SECONDS)");
        } else {
            e.session.pingIfDue(now, frameTimeoutNanos / 3);
        }
    }

    private void moveTo(Entry e, Phase phase, long now) {
        if (e.removed) {
            return;
        }
        e.phase = phase;
        e.sinceNanos = now;
        if (unjoined.remove(e.channel) != null) {
            unjoined.put(e.channel, e); // to the end: the least recently active stay first in line for eviction
        }
    }

    int size() {
        return unjoined.size() + joined.size();
    }

    private void publish() {
        metrics.connections().set(unjoined.size() + joined.size());
        metrics.unjoinedConnections().set(unjoined.size());
    }
}
