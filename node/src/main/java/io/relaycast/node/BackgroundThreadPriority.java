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
 * Gives the JVM's own background threads, its concurrent garbage collector and its JIT compilers,
 * a higher nice value than the media workers (Linux only), so that a media worker sharing a core
 * with them keeps forwarding while they work.
 *
 * <p>Why: Linux's scheduler (CFS) shares a core between runnable threads by weight, equal at
 * equal nice. Measured with the load harness's per-second record on a one-core node
 * (docs/benchmarks.md, "What the storm's bad seconds were"): ZGC's worker marks for 100-200 ms per
 * cycle, and in every second with a cycle the media loop waited 115-180 ms for its core and the
 * calls' p99 read 62-139 ms; with the GC threads at nice 10 (weight 110 against 1024) the loop
 * waited 24-68 ms in such seconds and the p99 read 5-51 ms. In a join storm C2 compiles the
 * joiners' paths for 200-420 ms per second; in six storm runs with the compiler threads at nice
 * 10 as well, the calls in progress lost +11 to +91 ms of p99 (median +20), against +9 to
 * +845 ms (median +43) in seven runs with them at the JVM's priority; the joins themselves took
 * longer in four of the six (join to first packet p50 0.7-0.9 s against 0.1-0.3 s: their code
 * waits longer for C2). Three later alternating pairs, the harness lighter: +111, +5, +13 ms
 * against +133, +17, +13 ms, joins p50 0.15-0.22 s against 0.10-0.16 s. Both then run mostly in the time the media workers leave idle, which a node
 * below saturation has. ZGC starts its cycles earlier when they take longer, so the heap seldom
 * runs out first: in 2 of 13 storm runs at nice 10 the media loop met one allocation stall (32
 * and 39 ms) while the joins saturated the core, where at nice 0 every GC cycle cost it 115-180
 * ms. A node at 100 % of its cores is overloaded whatever they do.
 *
 * <p>Only threads that work concurrently with the application: threads that work inside a
 * stop-the-world pause (ZGC's {@code RuntimeWorker}, G1's {@code GC Thread#}, the VM thread) keep
 * their priority, or a preempted one would lengthen the pause for every thread.
 *
 * <p>Java 17 cannot call setpriority(2), so this runs util-linux's {@code renice} (Essential in
 * Debian and Ubuntu, in busybox elsewhere) on the threads' ids; an unprivileged process may always
 * raise its own threads' nice value. Threads started later (the JIT adds compiler threads on
 * demand, G1 refinement threads) are picked up by a check every 30 s.
 */
final class BackgroundThreadPriority {
    private static final Logger LOG = Logger.getLogger(BackgroundThreadPriority.class.getName());

    /** Kernel names (15 characters at most) of concurrent GC threads in HotSpot 17-25. */
    static final List<String> CONCURRENT_GC_THREADS =
            List.of("ZWorker", "ZUnmapper", "ZUncommitter", "G1 Conc#", "G1 Refine#");
    /** Kernel names of the JIT's compiler threads ("C2 CompilerThread0" is cut to 15 characters). */
    static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");

    private static final Path TASKS = Path.of("/proc/self/task");

    private final String what;
    private final String setting;
    private final List<String> prefixes;
    private final int nice;
    private final Set<Long> done = new HashSet<>();
    private boolean warned;

    BackgroundThreadPriority(String what, String setting, List<String> prefixes, int nice) {
        this.what = what;
        this.setting = setting;
        this.prefixes = List.copyOf(prefixes);
        this.nice = nice;
    }

    /**
     * Applies the two nice values now and every 30 s on a daemon thread; a group whose value is 0
     * is left alone, and nothing happens off Linux.
     */
    static void start(int gcNice, int jitNice) {
        List<BackgroundThreadPriority> groups = new ArrayList<>();
        if (gcNice != 0) {
            groups.add(new BackgroundThreadPriority("garbage-collector", "RELAYCAST_GC_THREAD_NICE",
                    CONCURRENT_GC_THREADS, gcNice));
        }
        if (jitNice != 0) {
            groups.add(new BackgroundThreadPriority("JIT compiler", "RELAYCAST_JIT_THREAD_NICE", JIT_THREADS, jitNice));
        }
        if (groups.isEmpty() || !Files.isDirectory(TASKS)) {
            return;
        }
        Thread t = new Thread(() -> {
            while (true) {
                groups.forEach(BackgroundThreadPriority::applyToNewThreads);
                try {
                    TimeUnit.SECONDS.sleep(30);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "relaycast-thread-priority");
        t.setDaemon(true);
        t.start();
    }

    /** Renices this group's threads not seen before; returns their ids. */
    List<Long> applyToNewThreads() {
        List<Long> fresh = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (long tid : threadsNamed(prefixes)) {
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
            LOG.info(() -> what + " threads at nice " + nice + " (" + setting + "): " + names);
        } else if (!warned) {
            warned = true;
            LOG.warning("could not lower the " + what + " threads' priority (" + failure + "); they will take CPU"
                    + " from the media workers at equal weight. Set " + setting + "=0 to stop trying");
        }
        return fresh;
    }

    /** Ids of this process's threads whose kernel name starts with one of {@code prefixes}. */
    static List<Long> threadsNamed(List<String> prefixes) {
        List<Long> out = new ArrayList<>();
        try (var tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (prefixes.stream().anyMatch(comm::startsWith)) {
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
