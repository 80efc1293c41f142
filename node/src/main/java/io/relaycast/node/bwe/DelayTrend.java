package io.relaycast.node.bwe;

/**
 * The delay-based detector of GCC (draft-ietf-rmcat-gcc-02 §5.3-5.4) in libwebrtc's trendline
 * form: the accumulated one-way delay variation of packet groups, smoothed, and the slope of a
 * least-squares line through the last 20 samples. A rising queue shows as a positive slope long
 * before packets are lost. The slope, scaled, is compared with a threshold that adapts (§5.4) so
 * that the detector neither starves against loss-based TCP flows nor ignores real queues.
 */
final class DelayTrend {
    /** The detector's verdict (§5.4, "signal"). */
    enum State { NORMAL, OVERUSING, UNDERUSING }

    private static final int WINDOW = 20;
    private static final double SMOOTHING = 0.9;
    private static final double GAIN = 4.0;
    private static final double K_UP = 0.0087;
    private static final double K_DOWN = 0.039;
    /** Overuse must last this long (ms of send time) before it is signalled (§5.4). */
    private static final double OVERUSE_TIME_MS = 10;

    private final double[] xs = new double[WINDOW];
    private final double[] ys = new double[WINDOW];
    private int samples;
    private int deltas;
    private double firstArrivalMs = Double.NaN;
    private double accumulated;
    private double smoothed;
    private double threshold = 12.5;
    private double previousTrend;
    private double overusingMs = -1;
    private int overuseCount;
    private long lastThresholdNanos = Long.MIN_VALUE;
    private State state = State.NORMAL;

    /**
     * One group-to-group sample.
     *
     * @param delayDeltaMs arrival spacing minus send spacing of two consecutive groups
     * @param arrivalMs    the later group's arrival time (receiver clock)
     * @param sendDeltaMs  the send spacing, which is how long an overuse has lasted per sample
     */
    void add(double delayDeltaMs, double arrivalMs, double sendDeltaMs, long nowNanos) {
        if (Double.isNaN(firstArrivalMs)) {
            firstArrivalMs = arrivalMs;
        }
        deltas = Math.min(deltas + 1, 1000);
        accumulated += delayDeltaMs;
        smoothed = SMOOTHING * smoothed + (1 - SMOOTHING) * accumulated;
        int slot = samples % WINDOW;
        xs[slot] = arrivalMs - firstArrivalMs;
        ys[slot] = smoothed;
        samples++;
        if (samples < WINDOW) {
            return;
        }
        double trend = slope() * Math.min(deltas, 60) * GAIN;
        detect(trend, sendDeltaMs);
        adaptThreshold(trend, nowNanos);
    }

    private double slope() {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < WINDOW; i++) {
            mx += xs[i];
            my += ys[i];
        }
        mx /= WINDOW;
        my /= WINDOW;
        double num = 0;
        double den = 0;
        for (int i = 0; i < WINDOW; i++) {
            num += (xs[i] - mx) * (ys[i] - my);
            den += (xs[i] - mx) * (xs[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    private void detect(double trend, double sendDeltaMs) {
        if (trend > threshold) {
            overusingMs = overusingMs < 0 ? sendDeltaMs / 2 : overusingMs + sendDeltaMs;
            overuseCount++;
            if (overusingMs > OVERUSE_TIME_MS && overuseCount > 1 && trend >= previousTrend) {
                overusingMs = 0;
                overuseCount = 0;
                state = State.OVERUSING;
            }
        } else if (trend < -threshold) {
            overusingMs = -1;
            overuseCount = 0;
            state = State.UNDERUSING;
        } else {
            overusingMs = -1;
            overuseCount = 0;
            state = State.NORMAL;
        }
        previousTrend = trend;
    }

    /** §5.4: gamma follows |m| slowly up and faster down, ignoring spikes far above it. */
    private void adaptThreshold(double trend, long nowNanos) {
        if (lastThresholdNanos == Long.MIN_VALUE) {
            lastThresholdNanos = nowNanos;
        }
        double abs = Math.abs(trend);
        if (abs > threshold + 15) {
            lastThresholdNanos = nowNanos;
            return;
        }
        double k = abs < threshold ? K_DOWN : K_UP;
        double dtMs = Math.min((nowNanos - lastThresholdNanos) / 1e6, 100);
        threshold = Math.max(6, Math.min(600, threshold + k * (abs - threshold) * dtMs));
        lastThresholdNanos = nowNanos;
    }

    State state() {
        return state;
    }
}
