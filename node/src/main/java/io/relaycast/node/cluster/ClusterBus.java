package io.relaycast.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/**
 * The part of the event bus rooms and relays use: room events published to every node with the
 * room, relay frames sent to one node's worker. The node runs it on Vert.x's (clustered) event
 * bus ({@link VertxClusterBus}); the deterministic simulation (issue 12) on an in-simulation bus
 * with delays and partitions.
 */
public interface ClusterBus {

    /** A registered consumer. */
    interface Registration {
        /** Completes once the registration has reached the cluster (Vert.x spreads it asynchronously). */
        Future<Void> completion();

        void unregister();
    }

    /**
     * Registers {@code handler} for {@code address}. Call it on the thread that must receive the
     * messages (a media worker's): the handler runs there.
     */
    <T> Registration consumer(String address, Consumer<T> handler);

    /** Delivers {@code body} to every consumer of {@code address} on every node. */
    void publish(String address, JsonObject body);

    /** Delivers {@code body} to one consumer of {@code address}; dropped when there is none. */
    void send(String address, Object body);
}
