package io.relaycast.rtp;

/**
 * The abs-send-time header extension value (http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time):
 * 24 bits of 6.18 fixed-point seconds, so it wraps every 64 seconds and has a resolution of
 * about 3.8 µs.
 */
public final class AbsSendTime {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The 6 integer bits wrap after 64 seconds. */
    private static final long WRAP_NANOS = 64 * NANOS_PER_SECOND;

    private AbsSendTime() {
    }

    /** The 24-bit value for a send time, taken modulo 64 seconds. */
    public static int fromNanos(long nanos) {
        long n = Math.floorMod(nanos, WRAP_NANOS);
        // n < 6.4e10, so n << 18 < 1.7e16 stays inside a long.
        return (int) ((n << 18) / NANOS_PER_SECOND) & 0xffffff;
    }

    /** The time within the 64-second cycle that a 24-bit value stands for, in nanoseconds. */
    public static long toNanos(int value) {
        return ((value & 0xffffffL) * NANOS_PER_SECOND) >>> 18;
    }
}
