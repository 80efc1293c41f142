package io.relaycast.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The harness's media loop: every client's transport, media clock and statistics are touched
 * only on this thread, so the sans-IO engines need no locks. It sends (each client's timers),
 * runs what other threads hand over with {@link #execute} (WebSocket callbacks, DTLS handshake
 * threads, the sampler) and handles received datagrams. Receiving itself happens on
 * {@link DatagramReceiver} threads (one by default), which stamp each datagram's arrival as the
 * kernel hands it over, so a busy loop does not show up as server latency.
 */
final class MediaLoop implements Runnable {

    /** Something with deadlines: a client's transport and media clock. */
    interface Timed {
        long nextDeadline();

        void onTimer(long now);
    }

    /** Something that owns a channel registered here. */
    interface Receiving {
        /** {@code now} is the datagram's arrival, stamped by the receiving thread. */
        void onDatagram(long now, InetSocketAddress from, byte[] buf, int len);
    }

    /** Name of each receiving thread, before its index (kept under the kernel's 15-character cut). */
    static final String RECEIVER_THREAD_PREFIX = "load-receiver-";
    /** Datagrams handled from one receiver's ring before timers and tasks get their turn. */
    private static final int MAX_DRAIN = 256;
    /**
     * Per receiving thread: 16 384 slots of 2 KiB (32 MiB), about 160 ms of the heaviest
     * scenario's traffic and 400 ms of the join storm's. With 4096 the storm's join seconds filled
     * the ring while the loop set the joiners up, and the receiving thread, waiting for room,
     * stamped what queued in the kernel meanwhile late (thousands of ring-full waits in a second).
     */
    private static final int RING_SLOTS = 16_384;

    final RunStats stats = new RunStats();
    /**
     * Addresses of the servers the harness was pointed at (--url hosts): media may go there too,
     * besides loopback and this host's or namespace's own addresses, for nodes in network
     * namespaces of their own that a test created (the partition test). Nothing else ever.
     */
    final java.util.Set<java.net.InetAddress> serverAddresses = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Local ports of every channel registered here: {@link ProcStats#socketDrops} counts their drops. */
    final java.util.Set<Integer> localPorts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final DatagramReceiver[] receivers;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Timed> timed = new ArrayList<>();
    /** True while the loop thread is (about to be) parked: producers then unpark it. */
    private volatile boolean parked;
    private volatile boolean running = true;
    private volatile Thread thread;
    private int nextReceiver;

    MediaLoop() throws IOException {
        this(1);
    }

    /** @param receivingThreads threads that read the clients' sockets (--receive-threads) */
    MediaLoop(int receivingThreads) throws IOException {
        receivers = new DatagramReceiver[receivingThreads];
        for (int i = 0; i < receivingThreads; i++) {
            receivers[i] = new DatagramReceiver(RING_SLOTS, this::wakeup,
                    error -> execute(() -> stats.error(error)));
        }
    }

    void start() {
        Thread t = new Thread(this, "load-media-loop");
        t.setDaemon(true);
        thread = t;
        t.start();
        for (int i = 0; i < receivers.length; i++) {
            receivers[i].start(RECEIVER_THREAD_PREFIX + i);
        }
    }

    /** Runs {@code task} on the loop thread, soon. */
    void execute(Runnable task) {
        tasks.add(task);
        wakeup();
    }

    /** Wakes the loop so that it re-reads deadlines (e.g. after a DTLS handshake produced output). */
    void wakeup() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Loop thread only: {@code channel}'s datagrams go to {@code receiver} from now on. */
    void register(DatagramChannel channel, Receiving receiver) throws IOException {
        channel.configureBlocking(false);
        if (channel.getLocalAddress() instanceof InetSocketAddress local) {
            localPorts.add(local.getPort());
        }
        receivers[nextReceiver++ % receivers.length].register(channel, receiver);
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
        return cpuMicros(thread);
    }

    /** Times the receiving threads found their ring full (the loop behind them). */
    long ringFullWaits() {
        long n = 0;
        for (DatagramReceiver r : receivers) {
            n += r.ringFullWaits.get();
        }
        return n;
    }

    static long cpuMicros(Thread t) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        if (t == null || !mx.isThreadCpuTimeSupported()) {
            return -1;
        }
        long nanos = mx.getThreadCpuTime(t.getId());
        return nanos < 0 ? -1 : nanos / 1000;
    }

    void stop() throws InterruptedException {
        running = false;
        for (DatagramReceiver r : receivers) {
            r.stop();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(5000);
        }
    }

    @Override
    public void run() {
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
                boolean more = false;
                for (DatagramReceiver r : receivers) {
                    if (r.ring.drain(MAX_DRAIN) == MAX_DRAIN) {
                        more = true;
                    }
                }
                if (more) {
                    continue;
                }
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    parked = true;
                    if (tasks.isEmpty() && allRingsEmpty()) {
                        // At least 1 ms, as the selector this replaced: timers due within it run
                        // together rather than each waking the thread.
                        LockSupport.parkNanos(Math.max(1_000_000L, wait));
                    }
                    parked = false;
                }
            } catch (RuntimeException e) {
                stats.error("loop: " + e);
            }
        }
    }

    private boolean allRingsEmpty() {
        for (DatagramReceiver r : receivers) {
            if (!r.ring.isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
