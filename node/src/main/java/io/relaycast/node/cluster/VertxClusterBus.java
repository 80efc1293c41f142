package io.relaycast.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * {@link ClusterBus} on Vert.x's event bus: clustered over TCP between nodes, or local in dev mode.
 * Once Vert.x is closing, its event bus throws RejectedExecutionException from publish and send;
 * here that drops the message, as the bus drops one for a node that has gone, so that a room
 * cleaning up on a stopping node (announcing its peers' leave) runs to the end.
 */
public final class VertxClusterBus implements ClusterBus {
    private static final Logger LOG = Logger.getLogger(VertxClusterBus.class.getName());
    private final EventBus bus;

    public VertxClusterBus(EventBus bus) {
        this.bus = bus;
    }

    @Override
    public <T> Registration consumer(String address, Consumer<T> handler) {
        // Registered on the calling context, so Vert.x delivers on that thread.
        MessageConsumer<T> c = bus.consumer(address, m -> handler.accept(m.body()));
        return new Registration() {
            @Override
            public Future<Void> completion() {
                return c.completion();
            }

            @Override
            public void unregister() {
                c.unregister();
            }
        };
    }

    @Override
    public void publish(String address, JsonObject body) {
        try {
            bus.publish(address, body);
        } catch (RejectedExecutionException closing) {
            LOG.fine(() -> "event bus closed: dropped a message published to " + address);
        }
    }

    @Override
    public void send(String address, Object body) {
        try {
            bus.send(address, body);
        } catch (RejectedExecutionException closing) {
            LOG.fine(() -> "event bus closed: dropped a message sent to " + address);
        }
    }
}
