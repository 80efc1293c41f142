package io.relaycast.node.media;

import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Signaling work for the rooms of one media worker (joins, offers and answers with their SDP
 * parsing and writing, leaves), run on the worker's thread in slices of at most
 * {@link #BUDGET_NANOS}, so that forwarding keeps ahead of a join storm (issue 11).
 *
 * <p>Why slices and a timer between them: the worker's event loop reads its socket, then runs
 * every queued task before it reads again (Netty 4.2 allows a run of tasks up to a second). Fifty
 * joins within two seconds queued a few hundred such tasks, the socket's receive queue grew to
 * megabytes and the calls in progress saw 100-300 ms of extra latency that neither the
 * forwarding-delay histogram (it starts at the read) nor the timer-lateness gauge (a timer is a
 * task too) showed. A slice ends after the budget; the next one is a timer, which the loop runs
 * only after its next read of the socket. Tasks keep the order they were added in.
 */
final class PacedSetup {
    /** Worker time one slice of signaling work may take before the socket is read again. */
    static final long BUDGET_NANOS = 2_000_000;

    private static final Logger LOG = Logger.getLogger(PacedSetup.class.getName());

    private final Supplier<WorkerRuntime> runtime;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** A slice is queued or running: later tasks join it rather than queueing one of their own. */
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Worker thread only: a task is running, and what is to run right after it (see afterCurrentTask). */
    private boolean inTask;
    private final ArrayList<Runnable> afterTask = new ArrayList<>();

    PacedSetup(Supplier<WorkerRuntime> runtime) {
        this.runtime = runtime;
    }

    /** Any thread: runs {@code task} on the worker's thread, after the signaling work added before it. */
    void add(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            try {
                runtime.get().execute(this::slice);
            } catch (RuntimeException e) {
                // No thread to run it on (a worker not started): refuse as execute() does.
                tasks.remove(task);
                scheduled.set(false);
                throw e;
            }
        }
    }

    /**
     * Worker thread: runs {@code action} as soon as the task now running is done, in the same
     * slice (so before any later task and within the budget's accounting). Returns false, and
     * does nothing, when no task is running: the caller then acts at once. Lets a task that
     * changes several things (a publisher's offer adds audio and video; a new member must receive
     * every track of the room) have each subscriber renegotiate once for all of them.
     */
    boolean afterCurrentTask(Runnable action) {
        if (!inTask) {
            return false;
        }
        afterTask.add(action);
        return true;
    }

    /**
     * Worker thread: runs {@code task} now, as a signaling task of its own: what it defers with
     * {@link #afterCurrentTask} runs right after it. For signaling work that does not come through
     * the queue (news from another node or another worker's part of the room, a reconciliation
     * after a merge), so that it too costs each subscriber one offer rather than one per track.
     * Inside a task it simply runs, as part of that task.
     */
    void runAsTask(Runnable task) {
        if (inTask) {
            task.run();
            return;
        }
        run(task);
    }

    /** Worker thread: runs queued tasks until none is left or the budget is spent. */
    private void slice() {
        WorkerRuntime r = runtime.get();
        long start = r.nowNanos();
        for (Runnable t = tasks.poll(); t != null; t = tasks.poll()) {
            run(t);
            if (!tasks.isEmpty() && r.nowNanos() - start >= BUDGET_NANOS) {
                r.flush();
                r.later(1, this::slice);
                return;
            }
        }
        r.flush();
        scheduled.set(false);
        // A task added after the last poll and before the flag cleared found a slice scheduled.
        if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
            r.execute(this::slice);
        }
    }

    /** One task, then what it asked to run after it; a failure is logged, not thrown into the loop. */
    private void run(Runnable task) {
        inTask = true;
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "signaling task failed on the media worker", e);
        } finally {
            inTask = false;
        }
        for (int i = 0; i < afterTask.size(); i++) {
            try {
                afterTask.get(i).run();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "signaling task failed on the media worker", e);
            }
        }
        afterTask.clear();
    }
}
