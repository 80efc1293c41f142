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
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong concurrentTid = new AtomicLong();
        AtomicLong pauseTid = new AtomicLong();
        // Names are set when the threads start; their ids come from inside them (gettid).
        Thread concurrent = parked("ZWorker#77", concurrentTid, release);
        Thread pause = parked("RuntimeWorker#77", pauseTid, release);
        try {
            BackgroundThreadPriority gc = new BackgroundThreadPriority("garbage-collector",
                    "RELAYCAST_GC_THREAD_NICE", BackgroundThreadPriority.CONCURRENT_GC_THREADS, 10);
            List<Long> first = gc.applyToNewThreads();
            assertTrue(first.contains(concurrentTid.get()), "reniced " + first);
            assertFalse(first.contains(pauseTid.get()), "reniced " + first);
            assertEquals(10, BackgroundThreadPriority.niceOf(concurrentTid.get()));
            assertEquals(0, BackgroundThreadPriority.niceOf(pauseTid.get()));
            // A second pass leaves threads it has done alone (renice is not applied twice).
            assertFalse(gc.applyToNewThreads().contains(concurrentTid.get()));
            assertEquals(10, BackgroundThreadPriority.niceOf(concurrentTid.get()));
        } finally {
            release.countDown();
            concurrent.join();
            pause.join();
        }
    }

    @Test
    void theJitGroupTakesCompilerThreadsWithItsOwnValue() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong compilerTid = new AtomicLong();
        AtomicLong otherTid = new AtomicLong();
        // The kernel cuts the JIT's "C2 CompilerThread0" to "C2 CompilerThre"; this name cuts the same way.
        Thread compiler = parked("C2 CompilerThread77", compilerTid, release);
        Thread other = parked("ZWorker#78", otherTid, release);
        try {
            BackgroundThreadPriority jit = new BackgroundThreadPriority("JIT compiler",
                    "RELAYCAST_JIT_THREAD_NICE", BackgroundThreadPriority.JIT_THREADS, 5);
            List<Long> done = jit.applyToNewThreads();
            assertTrue(done.contains(compilerTid.get()), "reniced " + done);
            assertFalse(done.contains(otherTid.get()), "the GC's threads are the other group's: " + done);
            assertEquals(5, BackgroundThreadPriority.niceOf(compilerTid.get()));
            assertEquals(0, BackgroundThreadPriority.niceOf(otherTid.get()));
        } finally {
            release.countDown();
            compiler.join();
            other.join();
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
