package io.relaycast.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Java threads named like the collector's and the JIT's threads stand in for them (the kernel
 * knows a thread by its name only); the renice is real, on this JVM's own threads.
 */
class BackgroundThreadPriorityTest {

    @Test
    void concurrentGcThreadsGetTheNiceValueAndPauseWorkersDoNot() throws Exception {
        assertRenicesOnlyTheFirst(new BackgroundThreadPriority("garbage-collector", "RELAYCAST_GC_THREAD_NICE",
                BackgroundThreadPriority.CONCURRENT_GC_THREADS, 10), "ZWorker#77", "RuntimeWorker#77", 10);
    }

    @Test
    void theJitGroupTakesCompilerThreadsWithItsOwnValue() throws Exception {
        // The kernel cuts the JIT's "C2 CompilerThread0" to "C2 CompilerThre"; this name cuts the
        // same way. A GC-named thread is the other group's.
        assertRenicesOnlyTheFirst(new BackgroundThreadPriority("JIT compiler", "RELAYCAST_JIT_THREAD_NICE",
                BackgroundThreadPriority.JIT_THREADS, 5), "C2 CompilerThread77", "ZWorker#78", 5);
    }

    /** Starts a thread named {@code matching} and one named {@code other}; only the first may change. */
    private static void assertRenicesOnlyTheFirst(BackgroundThreadPriority group, String matching, String other,
                                                  int nice) throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong matchingTid = new AtomicLong();
        AtomicLong otherTid = new AtomicLong();
        // Names are set when the threads start; their ids come from inside them (gettid).
        Thread a = parked(matching, matchingTid, release);
        Thread b = parked(other, otherTid, release);
        try {
            List<Long> done = group.applyToNewThreads();
            assertTrue(done.contains(matchingTid.get()), "reniced " + done);
            assertFalse(done.contains(otherTid.get()), "reniced " + done);
            assertEquals(nice, BackgroundThreadPriority.niceOf(matchingTid.get()));
            assertEquals(0, BackgroundThreadPriority.niceOf(otherTid.get()));
            // A second pass leaves threads it has done alone (renice is not applied twice).
            assertFalse(group.applyToNewThreads().contains(matchingTid.get()));
            assertEquals(nice, BackgroundThreadPriority.niceOf(matchingTid.get()));
        } finally {
            release.countDown();
            a.join();
            b.join();
        }
    }

    private static Thread parked(String name, AtomicLong tid, CountDownLatch release) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                tid.set(Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        t.setDaemon(true);
        t.start();
        assertTrue(started.await(10, TimeUnit.SECONDS));
        return t;
    }
}
