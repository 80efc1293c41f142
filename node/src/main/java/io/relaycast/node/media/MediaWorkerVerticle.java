package io.relaycast.node.media;

import io.relaycast.node.observe.ForwardingDelay;
import io.relaycast.node.observe.KernelSocketDrops;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

import java.net.InetSocketAddress;
import java.util.logging.Logger;

/**
 * The node's {@link WorkerRuntime}: a media worker on one Vert.x event loop, its UDP socket a
 * Netty datagram channel driven on that same loop ({@link UdpChannel}), its clock
 * {@link System#nanoTime}.
 */
public final class MediaWorkerVerticle extends AbstractVerticle implements WorkerRuntime {
    private static final Logger LOG = Logger.getLogger(MediaWorkerVerticle.class.getName());

    private final MediaWorker worker;
    private final String host;
    private final UdpChannel udp;
    private volatile Context ownContext;

    public MediaWorkerVerticle(MediaWorker worker, String host) {
        this.worker = worker;
        this.host = host;
        ForwardingDelay forwardingDelay = new ForwardingDelay(Integer.toString(worker.index()));
        worker.metrics().forwardingDelay(forwardingDelay);
        this.udp = new UdpChannel(worker.counters(), forwardingDelay);
        worker.attach(this);
    }

    @Override
    public void start(Promise<Void> startPromise) {
        ownContext = context;
        udp.bind(((ContextInternal) context).nettyEventLoop(), vertx.isNativeTransportEnabled(), host, worker.port(),
                worker::onDatagram).onComplete(ar -> {
            if (ar.succeeded()) {
                vertx.setPeriodic(MediaWorker.TICK_MILLIS, id -> worker.tick());
                registerKernelDrops();
                // debug: the node's ready line names the whole port range once.
                LOG.fine(() -> "media worker " + worker.index() + " listening on udp " + host + ":" + worker.port());
                startPromise.complete();
            } else {
                startPromise.fail("cannot bind UDP media port " + host + ":" + worker.port() + ": "
                        + ar.cause().getMessage());
            }
        });
    }

    /** What the kernel drops before the worker reads it (see {@link KernelSocketDrops}). */
    private void registerKernelDrops() {
        int port = udp.localPort();
        if (port > 0 && KernelSocketDrops.available()) {
            worker.metrics().functionCounter("relaycast_socket_receive_drops_total",
                    "Datagrams the kernel dropped because the media socket's receive buffer was full",
                    this, v -> KernelSocketDrops.dropsOf(port), "worker", Integer.toString(worker.index()));
        }
    }

    @Override
    public void stop(Promise<Void> stopPromise) {
        worker.closeTransports();
        udp.close().onComplete(stopPromise);
    }

    @Override
    public long nowNanos() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        Context c = ownContext;
        if (c == null) {
            throw new IllegalStateException("media worker " + worker.index() + " is not started");
        }
        c.runOnContext(v -> task.run());
    }

    @Override
    public long every(long millis, Runnable task) {
        return vertx.setPeriodic(millis, id -> task.run());
    }

    @Override
    public void later(long millis, Runnable task) {
        vertx.setTimer(millis, id -> task.run());
    }

    @Override
    public void cancel(long timerId) {
        vertx.cancelTimer(timerId);
    }

    @Override
    public void send(InetSocketAddress to, byte[] data, int off, int len) {
        udp.send(to, data, off, len);
    }

    @Override
    public void flush() {
        udp.flush();
    }
}
