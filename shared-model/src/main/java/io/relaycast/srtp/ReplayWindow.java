package io.relaycast.srtp;

/**
 * The RFC 3711 §3.3.2 replay list for one stream: the highest index accepted so far and a
 * 128-bit bitmap of which of the 128 indices up to it were seen (bit k = index highest - k).
 *
 * <p>RFC 3711 asks for a window of at least 64; 128 tolerates the reordering that simulcast and
 * pacing produce. Only {@link #accept} changes the window, and callers call it only for packets
 * that authenticated (§3.3: the replay list is updated after authentication succeeds).
 */
final class ReplayWindow {
    static final int SIZE = 128;

    static final int FRESH = 0;
    static final int REPLAYED = 1;
    static final int TOO_OLD = 2;

    private boolean started;
    private long highest;
    /** Bits 0–63: indices highest .. highest-63. */
    private long low;
    /** Bits 64–127: indices highest-64 .. highest-127. */
    private long high;

    boolean started() {
        return started;
    }

    /** The highest accepted index; meaningless before {@link #started()}. */
    long highest() {
        return highest;
    }

    /** Whether {@code index} may be accepted: {@link #FRESH}, {@link #REPLAYED} or {@link #TOO_OLD}. */
    int check(long index) {
        if (!started || index > highest) {
            return FRESH;
        }
        long behind = highest - index;
        if (behind >= SIZE) {
            return TOO_OLD;
        }
        long bit = behind < 64 ? (low >>> behind) : (high >>> (behind - 64));
        return (bit & 1) != 0 ? REPLAYED : FRESH;
    }

    /** Records {@code index} as received; the caller has checked it with {@link #check}. */
    void accept(long index) {
        if (!started) {
            started = true;
            highest = index;
            low = 1;
            high = 0;
            return;
        }
        if (index > highest) {
            long shift = index - highest;
            if (shift >= SIZE) {
                low = 0;
                high = 0;
            } else if (shift >= 64) {
                high = low << (shift - 64);
                low = 0;
            } else {
                high = (high << shift) | (low >>> (64 - shift));
                low <<= shift;
            }
            low |= 1;
            highest = index;
            return;
        }
        long behind = highest - index;
        if (behind < 64) {
            low |= 1L << behind;
        } else if (behind < SIZE) {
            high |= 1L << (behind - 64);
        }
    }
}
