package io.relaycast.node.limits;

/**
 * A token bucket (rate plus burst) with time passed in, so it runs on any thread that owns it and
 * tests drive it without sleeping. Not thread-safe: one owner.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;
    private boolean started;

    /**
     * @param perSecond tokens added per second
     * @param burst     most tokens held at once (the bucket starts full)
     */
    public TokenBucket(double perSecond, double burst) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
    }

    /** Takes one token if there is one at {@code nowNanos}. */
    public boolean tryTake(long nowNanos) {
        if (started) {
            long elapsed = nowNanos - lastNanos;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            }
        }
        started = true;
        lastNanos = nowNanos;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
