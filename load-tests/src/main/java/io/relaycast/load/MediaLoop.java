package io.relaycast.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The harness's one media thread: every client's UDP socket is a non-blocking channel on one
 * selector, and every client's transport, media clock and statistics are touched only here, so
 * the sans-IO engines need no locks and the harness costs one core at most. Other threads
 * (WebSocket callbacks, DTLS handshake threads, the sampler) hand work over with {@link #execute}.
 */
final class MediaLoop implements Runnable {

    /** Something with deadlines: a client's transport and media clock. */
    interface Timed {
        long nextDeadline();

        void onTimer(long now);
    }

    /** Something that owns a channel registered here. */
    interface Receiving {
        void onDatagram(long now, InetSocketAddress from, byte[] buf, int len);
    }

    private static final int MAX_BATCH = 64;

    final RunStats stats = new RunStats();
    /** Local ports of every channel registered here: {@link ProcStats#socketDrops} counts their drops. */
    /**
     * Addresses of the servers the harness was pointed at (--url hosts): media may go there too,
     * besides loopback and this host's or namespace's own addresses, for nodes in network
     * namespaces of their own that a test created (the partition test). Nothing else ever.
     */
    final java.util.Set<java.net.InetAddress> serverAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.Set<Integer> localPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Timed> timed = new ArrayList<>();
    private final ByteBuffer rx = ByteBuffer.allocate(2048);
    private volatile boolean running = true;
    private Thread thread;

    MediaLoop() throws IOException {
        selector = Selector.open();
    }

    void start() {
        thread = new Thread(this, "load-media-loop");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on the loop thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Wakes the loop so that it re-reads deadlines (e.g. after a DTLS handshake produced output). */
    void wakeup() {
        selector.wakeup();
    }

    /** Loop thread only. */
    void register(DatagramChannel channel, Receiving receiver) throws IOException {
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, receiver);
        if (channel.getLocalAddress() instanceof InetSocketAddress local) {
            localPorts.add(local.getPort());
        }
    }

    /** Loop thread only. */
    void addTimed(Timed t) {
        timed.add(t);
    }

    /** Loop thread only. */
    void removeTimed(Timed t) {
        timed.remove(t);
    }

    /** CPU time of the loop thread so far, in microseconds; -1 before it starts or where unsupported. */
    long threadCpuMicros() {
        Thread t = thread;
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        if (t == null || !mx.isThreadCpuTimeSupported()) {
            return -1;
        }
        long nanos = mx.getThreadCpuTime(t.getId());
        return nanos < 0 ? -1 : nanos / 1000;
    }

    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        if (thread != null) {
            thread.join(5000);
        }
    }

    @Override
    public void run() {
        byte[] buf = rx.array();
        while (running) {
            try {
                for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) {
                    try {
                        t.run();
                    } catch (RuntimeException e) {
                        stats.error("loop task: " + e);
                    }
                }
                long now = System.nanoTime();
                long next = now + 50_000_000L;
                for (int i = 0; i < timed.size(); i++) {
                    Timed t = timed.get(i);
                    long d = t.nextDeadline();
                    if (d <= now) {
                        t.onTimer(now);
                        d = t.nextDeadline();
                    }
                    if (d < next) {
                        next = d;
                    }
                }
                long wait = next - System.nanoTime();
                int ready = wait <= 0 ? selector.selectNow() : selector.select(Math.max(1, wait / 1_000_000));
                if (ready == 0) {
                    continue;
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    DatagramChannel ch = (DatagramChannel) key.channel();
                    Receiving r = (Receiving) key.attachment();
                    for (int n = 0; n < MAX_BATCH; n++) {
                        rx.clear();
                        InetSocketAddress from;
                        try {
                            from = (InetSocketAddress) ch.receive(rx);
                        } catch (IOException e) {
                            stats.error("receive: " + e.getMessage());
                            break;
                        }
                        if (from == null) {
                            break;
                        }
                        r.onDatagram(System.nanoTime(), from, buf, rx.position());
                    }
                }
            } catch (IOException | RuntimeException e) {
                stats.error("loop: " + e);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing at exit
        }
    }
}
