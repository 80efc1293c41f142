package io.relaycast.node.sim;

import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.WorkerRuntime;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * A media worker's runtime in the simulation: the virtual clock, timers on {@link Sim}'s queue,
 * and a {@link SimNetwork} address for its UDP socket. A crashed node's runtime runs nothing more.
 */
final class SimWorkerRuntime implements WorkerRuntime {
    private final Sim sim;
    private final SimNetwork network;
    private final InetSocketAddress local;
    private final Set<Long> timers = new HashSet<>();
    private long nextTimer = 1;
    private boolean dead;

    SimWorkerRuntime(Sim sim, SimNetwork network, InetSocketAddress local, MediaWorker worker) {
        this.sim = sim;
        this.network = network;
        this.local = local;
        worker.attach(this);
        network.bind(local, (from, data, len) -> {
            if (!dead) {
                worker.onDatagram(from, data, len);
            }
        });
        every(MediaWorker.TICK_MILLIS, worker::tick);
    }

    InetSocketAddress address() {
        return local;
    }

    /** The node died: its socket is gone and nothing it scheduled runs. */
    void kill() {
        dead = true;
        timers.clear();
        network.unbind(local);
    }

    boolean isDead() {
        return dead;
    }

    @Override
    public long nowNanos() {
        return sim.now();
    }

    @Override
    public void execute(Runnable task) {
        sim.post(() -> {
            if (!dead) {
                task.run();
            }
        });
    }

    @Override
    public long every(long millis, Runnable task) {
        long id = nextTimer++;
        timers.add(id);
        schedule(id, millis * 1_000_000L, task);
        return id;
    }

    private void schedule(long id, long periodNanos, Runnable task) {
        sim.after(periodNanos, () -> {
            if (!dead && timers.contains(id)) {
                task.run();
                schedule(id, periodNanos, task);
            }
        });
    }

    @Override
    public void later(long millis, Runnable task) {
        sim.after(millis * 1_000_000L, () -> {
            if (!dead) {
                task.run();
            }
        });
    }

    @Override
    public void cancel(long timerId) {
        timers.remove(timerId);
    }

    @Override
    public void send(InetSocketAddress to, byte[] data, int off, int len) {
        if (!dead) {
            network.send(local, to, data, off, len);
        }
    }

    @Override
    public void flush() {
        // Datagrams leave as they are sent.
    }
}
