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
 * The reading is the lower of that and the rate from the first arrival after the ones that came
 * with the first (within 1 ms): a receiver busy for a moment stamps a run of arrivals late and
 * together, and when the middle one is among them the later half's reading comes out high.
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
        long measured = rateAfter(received / 2);
        // And from the first arrival after those that came with the first (the bucket's credit).
        // A receiver stamps arrivals when it reads them, so a receiver busy for a moment stamps a
        // run of them late and together, never early: the middle one stamped late shortens the
        // later half's spread (a Chromium probe on a 300 kbit/s link read 451 kbit/s that way,
        // its arrivals 0, 0, 0, 0, 1.75, 9.75, 47.5 x4, 71 x3, 74.5, 79.75 ms), while an earlier
        // reference, stamped before the stall, keeps the spread whole.
        int afterCredit = 1;
        while (afterCredit < received - 1 && arrivals[order[afterCredit]] - arrivals[order[0]] < MIN_SPREAD_NANOS) {
            afterCredit++;
        }
        if (afterCredit < received - 2) {
            // (Two arrivals or more after it; a probe that came in all at once has none.)
            measured = Math.min(measured, rateAfter(afterCredit));
        }
        return Math.min(measured, targetBps);
    }

    /** The bytes that arrived after arrival {@code from} (in arrival order), over the time since it. */
    private long rateAfter(int from) {
        long bytes = 0;
        for (int i = from + 1; i < received; i++) {
            bytes += sizes[order[i]];
        }
        long spread = Math.max(arrivals[order[received - 1]] - arrivals[order[from]], MIN_SPREAD_NANOS);
        return bytes * 8 * 1_000_000_000L / spread;
    }
}
