package io.relaycast.dtls;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
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
 * borrows one only briefly, when a DTLS record or {@code close()} needs BouncyCastle. The queue is
 * bounded: when it is full a new handshake fails at once instead of piling up.
 *
 * <p>Two bounds, because a handshake's thread mostly waits. {@code threads} is how many
 * handshakes are in progress at once; each spends most of its life blocked in the endpoint's
 * receive, waiting a round trip for the peer's next flight, so this bound decides how many joins
 * per second the pool can carry ({@code threads} / handshake time), not how much CPU it uses. When
 * it was the only bound (four threads per core), 200 handshakes started at once over a 100 ms
 * round trip on one core connected at p50 3.2 s / p99 5.9 s, against 0.6 / 0.8 s with 128
 * threads and one permit (DtlsJoinBurst; docs/benchmarks.md, "DTLS handshakes: threads that
 * wait are not work"). {@code computing} is how many of them may compute at once (key exchange,
 * signatures, building a flight): a task holds one of these permits while it runs and gives it up
 * while it waits for its peer ({@link #releaseWhileWaiting}), so a burst's crypto is paced to that
 * many cores and the media loop keeps the rest.
 *
 * <p>Threads are daemons named {@code relaycast-dtls-N} and exit after {@code keepAlive} idle.
 * {@link #close()} interrupts running handshakes; their endpoints report {@code Failed}.
 */
public final class DtlsHandshakePool implements AutoCloseable {

    /** Prefix of every pool thread's name, followed by a process-wide counter. */
    public static final String THREAD_NAME_PREFIX = "relaycast-dtls-";

    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    /** Where a pool thread stands with its computing permit. */
    private enum Permit { NONE, HELD, RELEASED_WHILE_WAITING }

    private final ThreadPoolExecutor executor;
    /** Tasks computing at once; taken for a task's run, given up while it waits for its peer. */
    private final Semaphore computing;
    private final int computingPermits;
    private final ThreadLocal<Permit> permit = ThreadLocal.withInitial(() -> Permit.NONE);
    /** Endpoints with a task queued or running, and how many: what {@link #awaitIdle} waits for. */
    private final ConcurrentHashMap<DtlsEndpoint, Integer> scheduled = new ConcurrentHashMap<>();

    /** A pool whose tasks may all compute at once ({@code computing} = {@code threads}). */
    public DtlsHandshakePool(int threads, int queueCapacity, long keepAliveMillis) {
        this(threads, threads, queueCapacity, keepAliveMillis);
    }

    /**
     * @param threads         maximum concurrent handshakes (and post-handshake record services)
     * @param computing       how many of those may compute at once (the rest wait for their peer)
     * @param queueCapacity   tasks waiting for a thread before new ones are refused
     * @param keepAliveMillis how long an idle thread lives
     */
    public DtlsHandshakePool(int threads, int computing, int queueCapacity, long keepAliveMillis) {
        if (threads < 1 || computing < 1 || queueCapacity < 1 || keepAliveMillis < 1) {
            throw new IllegalArgumentException(
                    "threads, computing, queueCapacity and keepAliveMillis must be positive");
        }
        this.computingPermits = Math.min(computing, threads);
        this.computing = new Semaphore(computingPermits, true);
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, THREAD_NAME_PREFIX + THREAD_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        executor = new ThreadPoolExecutor(threads, threads, keepAliveMillis, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), factory, new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * {@code threads} handshakes at once, as many computing as the process has cores, 1024
     * queued, 60 s keep-alive.
     */
    public static DtlsHandshakePool withThreads(int threads) {
        return new DtlsHandshakePool(threads, Runtime.getRuntime().availableProcessors(), 1024, 60_000);
    }

    /** Runs {@code owner}'s {@code task} on a pool thread; false if the pool is closed or its queue is full. */
    boolean submit(DtlsEndpoint owner, Runnable task) {
        scheduled.merge(owner, 1, Integer::sum);
        try {
            executor.execute(() -> {
                try {
                    computing.acquireUninterruptibly();
                    permit.set(Permit.HELD);
                    try {
                        task.run();
                    } finally {
                        if (permit.get() == Permit.HELD) {
                            computing.release();
                        }
                        permit.set(Permit.NONE);
                    }
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

    /**
     * Called by a task about to block until its peer or the caller's clock says something: gives
     * its computing permit to another task (nothing on a thread that holds none). The task must
     * call {@link #resumeAfterWaiting} before it computes again, and never while holding a lock
     * the caller's threads take.
     */
    void releaseWhileWaiting() {
        if (permit.get() == Permit.HELD) {
            permit.set(Permit.RELEASED_WHILE_WAITING);
            computing.release();
        }
    }

    /** Takes back the permit {@link #releaseWhileWaiting} gave up, waiting for one if need be. */
    void resumeAfterWaiting() {
        if (permit.get() == Permit.RELEASED_WHILE_WAITING) {
            computing.acquireUninterruptibly();
            permit.set(Permit.HELD);
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

    /** The most tasks that compute at once. */
    public int computingPermits() {
        return computingPermits;
    }

    /** Tasks computing right now (holding a permit), an estimate. */
    public int computingCount() {
        return computingPermits - computing.availablePermits();
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
