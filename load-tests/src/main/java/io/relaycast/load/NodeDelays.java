package io.relaycast.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nodes' own view of a join storm, read from their /metrics (docs/metrics.md): the
 * forwarding-delay histogram ({@code relaycast_forwarding_delay_seconds}, receive batch to send,
 * summed over nodes and workers) at the phase boundaries, and the worst media-loop lateness
 * ({@code relaycast_event_loop_delay_seconds}) seen by the once-a-second sampler in each phase.
 * The client-side latency includes whatever the harness's own core adds (its receiving thread
 * waits for the CPU when the joiners' set-up saturates it); these figures are the server's side
 * alone.
 */
final class NodeDelays {
    private static final String HISTOGRAM = "relaycast_forwarding_delay_seconds_bucket";
    private static final String LOOP_DELAY = "relaycast_event_loop_delay_seconds";

    /** Cumulative bucket counts (upper bound in seconds -> count) at each boundary; null when unreadable. */
    private final List<TreeMap<Double, Double>> marks = new ArrayList<>();
    /** Worst loop delay per phase (0 baseline, 1 storm, 2 after), seconds; -1 none seen. */
    private final double[] worstLoopDelay = {-1, -1, -1};
    private volatile int phase = -1;

    /** Sampler thread or run thread: the boundary {@code index} (0 baseline, 1 storm, 2 end of storm). */
    void mark(List<String> bodies, int index) {
        TreeMap<Double, Double> sum = bodies == null ? null : new TreeMap<>();
        if (bodies != null) {
            for (String body : bodies) {
                buckets(body).forEach((le, n) -> sum.merge(le, n, Double::sum));
            }
        }
        synchronized (this) {
            while (marks.size() <= index) {
                marks.add(null);
            }
            marks.set(index, sum);
        }
        phase = index;
    }

    /** Sampler thread: the nodes' current loop delay goes to the phase in progress. */
    void sample(List<String> bodies) {
        int p = phase;
        if (p < 0 || p > 2 || bodies == null) {
            return;
        }
        double worst = -1;
        for (String body : bodies) {
            worst = Math.max(worst, loopDelay(body));
        }
        synchronized (this) {
            worstLoopDelay[p] = Math.max(worstLoopDelay[p], worst);
        }
    }

    synchronized void putInto(Map<String, Object> m) {
        put(m, "Baseline", 0, 1);
        put(m, "Storm", 1, 2);
    }

    private void put(Map<String, Object> m, String name, int from, int to) {
        TreeMap<Double, Double> a = from < marks.size() ? marks.get(from) : null;
        TreeMap<Double, Double> b = to < marks.size() ? marks.get(to) : null;
        if (a == null || b == null || b.isEmpty()) {
            m.put("node" + name + "ForwardingDelayP99AtMostMs", null);
            return;
        }
        TreeMap<Double, Double> d = new TreeMap<>();
        b.forEach((le, n) -> d.put(le, n - a.getOrDefault(le, 0.0)));
        double total = d.lastEntry().getValue();
        m.put("node" + name + "Datagrams", (long) total);
        m.put("node" + name + "ForwardingDelayP99AtMostMs", atMostMillis(d, total * 0.99));
        m.put("node" + name + "ForwardingDelayOver10msPercent", total > 0 ? over(d, 0.010, total) : null);
        double loop = worstLoopDelay[from];
        m.put("node" + name + "WorstLoopDelayMs", loop < 0 ? null : Math.round(loop * 10000) / 10.0);
    }

    /** The smallest bucket bound under which at least {@code count} datagrams fall, in ms (null: +Inf). */
    private static Double atMostMillis(TreeMap<Double, Double> cumulative, double count) {
        for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
            if (e.getValue() >= count) {
                return Double.isInfinite(e.getKey()) ? null : e.getKey() * 1000;
            }
        }
        return null;
    }

    private static double over(TreeMap<Double, Double> cumulative, double bound, double total) {
        Double under = cumulative.get(bound);
        return under == null ? Double.NaN : Math.round((total - under) / total * 1e6) / 1e4;
    }

    /** {@code relaycast_forwarding_delay_seconds_bucket} lines summed by {@code le}. */
    static TreeMap<Double, Double> buckets(String body) {
        TreeMap<Double, Double> b = new TreeMap<>();
        for (String line : body.split("\n")) {
            if (!line.startsWith(HISTOGRAM)) {
                continue;
            }
            int le = line.indexOf("le=\"");
            if (le < 0) {
                continue;
            }
            String bound = line.substring(le + 4, line.indexOf('"', le + 4));
            double key = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
            b.merge(key, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
        }
        return b;
    }

    /** The worst {@code relaycast_event_loop_delay_seconds} over the body's workers; -1 none. */
    static double loopDelay(String body) {
        double worst = -1;
        for (String line : body.split("\n")) {
            if (line.startsWith(LOOP_DELAY + "{") || line.startsWith(LOOP_DELAY + " ")) {
                worst = Math.max(worst, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return worst;
    }
}
