package io.relaycast.load;

import io.relaycast.platform.LinuxUdpDrops;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and resident memory of a process from Linux procfs: {@code /proc/<pid>/stat} fields 14
 * and 15 (utime, stime, in clock ticks of 1/100 s on Linux, USER_HZ) and {@code VmRSS} of
 * {@code /proc/<pid>/status}.
 */
final class ProcStats {
    /** USER_HZ: 100 on every Linux architecture the JDK runs on (the kernel ABI fixes it). */
    static final long TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    record Sample(long cpuMicros, long rssKiB) {
    }

    /** null when the process is gone. */
    static Sample read(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) is in parentheses and may contain spaces: split after it.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return new Sample(ticks * 1_000_000 / TICKS_PER_SECOND, rss);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * How long this process's threads whose name starts with {@code namePrefix} have waited,
     * runnable, for a CPU, and how many times they were put on one: the second and third fields
     * of each {@code /proc/self/task/<tid>/schedstat} (run_delay in ns, timeslices), summed. For
     * the receiving thread, which sleeps until a datagram arrives, the wait per timeslice is how
     * late an arrival is stamped, on average, because the harness's core was busy with something
     * else. null when unreadable (a kernel without schedstats, or no such thread yet: the kernel
     * learns a thread's name when it starts running; names are cut to 15 characters).
     */
    static long[] runQueue(String namePrefix) {
        long delay = 0;
        long slices = 0;
        boolean found = false;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    if (!Files.readString(task.resolve("comm")).strip().startsWith(namePrefix)) {
                        continue;
                    }
                    String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    delay += Long.parseLong(f[1]);
                    slices += Long.parseLong(f[2]);
                    found = true;
                } catch (IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return found ? new long[] {delay, slices} : null;
    }

    /** Mean run-queue wait per timeslice in µs between two {@link #runQueue} readings; NaN if unknown. */
    static double waitPerSliceMicros(long[] before, long[] after) {
        if (before == null || after == null || after[1] <= before[1]) {
            return Double.NaN;
        }
        return (after[0] - before[0]) / 1e3 / (after[1] - before[1]);
    }

    /**
     * The kernel's UDP counters of this network namespace ({@code /proc/net/snmp}, line "Udp:"):
     * RcvbufErrors counts datagrams dropped because a receiving socket's buffer was full, which
     * tells loss inside the machine apart from loss in the server. -1 values when unreadable.
     */
    static long[] udpErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    return new long[] {Long.parseLong(values[names.indexOf("RcvbufErrors")]),
                            Long.parseLong(values[names.indexOf("SndbufErrors")])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return new long[] {-1, -1};
    }

    /**
     * Datagrams the kernel dropped on this process's own UDP sockets (the last column of
     * {@code /proc/net/udp} and {@code udp6}, per socket: buffer full or bad checksum), summed
     * over sockets bound to {@code localPorts}; -1 when unreadable. Unlike {@link #udpErrors()}
     * this is the harness's share alone, not the server's.
     */
    static long socketDrops(java.util.Set<Integer> localPorts) {
        if (!LinuxUdpDrops.available()) {
            return -1;
        }
        java.util.Map<Integer, Long> byPort = LinuxUdpDrops.read();
        long drops = 0;
        for (int port : localPorts) {
            drops += byPort.getOrDefault(port, 0L);
        }
        return drops;
    }

    /** Processes whose command line contains {@code needle} (not this JVM). */
    static List<Long> find(String needle) {
        List<Long> out = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String n = d.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit) || Long.parseLong(n) == self) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains(needle)) {
                        out.add(Long.parseLong(n));
                    }
                } catch (IOException ignored) {
                    // the process ended while we looked
                }
            }
        } catch (IOException ignored) {
            // no procfs: no CPU figures
        }
        return out;
    }
}
