package io.relaycast.node.cluster;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.function.Consumer;

/** {@link ClusterBus} on Vert.x's event bus: clustered over TCP between nodes, or local in dev mode. */
public final class VertxClusterBus implements ClusterBus {
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
        bus.publish(address, body);
    }

    @Override
    public void send(String address, Object body) {
        bus.send(address, body);
    }
}
