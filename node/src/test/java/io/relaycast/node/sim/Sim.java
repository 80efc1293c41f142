package io.relaycast.node.sim;

import io.relaycast.dtls.DtlsHandshakePool;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The simulation's one thread and virtual clock (issue 12). Every node, client, link and timer
 * schedules work here; {@link #runUntil} takes the earliest task, moves the clock to its time and
 * runs it, so a minute of call takes as long as its work, not a minute. Ties run in scheduling
 * order, and all randomness comes from one seeded generator: one seed, one run.
 *
 * <p>The one other thread is BouncyCastle's DTLS handshake pool. After every task the simulation
 * waits until each handshake thread has consumed its input ({@link DtlsHandshakePool#awaitIdle});
 * what those threads ask of the simulation meanwhile (a worker's {@code execute}) lands in an
 * inbox that is queued, in arrival order, at the current time. Handshake output therefore appears
 * at a reproducible point of the run.
 */
public final class Sim {
    /** A task, ordered by time, then by when it was scheduled. */
    private record Task(long at, long seq, Runnable run) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final PriorityQueue<Task> queue = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
    private final Random random;
    private final long seed;
    private final DtlsHandshakePool dtlsPool;
    private final Thread thread = Thread.currentThread();
    private final List<String> trace = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private long now;
    private long seq;
    private long tasksRun;

    public Sim(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
        // A handshake holds its thread while it waits for the peer: room for every handshake of a
        // large scenario at once. Only one of them has input at any moment (the one task that just
        // ran fed it), so their draws from the seeded generators still come in a fixed order.
        this.dtlsPool = new DtlsHandshakePool(512, 4096, 60_000);
    }

    public long seed() {
        return seed;
    }

    /** Virtual nanoseconds since the start of the run. */
    public long now() {
        return now;
    }

    public Random random() {
        return random;
    }

    public DtlsHandshakePool dtlsPool() {
        return dtlsPool;
    }

    /** Runs {@code task} at virtual time {@code atNanos} (not before now). */
    public void at(long atNanos, Runnable task) {
        queue.add(new Task(Math.max(atNanos, now), seq++, task));
    }

    public void after(long delayNanos, Runnable task) {
        at(now + delayNanos, task);
    }

    /** Any thread: runs {@code task} now, after what is already queued for now. */
    public void post(Runnable task) {
        if (Thread.currentThread() == thread) {
            at(now, task);
        } else {
            inbox.add(task);
        }
    }

    /** Runs every task due up to {@code untilNanos}; the clock then reads {@code untilNanos}. */
    public void runUntil(long untilNanos) {
        while (true) {
            settleDtls();
            Task t = queue.peek();
            if (t == null || t.at > untilNanos) {
                break;
            }
            queue.poll();
            now = t.at;
            tasksRun++;
            try {
                t.run.run();
            } catch (Throwable e) {
                fail("exception escaped a task at " + millis() + " ms: " + e + " at " + firstFrame(e));
            }
        }
        now = Math.max(now, untilNanos);
    }

    private void settleDtls() {
        try {
            if (!dtlsPool.awaitIdle(30_000)) {
                fail("a DTLS handshake thread did not settle within 30 s of real time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        for (Runnable r = inbox.poll(); r != null; r = inbox.poll()) {
            at(now, r);
        }
    }

    private static String firstFrame(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return st.length == 0 ? "?" : st[0].toString();
    }

    /** One line of the run's event trace: what the same seed must reproduce exactly. */
    public void trace(String line) {
        trace.add(millis() + " " + line);
    }

    public List<String> trace() {
        return trace;
    }

    /** An invariant broke or something escaped: the run fails, and says so at the end. */
    public void fail(String what) {
        failures.add(what);
        trace("FAIL " + what);
    }

    public List<String> failures() {
        return failures;
    }

    public long tasksRun() {
        return tasksRun;
    }

    /** Now, in virtual milliseconds. */
    public long millis() {
        return now / 1_000_000L;
    }

    /** A random duration in [minMillis, maxMillis], in nanoseconds. */
    public long millisBetween(long minMillis, long maxMillis) {
        return (minMillis + (long) (random.nextDouble() * (maxMillis - minMillis))) * 1_000_000L;
    }

    /** "Buggify": true with probability {@code p}, drawn from the seed. */
    public boolean chance(double p) {
        return p > 0 && random.nextDouble() < p;
    }

    public void close() {
        dtlsPool.close();
    }
}
