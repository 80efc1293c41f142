package io.relaycast.rtcp;

/**
 * NTP timestamps as RTCP carries them (RFC 3550 §4): 32 bits of seconds since 1900-01-01 and
 * 32 bits of fraction, held in a {@code long} as raw bits. The "compact" form is the middle 32
 * bits (16.16 fixed point) used by the LSR and DLSR fields of report blocks (§6.4.1).
 *
 * <p>Sans-IO: nothing here reads a clock; callers pass wall-clock time in.
 */
public final class NtpTime {
    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01 (Unix epoch). */
    static final long UNIX_EPOCH_NTP_SECONDS = 2_208_988_800L;
    /** Seconds from 1900-01-01 to the start of NTP era 1 (2036-02-07T06:28:16Z). */
    private static final long ERA_SECONDS = 1L << 32;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpTime() {
    }

    /** The 64-bit NTP timestamp of a wall-clock instant given in nanoseconds since the Unix epoch. */
    public static long fromUnixNanos(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND) + UNIX_EPOCH_NTP_SECONDS;
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        // Fraction = nanos * 2^32 / 1e9; nanos < 2^30 so the product fits in 63 bits.
        long fraction = (nanos << 32) / NANOS_PER_SECOND;
        return (seconds << 32) | fraction;
    }

    /**
     * Nanoseconds since the Unix epoch for an NTP timestamp. RFC 4330 §3: a seconds value with
     * the top bit clear is taken to be in era 1 (2036–2104), so timestamps keep working past
     * the 2036 wrap.
     */
    public static long toUnixNanos(long ntp) {
        long seconds = ntp >>> 32;
        if (seconds < 0x8000_0000L) {
            seconds += ERA_SECONDS;
        }
        long fraction = ntp & 0xFFFF_FFFFL;
        long nanos = (fraction * NANOS_PER_SECOND) >>> 32;
        return (seconds - UNIX_EPOCH_NTP_SECONDS) * NANOS_PER_SECOND + nanos;
    }

    /** RFC 3550 §6.4.1: the middle 32 bits of an NTP timestamp, as put in a report block's LSR. */
    public static long middle32(long ntp) {
        return (ntp >>> 16) & 0xFFFF_FFFFL;
    }

    /** A compact (1/65536 s) duration such as DLSR or a round-trip time, in nanoseconds. */
    public static long compactToNanos(long compact) {
        return ((compact & 0xFFFF_FFFFL) * NANOS_PER_SECOND) >>> 16;
    }

    /**
     * A non-negative duration in nanoseconds as compact 1/65536 s units for the DLSR field,
     * rounded down and saturated at 0xFFFFFFFF (about 18 hours).
     */
    public static long nanosToCompact(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long maxNanos = compactToNanos(0xFFFF_FFFFL);
        if (nanos >= maxNanos) {
            return 0xFFFF_FFFFL;
        }
        // nanos < 65536 s in ns (< 2^46), so nanos << 16 fits in 62 bits.
        return (nanos << 16) / NANOS_PER_SECOND;
    }
}
