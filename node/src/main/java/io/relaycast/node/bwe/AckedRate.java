package io.relaycast.node.bwe;

/**
 * The rate the receiver acknowledged: bytes of packets it reported received over the last half
 * second of its own arrival clock (draft-ietf-rmcat-gcc-02 §5.5 uses this "incoming rate" to set
 * the rate after an overuse). A ring of the last 2048 arrivals; no allocation.
 */
final class AckedRate {
    private static final long WINDOW_NANOS = 500_000_000L;
    private static final int SIZE = 2048;
    private final long[] arrivals = new long[SIZE];
    private final int[] bytes = new int[SIZE];
    private int next;
    private int count;
    private long latest = Long.MIN_VALUE;

    void add(long arrivalNanos, int size) {
        arrivals[next] = arrivalNanos;
        bytes[next] = size;
        next = (next + 1) % SIZE;
        count = Math.min(count + 1, SIZE);
        latest = Math.max(latest, arrivalNanos);
    }

    /**
     * Bits per second over the window ending at the latest arrival; 0 until the window holds at
     * least 10 packets over 200 ms (a few packets say nothing about a rate).
     */
    long bps() {
        if (count == 0) {
            return 0;
        }
        long from = latest - WINDOW_NANOS;
        long sum = 0;
        long earliest = Long.MAX_VALUE;
        for (int i = 0; i < count; i++) {
            int slot = (next - 1 - i + SIZE) % SIZE;
            if (arrivals[slot] >= from) {
                sum += bytes[slot];
                earliest = Math.min(earliest, arrivals[slot]);
            }
        }
        int packets = 0;
        for (int i = 0; i < count; i++) {
            if (arrivals[(next - 1 - i + SIZE) % SIZE] >= from) {
                packets++;
            }
        }
        if (packets < 10 || latest - earliest < 200_000_000L) {
            return 0;
        }
        long span = latest - earliest;
        return sum * 8 * 1_000_000_000L / span;
    }
}
