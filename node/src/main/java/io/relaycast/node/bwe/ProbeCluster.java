package io.relaycast.node.bwe;

import java.util.Arrays;

/**
 * One probe in flight: the padding packets the node sent as a burst to learn whether the
 * subscriber's downlink carries more, and their arrivals as the transport-cc feedback reports
 * them, possibly over several feedback messages. The probe is judged once every packet of it is
 * reported (or it times out), never on a part: the first feedback often covers only the packets
 * that went through at once.
 *
 * <p>The rate is read from the later half of the arrivals. Access links are token buckets (tc
 * tbf, DOCSIS, LTE schedulers): the first bytes of a burst pass at once on the bucket's
 * credit, and only the rest is spread by the bottleneck. Dividing all the bytes by the whole
 * spread reads that credit as bandwidth (a 2 KB probe through a 300 kbit/s link with a 1.6 KB
 * burst read as 600+ kbit/s and switched a subscriber to a layer its link could not carry). The
 * later half, once the credit is spent, arrives at the bottleneck's rate, as libwebrtc's
 * ProbeBitrateEstimator also leaves the first arrival out for the same reason on a smaller scale.
 */
final class ProbeCluster {
    /** Below this many received packets a probe says nothing (libwebrtc: 5 packets). */
    static final int MIN_PACKETS = 5;
    /** A probe not fully reported this long after it started is judged on what arrived. */
    static final long TIMEOUT_NANOS = 1_000_000_000L;
    private static final int MAX_PACKETS = 64;
    /** The feedback's arrival times have 250 µs resolution (draft §3.1.5): a spread counts as at least 1 ms. */
    private static final long MIN_SPREAD_NANOS = 1_000_000L;

    private final long[] arrivals = new long[MAX_PACKETS];
    private final int[] sizes = new int[MAX_PACKETS];
    private final Integer[] order = new Integer[MAX_PACKETS];
    private int id;
    private long targetBps;
    private long startedNanos;
    private int sent;
    private int reported;
    private int received;
    private boolean open;

    /** Starts probe {@code id} for {@code targetBps}; the previous one, judged or not, is forgotten. */
    void start(int id, long targetBps, long nowNanos) {
        this.id = id;
        this.targetBps = targetBps;
        this.startedNanos = nowNanos;
        sent = 0;
        reported = 0;
        received = 0;
        open = true;
    }

    int id() {
        return open ? id : 0;
    }

    long targetBps() {
        return targetBps;
    }

    void onSent() {
        sent++;
    }

    /** Feedback about one of this probe's packets. */
    void onReport(boolean wasReceived, long arrivalNanos, int size) {
        reported++;
        if (wasReceived && received < MAX_PACKETS) {
            arrivals[received] = arrivalNanos;
            sizes[received] = size;
            received++;
        }
    }

    /** Every packet reported, or too late to wait for the rest. */
    boolean readyToJudge(long nowNanos) {
        return open && sent > 0 && (reported >= sent || nowNanos - startedNanos > TIMEOUT_NANOS);
    }

    /**
     * Closes the probe and returns the rate the link carried it at, at most the target, or -1
     * when too few packets arrived to say.
     */
    long judge() {
        open = false;
        if (received < MIN_PACKETS) {
            return -1;
        }
        for (int i = 0; i < received; i++) {
            order[i] = i;
        }
        Arrays.sort(order, 0, received, (a, b) -> Long.compare(arrivals[a], arrivals[b]));
        // From the middle arrival on: the bytes after it came in over the time after it.
        int mid = received / 2;
        long bytes = 0;
        for (int i = mid + 1; i < received; i++) {
            bytes += sizes[order[i]];
        }
        long spread = Math.max(arrivals[order[received - 1]] - arrivals[order[mid]], MIN_SPREAD_NANOS);
        long measured = bytes * 8 * 1_000_000_000L / spread;
        return Math.min(measured, targetBps);
    }
}
