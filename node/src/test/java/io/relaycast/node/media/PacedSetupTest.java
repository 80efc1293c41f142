package io.relaycast.node.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Signaling work on a media worker, in slices that leave room for the socket between them. */
class PacedSetupTest {

    /**
     * A worker thread reduced to what PacedSetup uses: a clock the tasks move forward, a queue
     * of tasks, and timers that only run when the test says the socket was read.
     */
    private static class ManualRuntime implements WorkerRuntime {
        long now;
        final ArrayDeque<Runnable> queued = new ArrayDeque<>();
        final List<Runnable> timers = new ArrayList<>();
        int flushes;

        @Override
        public long nowNanos() {
            return now;
        }

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        @Override
        public long every(long millis, Runnable task) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void later(long millis, Runnable task) {
            timers.add(task);
        }

        @Override
        public void cancel(long timerId) {
        }

        @Override
        public void send(InetSocketAddress to, byte[] data, int off, int len) {
        }

        @Override
        public void flush() {
            flushes++;
        }

        void runQueued() {
            for (Runnable t = queued.poll(); t != null; t = queued.poll()) {
                t.run();
            }
        }

        /** The loop read its socket; the timers due after it run. */
        void afterRead() {
            List<Runnable> due = new ArrayList<>(timers);
            timers.clear();
            due.forEach(Runnable::run);
        }
    }

    @Test
    void aSliceStopsAfterItsBudgetAndTheRestRunsAfterTheNextReadInOrder() {
        ManualRuntime r = new ManualRuntime();
        PacedSetup setup = new PacedSetup(() -> r);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int n = i;
            setup.add(() -> {
                ran.add(n);
                r.now += 700_000; // each task takes 0.7 ms of the worker
            });
        }
        assertEquals(1, r.queued.size(), "ten tasks, one slice queued");
        r.runQueued();
        assertEquals(List.of(0, 1, 2), ran, "2 ms budget: three tasks of 0.7 ms");
        assertEquals(1, r.timers.size(), "the rest waits for a timer, which runs after a read");
        setup.add(() -> ran.add(99));
        assertEquals(0, r.queued.size(), "a task added meanwhile joins the pending slice");
        r.afterRead();
        assertEquals(List.of(0, 1, 2, 3, 4, 5), ran);
        r.afterRead();
        r.afterRead();
        r.afterRead();
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99), ran);
        assertTrue(r.timers.isEmpty() && r.queued.isEmpty());
        assertTrue(r.flushes >= 4, "what a slice sent leaves before the socket is read");
        setup.add(() -> ran.add(100));
        assertEquals(1, r.queued.size(), "idle again: the next task queues a slice of its own");
        r.runQueued();
        assertEquals(100, ran.get(ran.size() - 1));
    }

    @Test
    void quickTasksRunInOneSliceAndAFailingOneDoesNotStopTheOthers() {
        ManualRuntime r = new ManualRuntime();
        PacedSetup setup = new PacedSetup(() -> r);
        List<Integer> ran = new ArrayList<>();
        setup.add(() -> ran.add(1));
        setup.add(() -> {
            throw new IllegalStateException("a bug in one room");
        });
        setup.add(() -> ran.add(3));
        withSevereLogOff(r::runQueued);
        assertEquals(List.of(1, 3), ran);
        assertTrue(r.timers.isEmpty());
    }

    @Test
    void aWorkerThatIsNotStartedRefusesAndTakesTheNextTaskLater() {
        ManualRuntime started = new ManualRuntime();
        WorkerRuntime[] current = {new ManualRuntime() {
            @Override
            public void execute(Runnable task) {
                throw new IllegalStateException("not started");
            }
        }};
        PacedSetup setup = new PacedSetup(() -> current[0]);
        assertThrows(IllegalStateException.class, () -> setup.add(() -> { }));
        current[0] = started;
        List<Integer> ran = new ArrayList<>();
        setup.add(() -> ran.add(1));
        started.runQueued();
        assertEquals(List.of(1), ran, "the refused task is gone, the next one runs");
    }

    @Test
    void whatATaskDefersRunsRightAfterItBeforeTheNextTaskAndOnlyInsideATask() {
        ManualRuntime r = new ManualRuntime();
        PacedSetup setup = new PacedSetup(() -> r);
        List<String> ran = new ArrayList<>();
        assertEquals(false, setup.afterCurrentTask(() -> ran.add("outside")), "no task running: act at once");
        setup.add(() -> {
            ran.add("task 1");
            assertTrue(setup.afterCurrentTask(() -> {
                ran.add("after 1");
                assertEquals(false, setup.afterCurrentTask(() -> ran.add("nested")), "the task is over");
            }));
            assertTrue(setup.afterCurrentTask(() -> {
                throw new IllegalStateException("a bug in one deferred action");
            }));
            assertTrue(setup.afterCurrentTask(() -> ran.add("after 1, second")));
            ran.add("task 1 ends");
        });
        setup.add(() -> ran.add("task 2"));
        withSevereLogOff(r::runQueued);
        assertEquals(List.of("task 1", "task 1 ends", "after 1", "after 1, second", "task 2"), ran);
        setup.add(() -> ran.add("task 3"));
        r.runQueued();
        assertEquals("task 3", ran.get(ran.size() - 1), "nothing deferred is left over for the next task");
        assertEquals(6, ran.size());
    }

    @Test
    void workRunAsATaskOutsideTheQueueHasWhatItDefersRunRightAfterItAndNestsInsideATask() {
        ManualRuntime r = new ManualRuntime();
        PacedSetup setup = new PacedSetup(() -> r);
        List<String> ran = new ArrayList<>();
        // News from another node: both of a publisher's tracks, one renegotiation after them.
        setup.runAsTask(() -> {
            ran.add("audio");
            assertTrue(setup.afterCurrentTask(() -> ran.add("renegotiate")));
            ran.add("video");
        });
        assertEquals(List.of("audio", "video", "renegotiate"), ran, "ran at once, not queued");
        assertTrue(r.queued.isEmpty());
        assertEquals(false, setup.afterCurrentTask(() -> ran.add("late")), "the task is over");

        // Inside a queued task it is part of that task: deferred work waits for the outer task's end.
        ran.clear();
        setup.add(() -> {
            setup.runAsTask(() -> assertTrue(setup.afterCurrentTask(() -> ran.add("after outer"))));
            ran.add("outer ends");
        });
        r.runQueued();
        assertEquals(List.of("outer ends", "after outer"), ran);

        // A failure is logged and what was deferred before it still runs.
        ran.clear();
        withSevereLogOff(() -> setup.runAsTask(() -> {
            setup.afterCurrentTask(() -> ran.add("still runs"));
            throw new IllegalStateException("a bug in an event handler");
        }));
        assertEquals(List.of("still runs"), ran);
    }

    /** Runs {@code work} with PacedSetup's log off: the SEVERE line of a failing task is expected there. */
    private static void withSevereLogOff(Runnable work) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(PacedSetup.class.getName());
        java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.OFF);
        try {
            work.run();
        } finally {
            log.setLevel(level);
        }
    }
}
