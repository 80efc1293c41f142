package io.relaycast.node;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives the JVM's concurrent garbage-collector threads a higher nice value than the media workers
 * (Linux only), so that a media worker sharing a core with them keeps forwarding while they mark.
 *
 * <p>Why: Linux's scheduler (CFS) shares a core between runnable threads by weight, and at equal
 * nice a ZGC worker that marks for 100-200 ms takes half of the core from the media worker beside
 * it. Measured with the load harness's per-second record (docs/benchmarks.md, "What the storm's
 * bad seconds were"): in every second with a GC cycle the media loop waited 81-161 ms for its core,
 * its socket queue grew to 2 MB and the calls' p99 read 135-164 ms; with the GC threads at nice 10
 * (weight 110 against 1024) the loop waited 35-68 ms in those seconds and the p99 read 23-51 ms.
 * The collector then runs mostly in the time the media workers leave idle, which a node below
 * saturation has; ZGC starts its cycles earlier when they take longer, so the heap does not run
 * out first. A node at 100 % of its cores is overloaded whatever the collector does.
 *
 * <p>Only threads that work concurrently with the application are touched. Threads that work
 * inside a stop-the-world pause (ZGC's {@code RuntimeWorker}, G1's {@code GC Thread#}, the VM
 * thread) keep their priority, or a preempted one would lengthen the pause for every thread. The
 * JIT's compiler threads keep theirs too: at nice 10 the media loop of a storm run used 1.6 times
 * the CPU at the same load (hot code left longer in the interpreter and C1).
 *
 * <p>Java 17 cannot call setpriority(2), so this runs util-linux's {@code renice} (Essential in
 * Debian and Ubuntu, in busybox elsewhere) on the threads' ids; an unprivileged process may always
 * raise its own threads' nice value. Threads the collector starts later (G1 adds refinement threads
 * on demand) are picked up by a check every 30 s.
 */
final class GcThreadPriority {
    private static final Logger LOG = Logger.getLogger(GcThreadPriority.class.getName());

    /** Kernel names (15 characters at most) of concurrent GC threads in HotSpot 17-25. */
    static final List<String> CONCURRENT_GC_THREAD_PREFIXES =
            List.of("ZWorker", "ZUnmapper", "ZUncommitter", "G1 Conc#", "G1 Refine#");

    private static final Path TASKS = Path.of("/proc/self/task");

    private final int nice;
    private final Set<Long> done = new HashSet<>();
    private boolean warned;

    GcThreadPriority(int nice) {
        this.nice = nice;
    }

    /** Applies {@code nice} now and every 30 s on a daemon thread; nothing when 0 or not on Linux. */
    static void start(int nice) {
        if (nice == 0 || !Files.isDirectory(TASKS)) {
            return;
        }
        GcThreadPriority p = new GcThreadPriority(nice);
        Thread t = new Thread(() -> {
            while (true) {
                p.applyToNewThreads();
                try {
                    TimeUnit.SECONDS.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "relaycast-gc-priority");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Renices the concurrent GC threads not seen before; returns their ids. */
    List<Long> applyToNewThreads() {
        List<Long> fresh = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (long tid : concurrentGcThreads()) {
            if (!done.contains(tid)) {
                fresh.add(tid);
                names.add(commOf(tid));
            }
        }
        if (fresh.isEmpty()) {
            return fresh;
        }
        String failure = renice(fresh);
        if (failure == null) {
            done.addAll(fresh);
            LOG.info(() -> "garbage-collector threads at nice " + nice + " (RELAYCAST_GC_THREAD_NICE): " + names);
        } else if (!warned) {
            warned = true;
            LOG.warning("could not lower the garbage-collector threads' priority (" + failure
                    + "); GC cycles will take CPU from the media workers. Set RELAYCAST_GC_THREAD_NICE=0 to stop trying");
        }
        return fresh;
    }

    /** Ids of this process's threads whose kernel name marks a concurrent GC thread. */
    static List<Long> concurrentGcThreads() {
        List<Long> out = new ArrayList<>();
        try (var tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (CONCURRENT_GC_THREAD_PREFIXES.stream().anyMatch(comm::startsWith)) {
                        out.add(Long.parseLong(task.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // no procfs: nothing to do
        }
        return out;
    }

    /** The nice value of one of this process's threads ({@code /proc/self/task/<tid>/stat}, field 19). */
    static int niceOf(long tid) throws IOException {
        String stat = Files.readString(TASKS.resolve(Long.toString(tid)).resolve("stat"));
        // The name (field 2) is in parentheses and may hold spaces: count fields after it.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }

    private static String commOf(long tid) {
        try {
            return Files.readString(TASKS.resolve(Long.toString(tid)).resolve("comm")).strip();
        } catch (IOException e) {
            return Long.toString(tid);
        }
    }

    /** null when renice succeeded, else why not. */
    private String renice(List<Long> tids) {
        List<String> cmd = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
        tids.forEach(t -> cmd.add(Long.toString(t)));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "renice did not finish in 10 s";
            }
            return p.exitValue() == 0 ? null : "renice exited " + p.exitValue() + ": " + out;
        } catch (IOException e) {
            return "renice: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "renice", e);
            return e.toString();
        }
    }
}
