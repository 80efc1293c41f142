package io.relaycast.node.media;

import io.relaycast.node.observe.NodeMetrics;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A media verticle: one event loop, one UDP port, and every peer transport bound to it
 * (DESIGN.md "Threads"). All of its state is touched only on its own event-loop thread.
 */
public final class MediaWorker extends AbstractVerticle {
    private static final Logger LOG = Logger.getLogger(MediaWorker.class.getName());

    private final int index;
    private final String host;
    private final int port;
    private final MediaCounters counters = new MediaCounters();
    private final AtomicInteger peerCount = new AtomicInteger();
    private volatile Context ownContext;
    private DatagramSocket socket;

    public MediaWorker(int index, String host, int port, NodeMetrics metrics) {
        this.index = index;
        this.host = host;
        this.port = port;
        String w = Integer.toString(index);
        metrics.functionCounter("relaycast_packets_total", "UDP datagrams", counters, MediaCounters::packetsIn,
                "direction", "in", "worker", w);
        metrics.functionCounter("relaycast_packets_total", "UDP datagrams", counters, MediaCounters::packetsOut,
                "direction", "out", "worker", w);
        metrics.functionCounter("relaycast_bytes_total", "UDP payload bytes", counters, MediaCounters::bytesIn,
                "direction", "in", "worker", w);
        metrics.functionCounter("relaycast_bytes_total", "UDP payload bytes", counters, MediaCounters::bytesOut,
                "direction", "out", "worker", w);
        metrics.functionCounter("relaycast_forwarded_packets_total", "RTP packets forwarded to subscribers",
                counters, MediaCounters::forwardedPackets, "worker", w);
        for (MediaCounters.Drop d : MediaCounters.Drop.values()) {
            metrics.functionCounter("relaycast_drops_total", "Datagrams dropped, by reason", counters,
                    c -> c.drops(d), "reason", d.label(), "worker", w);
        }
    }

    @Override
    public void start(Promise<Void> startPromise) {
        ownContext = context;
        socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setReceiveBufferSize(4 * 1024 * 1024).setSendBufferSize(4 * 1024 * 1024));
        socket.handler(this::onDatagram);
        socket.listen(port, host).onComplete(ar -> {
            if (ar.succeeded()) {
                LOG.info(() -> "media worker " + index + " listening on udp " + host + ":" + port);
                startPromise.complete();
            } else {
                startPromise.fail("cannot bind UDP media port " + host + ":" + port + ": " + ar.cause().getMessage());
            }
        });
    }

    private void onDatagram(DatagramPacket packet) {
        counters.received(packet.data().length());
        // Until peer transports are bound to this worker, every datagram is from an unknown source.
        counters.dropped(MediaCounters.Drop.ICE_REJECTED);
    }

    /** Any thread: runs a task on this worker's event loop. */
    public void execute(Runnable task) {
        Context c = ownContext;
        if (c == null) {
            throw new IllegalStateException("media worker " + index + " is not started");
        }
        c.runOnContext(v -> task.run());
    }

    public int index() {
        return index;
    }

    public int port() {
        return port;
    }

    public MediaCounters counters() {
        return counters;
    }

    /** Any thread. */
    public int peerCount() {
        return peerCount.get();
    }

    public void peerAdded() {
        peerCount.incrementAndGet();
    }

    public void peerRemoved() {
        peerCount.decrementAndGet();
    }
}
