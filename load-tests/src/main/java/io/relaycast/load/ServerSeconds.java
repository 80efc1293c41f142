package io.relaycast.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the server processes did in each second of a run, read from procfs beside the harness's
 * own per-second latency, so that a bad second shows its cause on the same clock:
 * <ul>
 * <li>each server thread's CPU time and its time runnable but waiting for a CPU (the first two
 * fields of {@code /proc/<pid>/task/<tid>/schedstat}, in ns): a media thread that was busy, one
 * that waited for its core (and which threads had it meanwhile), or one that did neither;</li>
 * <li>the high-water mark of the server's UDP receive queues ({@code rx_queue} of
 * {@code /proc/<pid>/net/udp} and {@code udp6}, for the socket inodes the process holds), sampled
 * every {@code queuePeriodMillis}: datagrams waiting for a media thread that has not read them.</li>
 * </ul>
 * Thread names: the kernel cuts them to 15 characters (every Vert.x event loop reads
 * "vert.x-eventloo"), so for JVMs the full names come from {@code jcmd <pid> Thread.print}, asked
 * once, when the sampler starts before the run's clients do: Thread.print stops the server at a
 * safepoint and jcmd is a JVM start on the harness's core, neither welcome during a run. Threads
 * started later (Hazelcast's cached threads, say) keep their cut names.
 */
final class ServerSeconds implements AutoCloseable {
    private final List<Long> pids;
    /** tid -> {on-CPU ns, run-queue ns} at the previous reading. */
    private final Map<Long, long[]> previous = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    /** Full Java names by thread id, looked up once by the constructor, before the run's clients start. */
    private final Map<Long, String> javaNames = new HashMap<>();
    /** Socket inodes of the server processes, refreshed each second; read by the queue sampler. */
    private volatile Set<Long> inodes = Set.of();
    private final AtomicLong queueHighWater = new AtomicLong(-1);
    private final Thread queueSampler;
    private volatile boolean running = true;

    ServerSeconds(List<Long> pids, int queuePeriodMillis) {
        this.pids = List.copyOf(pids);
        for (long pid : this.pids) {
            javaNames.putAll(javaThreadNames(pid));
        }
        inodes = socketInodes();
        read();
        if (queuePeriodMillis > 0 && !pids.isEmpty()) {
            queueSampler = new Thread(() -> sampleQueues(queuePeriodMillis), "server-queue-sampler");
            queueSampler.setDaemon(true);
            queueSampler.start();
        } else {
            queueSampler = null;
        }
    }

    /**
     * The second since the previous call: {@code threads} maps a thread's name (prefixed with
     * "n<i>/" when there are several server processes) to {cpu ms, wait ms}, busiest first, for
     * threads with at least 1 ms of either; {@code rxQueueMaxBytes} is the receive queues' largest
     * sum seen (-1 unknown).
     */
    Map<String, Object> second() {
        Map<String, double[]> threads = new HashMap<>();
        Map<Long, long[]> now = read();
        for (Map.Entry<Long, long[]> e : now.entrySet()) {
            long[] before = previous.getOrDefault(e.getKey(), new long[2]);
            double cpu = (e.getValue()[0] - before[0]) / 1e6;
            double wait = (e.getValue()[1] - before[1]) / 1e6;
            if (cpu >= 1 || wait >= 1) {
                threads.merge(names.getOrDefault(e.getKey(), "?"), new double[] {cpu, wait},
                        (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        previous.clear();
        previous.putAll(now);
        inodes = socketInodes();
        List<Map.Entry<String, double[]>> sorted = new ArrayList<>(threads.entrySet());
        sorted.sort((a, b) -> Double.compare(b.getValue()[0] + b.getValue()[1], a.getValue()[0] + a.getValue()[1]));
        Map<String, Object> byThread = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : sorted) {
            byThread.put(e.getKey(), List.of(Result.round(e.getValue()[0], 1), Result.round(e.getValue()[1], 1)));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", byThread);
        m.put("rxQueueMaxBytes", queueHighWater.getAndSet(-1));
        return m;
    }

    /** One line for the progress output: the three busiest threads (cpu+wait ms) and the queue peak. */
    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> second) {
        StringBuilder b = new StringBuilder("node");
        int shown = 0;
        for (Map.Entry<String, Object> e : ((Map<String, Object>) second.get("threads")).entrySet()) {
            if (shown++ == 3) {
                break;
            }
            List<Double> v = (List<Double>) e.getValue();
            b.append(' ').append(shortName(e.getKey())).append(' ')
                    .append(Math.round(v.get(0))).append('+').append(Math.round(v.get(1))).append('w');
        }
        long q = (Long) second.get("rxQueueMaxBytes");
        if (q >= 0) {
            b.append("  rxq ").append(q / 1024).append(" KB");
        }
        return b.toString();
    }

    private static String shortName(String name) {
        return name.replace("vert.x-eventloop-thread-", "loop-").replace(" CompilerThread", "");
    }

    /** tid -> {on-CPU ns, run-queue ns} of every thread of the server processes now. */
    private Map<Long, long[]> read() {
        Map<Long, long[]> out = new HashMap<>();
        for (int i = 0; i < pids.size(); i++) {
            long pid = pids.get(i);
            String prefix = pids.size() > 1 ? "n" + (i + 1) + "/" : "";
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        long tid = Long.parseLong(task.getFileName().toString());
                        String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
                        out.put(tid, new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
                        // Read every time: a new thread names itself once it runs, so a first
                        // reading may still show its creator's name.
                        String comm = Files.readString(task.resolve("comm")).strip();
                        String full = javaNames.get(tid);
                        names.put(tid, prefix + (full != null && full.startsWith(comm) ? full : comm));
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone: its threads drop out of the figures
            }
        }
        return out;
    }

    /**
     * tid -> Java thread name from {@code jcmd <pid> Thread.print} (the header line of each thread:
     * {@code "name" #id ... nid=0x<tid in hex> ...}); empty when the process is not a JVM or does not
     * answer in 10 s.
     */
    static Map<Long, String> javaThreadNames(long pid) {
        Map<Long, String> out = new HashMap<>();
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            if (!"java".equals(Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip())
                    || !Files.isExecutable(jcmd)) {
                return out;
            }
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return out;
            }
            for (String line : text.split("\n")) {
                out.putAll(parseThreadHeader(line));
            }
        } catch (IOException e) {
            // no jcmd answer: the cut names stay
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** {tid: name} from one {@code Thread.print} header line, or nothing for any other line. */
    static Map<Long, String> parseThreadHeader(String line) {
        if (!line.startsWith("\"")) {
            return Map.of();
        }
        int close = line.indexOf('"', 1);
        int nid = line.indexOf(" nid=0x", close);
        if (close < 0 || nid < 0) {
            return Map.of();
        }
        int from = nid + " nid=0x".length();
        int to = from;
        while (to < line.length() && Character.digit(line.charAt(to), 16) >= 0) {
            to++;
        }
        if (to == from) {
            return Map.of();
        }
        return Map.of(Long.parseLong(line.substring(from, to), 16), line.substring(1, close));
    }

    /** The inodes of every socket the server processes hold ({@code /proc/<pid>/fd/* -> socket:[n]}). */
    private Set<Long> socketInodes() {
        Set<Long> out = new HashSet<>();
        for (long pid : pids) {
            try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : (Iterable<Path>) fds::iterator) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        if (target.startsWith("socket:[")) {
                            out.add(Long.parseLong(target.substring(8, target.length() - 1)));
                        }
                    } catch (IOException | RuntimeException closed) {
                        // the descriptor was closed meanwhile
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone
            }
        }
        return out;
    }

    private void sampleQueues(int periodMillis) {
        // Processes in one network namespace see the same tables (each other's sockets included):
        // read each namespace's tables once, through one of its processes; the inode filter then
        // keeps the server's sockets, each counted once.
        Map<String, Long> byNamespace = new LinkedHashMap<>();
        for (long pid : pids) {
            try {
                byNamespace.putIfAbsent(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString(), pid);
            } catch (IOException | RuntimeException e) {
                byNamespace.putIfAbsent("pid " + pid, pid);
            }
        }
        while (running) {
            long sum = 0;
            boolean known = false;
            Set<Long> mine = inodes;
            for (long pid : byNamespace.values()) {
                for (String file : new String[] {"udp", "udp6"}) {
                    long q = receiveQueueBytes(Path.of("/proc", Long.toString(pid), "net", file), mine);
                    if (q >= 0) {
                        sum += q;
                        known = true;
                    }
                }
            }
            if (known) {
                queueHighWater.accumulateAndGet(sum, Math::max);
            }
            try {
                TimeUnit.MILLISECONDS.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Sum of {@code rx_queue} (bytes the kernel holds for the socket, skb overhead included) over
     * the lines of one procfs UDP table whose inode is in {@code inodes}; -1 when unreadable. Read
     * 20 times a second while a namespace may hold hundreds of client sockets, so it scans the
     * bytes instead of splitting lines.
     */
    static long receiveQueueBytes(Path table, Set<Long> inodes) {
        try {
            return receiveQueueBytes(Files.readAllBytes(table), inodes);
        } catch (IOException e) {
            return -1;
        }
    }

    static long receiveQueueBytes(byte[] text, Set<Long> inodes) {
        long sum = 0;
        int i = 0;
        // The first line is the header.
        while (i < text.length && text[i] != '\n') {
            i++;
        }
        while (++i < text.length) {
            // Fields: sl local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            long rx = -1;
            long inode = -1;
            for (int field = 0; field <= 9 && i < text.length && text[i] != '\n'; field++) {
                while (i < text.length && text[i] == ' ') {
                    i++;
                }
                int from = i;
                while (i < text.length && text[i] != ' ' && text[i] != '\n') {
                    i++;
                }
                if (field == 4) {
                    rx = parse(text, from, i, 16, true);
                } else if (field == 9) {
                    inode = parse(text, from, i, 10, false);
                }
            }
            if (rx >= 0 && inode >= 0 && inodes.contains(inode)) {
                sum += rx;
            }
            while (i < text.length && text[i] != '\n') {
                i++;
            }
        }
        return sum;
    }

    /** The number in text[from, to) (after its ':' when {@code afterColon}); -1 when malformed. */
    private static long parse(byte[] text, int from, int to, int radix, boolean afterColon) {
        if (afterColon) {
            while (from < to && text[from] != ':') {
                from++;
            }
            from++;
        }
        if (from >= to) {
            return -1;
        }
        long v = 0;
        for (int k = from; k < to; k++) {
            int d = Character.digit(text[k], radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
        }
        return v;
    }

    @Override
    public void close() {
        running = false;
        if (queueSampler != null) {
            queueSampler.interrupt();
        }
    }
}
