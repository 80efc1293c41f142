package io.relaycast.rtp;

/**
 * What a receiver knows about one RTP source (RFC 3550 §6.4.1 and Appendix A): extended highest
 * sequence number, packets expected and lost, the interval fraction lost, and interarrival jitter.
 * Used by the node for its receiver reports and by load-test receivers for loss and jitter.
 *
 * <p>Sans-IO: arrival times come in as {@code nowNanos}. Not thread-safe; one owner.
 */
public final class ReceptionStatistics {
    /** RFC 3550 A.1: a jump this large is a restart, not loss. */
    private static final int MAX_DROPOUT = 3000;
    /** RFC 3550 A.1: this far behind is a very late or duplicate packet. */
    private static final int MAX_MISORDER = 100;
    private static final int SEQ_MOD = 1 << 16;

    private final int clockRate;
    private boolean started;
    private int maxSeq;
    private long cycles;
    private int baseSeq;
    private long received;
    private long expectedPrior;
    private long receivedPrior;
    private int badSeq = -1;
    private long lastTransit;
    private boolean haveTransit;
    /** Jitter in timestamp units, scaled by 16 as in RFC 3550 A.8 to keep integer precision. */
    private long jitterQ4;
    /** Bit i set: extended sequence (highest - i) was received; catches duplicates within 128 packets. */
    private long seenLow;
    private long seenHigh;
    private long duplicates;

    /** @param clockRate the RTP clock rate of the source, e.g. 90000 for video, 48000 for Opus */
    public ReceptionStatistics(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be positive");
        }
        this.clockRate = clockRate;
    }

    /**
     * Accounts for one received packet.
     *
     * @return false when the packet was judged a duplicate or too late to count (RFC 3550 A.1)
     */
    public boolean onPacket(int sequenceNumber, long rtpTimestamp, long nowNanos) {
        int seq = sequenceNumber & 0xffff;
        if (!started) {
            start(seq);
            started = true;
        } else {
            int delta = (seq - maxSeq) & 0xffff;
            if (delta != 0 && delta < MAX_DROPOUT) {
                if (seq < maxSeq) {
                    cycles += SEQ_MOD;
                }
                maxSeq = seq;
                shiftSeen(delta);
                markSeen(0);
            } else if (delta >= SEQ_MOD - MAX_MISORDER || delta == 0) {
                // Late or duplicate; no jitter update for either (RFC 3550 A.8 uses in-order packets).
                int behind = (SEQ_MOD - delta) & 0xffff;
                if (isSeen(behind)) {
                    // RFC 3550 6.4.1 lets duplicates count as received, which drives loss negative and
                    // hides real loss; a duplicate seen within the last 128 packets is counted apart.
                    duplicates++;
                    return false;
                }
                markSeen(behind);
                received++;
                return true;
            } else {
                // A large jump: a restart only if the next packet confirms it (RFC 3550 A.1).
                if (seq == badSeq) {
                    start(seq);
                } else {
                    badSeq = (seq + 1) & 0xffff;
                    return false;
                }
            }
        }
        received++;
        updateJitter(rtpTimestamp, nowNanos);
        return true;
    }

    private void start(int seq) {
        baseSeq = seq;
        maxSeq = seq;
        cycles = 0;
        badSeq = -1;
        received = 0;
        expectedPrior = 0;
        receivedPrior = 0;
        haveTransit = false;
        seenLow = 1;
        seenHigh = 0;
    }

    private void shiftSeen(int by) {
        if (by >= 128) {
            seenLow = 0;
            seenHigh = 0;
        } else if (by >= 64) {
            seenHigh = seenLow << (by - 64);
            seenLow = 0;
        } else if (by > 0) {
            seenHigh = (seenHigh << by) | (seenLow >>> (64 - by));
            seenLow = seenLow << by;
        }
    }

    private void markSeen(int behind) {
        if (behind < 64) {
            seenLow |= 1L << behind;
        } else if (behind < 128) {
            seenHigh |= 1L << (behind - 64);
        }
    }

    private boolean isSeen(int behind) {
        if (behind < 64) {
            return (seenLow & (1L << behind)) != 0;
        }
        return behind < 128 && (seenHigh & (1L << (behind - 64))) != 0;
    }

    /** RFC 3550 A.8: J += (|D| - J) / 16 with D the change in relative transit time. */
    private void updateJitter(long rtpTimestamp, long nowNanos) {
        long arrival = Math.floorDiv(nowNanos, 1000L) * clockRate / 1_000_000L;
        long transit = arrival - (rtpTimestamp & 0xffffffffL);
        if (haveTransit) {
            long d = Math.abs(transit - lastTransit);
            // Timestamps wrap every 2^32 ticks; a transit jump near that is a wrap, not jitter.
            if (d < (1L << 31)) {
                jitterQ4 += d - ((jitterQ4 + 8) >> 4);
            }
        }
        lastTransit = transit;
        haveTransit = true;
    }

    public boolean started() {
        return started;
    }

    /** The extended highest sequence number received (cycles in the high 16 bits). */
    public long extendedHighestSequence() {
        return cycles + maxSeq;
    }

    public long expected() {
        return started ? extendedHighestSequence() - baseSeq + 1 : 0;
    }

    /** Distinct packets received (duplicates detected within 128 packets are not counted). */
    public long received() {
        return received;
    }

    /** Duplicates detected and not counted as received. */
    public long duplicates() {
        return duplicates;
    }

    /** Cumulative packets lost, clamped to the 24-bit signed field of a report block (RFC 3550 §6.4.1). */
    public int cumulativeLost() {
        long lost = expected() - received;
        return (int) Math.max(-0x800000L, Math.min(0x7fffffL, lost));
    }

    /** Interarrival jitter in timestamp units. */
    public long jitter() {
        return jitterQ4 >> 4;
    }

    /**
     * The fraction lost since the previous call, as the 8-bit fixed point value of a report block
     * (RFC 3550 A.3), and starts a new interval.
     */
    public int takeFractionLost() {
        long expected = expected();
        long expectedInterval = expected - expectedPrior;
        long receivedInterval = received - receivedPrior;
        expectedPrior = expected;
        receivedPrior = received;
        long lostInterval = expectedInterval - receivedInterval;
        if (expectedInterval == 0 || lostInterval <= 0) {
            return 0;
        }
        return (int) ((lostInterval << 8) / expectedInterval);
    }
}
