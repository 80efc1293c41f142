package io.relaycast.node.media;

import io.relaycast.srtp.SrtpContext;

/**
 * Notices the loss of a publisher's packets on its uplink from the sequence numbers of one RTP
 * stream, and decides when to ask for each missing packet with a Generic NACK (RFC 4585 §6.2.1).
 * Sans-IO: the time is passed in, nothing here reads a clock, sends or sets a timer; the owner
 * calls {@link #poll} when {@link #nextPollNanos} has come and sends what it returns.
 *
 * <p>What it remembers, all bounded: which of the last {@value #WINDOW} sequence numbers arrived
 * (a bitmap, so duplicates and reordering are told apart from loss, and a retransmission is known
 * to fill a hole exactly once), and up to {@value #MAX_MISSING} missing packets being chased.
 *
 * <p>Sequence numbers wrap at 65535; they are extended internally (RFC 3550 A.1). A jump forward
 * of more than {@value #MAX_GAP} or backward beyond the window is a stream reset (a restarted
 * encoder, a new sender), not loss: nothing is asked for and the memory starts afresh.
 *
 * <p>A missing packet is asked for as soon as a later one reveals the gap (RFC 4585 §3.2: early
 * feedback is what makes a repair arrive in time), then again every retry interval (the
 * publisher's RTT with a floor, or {@value #DEFAULT_RTT_MILLIS} ms while none is known), and given
 * up after {@value #MAX_TRIES} requests, after {@value #MAX_AGE_MILLIS} ms (a video jitter buffer
 * has stopped waiting by then), or once it is {@link #MAX_BEHIND} packets behind the newest: a
 * repair that late could not be forwarded, because every subscriber's SRTP sender refuses an
 * index that far behind the last it protected (RFC 3711 §3.3.2; {@link SrtpContext#REPLAY_WINDOW}).
 * Seen in a 100-client join burst at 70 % load: the node's receive buffer overflowed, and every
 * repair of a long run of lost packets, asked for and forwarded, was then refused by SRTP for
 * each subscriber (tens of thousands per run): load added when the node had least to spare.
 */
public final class NackGenerator {
    /** Sequence numbers whose arrival is remembered; a power of two. */
    public static final int WINDOW = 2048;
    /** How far behind the newest packet a missing one is still chased and its repair forwarded. */
    public static final int MAX_BEHIND = SrtpContext.REPLAY_WINDOW;
    /** Missing packets chased at once (at most the holes within {@link #MAX_BEHIND}). */
    public static final int MAX_MISSING = MAX_BEHIND;
    /** A forward jump larger than this is a reset of the stream, not loss. */
    public static final int MAX_GAP = 1000;
    public static final int MAX_TRIES = 10;
    public static final long MAX_AGE_MILLIS = 1000;
    public static final long DEFAULT_RTT_MILLIS = 100;
    /** Floor of the retry interval: a repair needs the sender's turnaround on top of the path's RTT. */
    public static final long MIN_RETRY_MILLIS = 20;
    public static final long MAX_RETRY_MILLIS = 1000;

    /** What an arriving original packet was. */
    public enum Arrival {
        /** The first packet, or newer than every one before (possibly after a gap). */
        NEW,
        /** Late: it fills a hole (reordered, or a packet we had asked for). */
        FILLED,
        /** Arrived before (or its retransmission did): not to be forwarded again. */
        DUPLICATE,
        /** A jump that restarts the numbering; forwarded, and nothing is asked for. */
        RESET
    }

    private static final long MAX_AGE_NANOS = MAX_AGE_MILLIS * 1_000_000L;

    private final long[] received = new long[WINDOW / 64];
    private boolean started;
    /** Highest extended sequence number seen. */
    private long highest;

    // The missing packets, in increasing sequence order: parallel arrays, no allocation per packet.
    private final long[] missingSeq = new long[MAX_MISSING];
    private final long[] missingSince = new long[MAX_MISSING];
    private final long[] missingNext = new long[MAX_MISSING];
    private final int[] missingTries = new int[MAX_MISSING];
    private int missingCount;

    private long nextPoll = Long.MAX_VALUE;
    private long rttNanos = -1;
    private long givenUp;
    private long givenUpTaken;

    /** A packet of the media stream with sequence number {@code seq} arrived at {@code now}. */
    public Arrival onPacket(int seq, long now) {
        seq &= 0xffff;
        if (!started) {
            restart(seq);
            return Arrival.NEW;
        }
        int d = (short) (seq - (int) (highest & 0xffff));
        if (d > MAX_GAP || d <= -WINDOW) {
            restart(seq);
            return Arrival.RESET;
        }
        if (d > 0) {
            for (int i = 1; i < d; i++) {
                long lost = highest + i;
                clear(lost);
                if (d - i < MAX_BEHIND) {
                    addMissing(lost, now);
                } else {
                    givenUp++; // too far behind already: its repair could not be forwarded
                }
            }
            highest += d;
            mark(highest);
            return Arrival.NEW;
        }
        long ext = highest + d;
        if (isMarked(ext)) {
            return Arrival.DUPLICATE;
        }
        mark(ext);
        return Arrival.FILLED;
    }

