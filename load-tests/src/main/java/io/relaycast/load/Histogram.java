package io.relaycast.load;

/**
 * A fixed-size log-linear histogram of non-negative values (microseconds here): exact below 32,
 * then 32 sub-buckets per power of two, so any recorded value is known to within about 3 %.
 * Recording allocates nothing; one owner thread.
 */
final class Histogram {
    private static final int SUB = 32;
    private static final int BUCKETS = 40 * SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    static int index(long v) {
        if (v < SUB) {
            return (int) Math.max(0, v);
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);
        int shift = msb - 5;
        int i = (shift + 1) * SUB + (int) ((v >>> shift) & (SUB - 1));
        return Math.min(i, BUCKETS - 1);
    }

    /** The smallest value that lands in bucket {@code i}. */
    static long lowerBound(int i) {
        if (i < SUB) {
            return i;
        }
        int shift = i / SUB - 1;
        return ((long) (SUB + i % SUB)) << shift;
    }

    void record(long v) {
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    void add(Histogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The value at quantile {@code q} (0..1), as its bucket's lower bound; -1 when empty. */
    long quantile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        if (rank < 1) {
            rank = 1;
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return lowerBound(i);
            }
        }
        return max;
    }
}
