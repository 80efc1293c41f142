package io.relaycast.node.observe;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of one media worker's forwarding delay: from the moment it starts reading a batch
 * of received datagrams to the moment the datagrams it sent in answer (forwarded RTP, RTCP, STUN
 * and DTLS replies) have been handed to the kernel. Exported as the Prometheus histogram
 * {@code relaycast_forwarding_delay_seconds} (docs/metrics.md).
 *
 * <p>Cheap on the packet path: the worker reads the clock once per receive batch and once per
 * flush, and {@link #record} adds the whole flush's datagram count to one bucket. Written only by
 * the worker's thread (release stores, no read-modify-write atomics); scrapes read it from
 * another thread.
 */
public final class ForwardingDelay {
    /** Upper bounds in seconds; the last bucket (+Inf) is implicit. */
    static final double[] BOUNDS_SECONDS = {
            0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0};

    private final String worker;
    private final long[] boundsNanos = new long[BOUNDS_SECONDS.length];
    /** Per-bucket (not cumulative) datagram counts; index BOUNDS_SECONDS.length is +Inf. */
    private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_SECONDS.length + 1);
    private final AtomicLongArray sumNanos = new AtomicLongArray(1);

    public ForwardingDelay(String worker) {
        this.worker = worker;
        for (int i = 0; i < BOUNDS_SECONDS.length; i++) {
            boundsNanos[i] = Math.round(BOUNDS_SECONDS[i] * 1e9);
        }
    }

    /** Worker thread only: {@code datagrams} sent {@code delayNanos} after their batch was read. */
    public void record(long delayNanos, int datagrams) {
        int i = 0;
        while (i < boundsNanos.length && delayNanos > boundsNanos[i]) {
            i++;
        }
        counts.setRelease(i, counts.getPlain(i) + datagrams);
        sumNanos.setRelease(0, sumNanos.getPlain(0) + delayNanos * datagrams);
    }

    String worker() {
        return worker;
    }

    /** Any thread: per-bucket counts, the last one for +Inf. */
    long[] counts() {
        long[] c = new long[counts.length()];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts.getAcquire(i);
        }
        return c;
    }

    /** Any thread: sum of all recorded delays, in seconds. */
    double sumSeconds() {
        return sumNanos.getAcquire(0) / 1e9;
    }
}
