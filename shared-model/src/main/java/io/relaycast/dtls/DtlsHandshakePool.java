package io.relaycast.dtls;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded set of threads BouncyCastle's blocking DTLS handshakes run on.
 *
 * <p>{@code DTLSServerProtocol.accept} and {@code DTLSClientProtocol.connect} block their thread
 * until the handshake ends, so they cannot run on an event loop. Each {@link DtlsEndpoint} borrows
 * one thread from here for its handshake and gives it back when the handshake ends; after that it
 * borrows one only briefly, when a DTLS record or {@code close()} needs BouncyCastle. A thread
 * spends most of a handshake waiting for the peer's next flight (a round trip), not computing, so
 * the default size is a few threads per core rather than one. The queue is bounded: when it is
 * full a new handshake fails at once instead of piling up.
 *
 * <p>Threads are daemons named {@code relaycast-dtls-N} and exit after {@code keepAlive} idle.
 * {@link #close()} interrupts running handshakes; their endpoints report {@code Failed}.
 */
public final class DtlsHandshakePool implements AutoCloseable {

    /** Prefix of every pool thread's name, followed by a process-wide counter. */
    public static final String THREAD_NAME_PREFIX = "relaycast-dtls-";

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    private final ThreadPoolExecutor executor;
    /** Endpoints with a task queued or running, and how many: what {@link #awaitIdle} waits for. */
    private final ConcurrentHashMap<DtlsEndpoint, Integer> scheduled = new ConcurrentHashMap<>();

    /**
     * @param threads         maximum concurrent handshakes (and post-handshake record services)
     * @param queueCapacity   tasks waiting for a thread before new ones are refused
     * @param keepAliveMillis how long an idle thread lives
     */
    public DtlsHandshakePool(int threads, int queueCapacity, long keepAliveMillis) {
        if (threads < 1 || queueCapacity < 1 || keepAliveMillis < 1) {
            throw new IllegalArgumentException("threads, queueCapacity and keepAliveMillis must be positive");
        }
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, THREAD_NAME_PREFIX + THREAD_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ThreadPoolExecutor(threads, threads, keepAliveMillis, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /** Four threads per core (at least four), 1024 queued, 60 s keep-alive. */
    public static DtlsHandshakePool withDefaults() {
        return new DtlsHandshakePool(Math.max(4, 4 * Runtime.getRuntime().availableProcessors()), 1024, 60_000);
    }

    /** Runs {@code owner}'s {@code task} on a pool thread; false if the pool is closed or its queue is full. */
    boolean submit(DtlsEndpoint owner, Runnable task) {
        scheduled.merge(owner, 1, Integer::sum);
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    done(owner);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            done(owner);
            return false;
        }
    }

    private void done(DtlsEndpoint owner) {
        scheduled.computeIfPresent(owner, (e, n) -> n == 1 ? null : n - 1);
    }

    /**
     * For deterministic callers (the node's simulation, issue 12): waits up to
     * {@code timeoutMillis} of real time until every endpoint with a task here is idle as
     * {@link DtlsEndpoint#awaitIdle} defines it, i.e. has consumed all its input and is blocked
     * waiting for the peer or the caller's clock. A caller that feeds endpoints only from one
     * thread and calls this after each input sees BouncyCastle's output at a reproducible point.
     *
     * @return whether that state was reached
     */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (DtlsEndpoint e : List.copyOf(scheduled.keySet())) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!e.awaitIdle(Math.max(0, left))) {
                return false;
            }
        }
        return true;
    }

    /** Tasks running right now (an estimate, as {@link ThreadPoolExecutor#getActiveCount()}). */
    public int activeCount() {
        return executor.getActiveCount();
    }

    /**
     * Tasks waiting for a thread (an estimate): handshakes queue here when every thread is held by
     * a handshake waiting for its peer, which is where a join burst's DTLS time goes if it does.
     */
    public int queuedCount() {
        return executor.getQueue().size();
    }

    /** The most tasks that run at once. */
    public int threads() {
        return executor.getMaximumPoolSize();
    }

    /** Refuses new work and interrupts the threads; blocked handshakes end with {@code Failed}. */
    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** Waits until every pool thread has finished after {@link #close()}. */
    public boolean awaitTermination(long timeoutMillis) throws InterruptedException {
        return executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
