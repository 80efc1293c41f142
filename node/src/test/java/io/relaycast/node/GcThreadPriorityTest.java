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
 * Java threads named like the collector's threads stand in for them (the kernel knows a thread by
 * its name only); the renice is real, on this JVM's own threads.
 */
class GcThreadPriorityTest {

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
            GcThreadPriority priority = new GcThreadPriority(10);
            List<Long> first = priority.applyToNewThreads();
            assertTrue(first.contains(concurrentTid.get()), "reniced " + first);
            assertFalse(first.contains(pauseTid.get()), "reniced " + first);
            assertEquals(10, GcThreadPriority.niceOf(concurrentTid.get()));
            assertEquals(0, GcThreadPriority.niceOf(pauseTid.get()));
            // A second pass leaves threads it has done alone (renice is not applied twice).
            assertFalse(priority.applyToNewThreads().contains(concurrentTid.get()));
            assertEquals(10, GcThreadPriority.niceOf(concurrentTid.get()));
        } finally {
            release.countDown();
            concurrent.join();
            pause.join();
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