    /**
     * A retransmission (RFC 4588) of {@code seq} arrived. True when it fills a hole, which happens
     * once per packet: the caller forwards it then. False for a packet that already arrived, one
     * newer than anything seen (never asked for), or one {@link #MAX_BEHIND} or more behind the
     * newest (too late to forward; a hole that far back is given up).
     */
    public boolean onRetransmission(int seq) {
        if (!started) {
            return false;
        }
        int d = (short) ((seq & 0xffff) - (int) (highest & 0xffff));
        if (d >= 0 || d <= -MAX_BEHIND) {
            return false; // if it was missing, poll gives it up: too late to forward
        }
        long ext = highest + d;
        if (isMarked(ext)) {
            return false;
        }
        mark(ext);
        return true;
    }

    /** Whether {@code seq} is being asked for right now (a repair is on its way or will be requested). */
    public boolean isPending(int seq) {
        for (int i = 0; i < missingCount; i++) {
            if ((missingSeq[i] & 0xffff) == (seq & 0xffff) && !isMarked(missingSeq[i])) {
                return true;
            }
        }
        return false;
    }

    /** A round-trip time to the publisher (smoothed here as RFC 6298 §2 does for SRTT). */
    public void onRtt(long nanos) {
        if (nanos < 0) {
            return;
        }
        rttNanos = rttNanos < 0 ? nanos : (7 * rttNanos + nanos) / 8;
    }

    /** How long to wait for a repair before asking again. */
    public long retryIntervalNanos() {
        long rtt = rttNanos < 0 ? DEFAULT_RTT_MILLIS * 1_000_000L : rttNanos;
        // A quarter on top of the RTT: the sender needs time to answer, and the RTT varies.
        long interval = rtt + rtt / 4;
        return Math.max(MIN_RETRY_MILLIS * 1_000_000L, Math.min(MAX_RETRY_MILLIS * 1_000_000L, interval));
    }

    /** When {@link #poll} has something to do; {@link Long#MAX_VALUE} when nothing is missing. */
    public long nextPollNanos() {
        return nextPoll;
    }

    /**
     * Drops what arrived or is given up, and writes into {@code out} the sequence numbers
     * (16-bit, increasing) to NACK now, at most {@code out.length}; returns how many.
     */
    public int poll(long now, int[] out) {
        int count = 0;
        int w = 0;
        long next = Long.MAX_VALUE;
        long interval = retryIntervalNanos();
        for (int r = 0; r < missingCount; r++) {
            long seq = missingSeq[r];
            if (highest - seq >= MAX_BEHIND) {
                givenUp++; // a repair could no longer be forwarded (and the window moves on)
                continue;
            }
            if (isMarked(seq)) {
                continue; // arrived: late, or repaired
            }
            boolean waitedLongEnough = now - missingNext[r] >= 0;
            if (now - missingSince[r] > MAX_AGE_NANOS || (missingTries[r] >= MAX_TRIES && waitedLongEnough)) {
                givenUp++;
                continue;
            }
            if (waitedLongEnough && missingTries[r] < MAX_TRIES && count < out.length) {
                out[count++] = (int) (seq & 0xffff);
                missingTries[r]++;
                missingNext[r] = now + interval;
            }
            next = Math.min(next, missingNext[r]);
            // The age limit may come before the next retry.
            next = Math.min(next, missingSince[r] + MAX_AGE_NANOS + 1);
            if (w != r) {
                missingSeq[w] = missingSeq[r];
                missingSince[w] = missingSince[r];
                missingNext[w] = missingNext[r];
                missingTries[w] = missingTries[r];
            }
            w++;
        }
        missingCount = w;
        nextPoll = next;
        return count;
    }

    /** Packets given up since the last call (for a counter). */
    public long takeGivenUp() {
        long n = givenUp - givenUpTaken;
        givenUpTaken = givenUp;
        return n;
    }

    /** Missing packets being chased (for tests and metrics). */
    public int missingCount() {
        return missingCount;
    }

    private void addMissing(long seq, long now) {
        if (missingCount == MAX_MISSING) {
            // The oldest has had the most chances; a burst this large needs a keyframe anyway.
            System.arraycopy(missingSeq, 1, missingSeq, 0, MAX_MISSING - 1);
            System.arraycopy(missingSince, 1, missingSince, 0, MAX_MISSING - 1);
            System.arraycopy(missingNext, 1, missingNext, 0, MAX_MISSING - 1);
            System.arraycopy(missingTries, 1, missingTries, 0, MAX_MISSING - 1);
            missingCount--;
            givenUp++;
        }
        missingSeq[missingCount] = seq;
        missingSince[missingCount] = now;
        missingNext[missingCount] = now; // ask at once
        missingTries[missingCount] = 0;
        missingCount++;
        nextPoll = Math.min(nextPoll, now);
    }

    private void restart(int seq) {
        started = true;
        java.util.Arrays.fill(received, 0);
        missingCount = 0; // a new numbering: the old holes mean nothing any more
        nextPoll = Long.MAX_VALUE;
        // Start well above zero so the extended numbers never go negative when packets come late.
        highest = (1L << 32) + seq;
        mark(highest);
    }

    private void mark(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        received[i >>> 6] |= 1L << (i & 63);
    }

    private void clear(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        received[i >>> 6] &= ~(1L << (i & 63));
    }

    private boolean isMarked(long ext) {
        int i = (int) (ext & (WINDOW - 1));
        return (received[i >>> 6] & (1L << (i & 63))) != 0;
    }
}
