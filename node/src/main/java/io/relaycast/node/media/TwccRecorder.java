package io.relaycast.node.media;

import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.TransportCcFeedback;
import io.relaycast.rtcp.TransportCcFeedbackEncoder;

import java.util.List;

/**
 * Arrival times of a publisher's packets by transport-wide sequence number, turned into
 * transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) so the
 * publisher's send-side bandwidth estimator can work. Kept in primitive arrays, handed to the
 * encoder as one: only the feedback packets a flush builds, a few times a second, are allocated
 * (no object per packet; a PacketArrival per packet was 0.3 MB/s of rooms20's garbage).
 */
public final class TwccRecorder {
    /** Feedback is sent at least this often by the caller; a bound keeps a stalled flush from growing. */
    private static final int MAX_PENDING = 4096;
    /** Most sequence numbers one flush describes: 4x what may be pending, so only a jump is cut. */
    static final int MAX_SPAN = 4 * MAX_PENDING;
    private final TransportCcFeedbackEncoder encoder;
    private final int[] sequences = new int[MAX_PENDING];
    private final long[] arrivalsMicros = new long[MAX_PENDING];
    /** Arrival time by offset from {@code nextBase} for one flush, kept between flushes (grows to the largest span seen). */
    private long[] byOffset = new long[256];
    private int count;
    /** The unwrapped sequence number the next feedback starts at; -1 before the first packet. */
    private long nextBase = -1;
    private long highest = -1;

    public TwccRecorder(int senderSsrc) {
        this.encoder = new TransportCcFeedbackEncoder(senderSsrc & 0xffffffffL, 1000, 0);
    }

    public void record(int sequence, long nowNanos) {
        if (count == MAX_PENDING) {
            return;
        }
        long unwrapped = unwrap(sequence & 0xffff);
        if (nextBase >= 0 && unwrapped < nextBase) {
            return; // already reported as lost; a late arrival cannot be un-lost
        }
        sequences[count] = (int) unwrapped;
        arrivalsMicros[count] = nowNanos / 1000;
        count++;
        if (nextBase < 0) {
            nextBase = unwrapped;
        }
        highest = Math.max(highest, unwrapped);
    }

    private long unwrap(int seq) {
        if (highest < 0) {
            return seq;
        }
        long base = highest & ~0xffffL;
        long candidate = base | seq;
        if (candidate < highest - 0x8000) {
            candidate += 0x10000;
        } else if (candidate > highest + 0x8000) {
            candidate -= 0x10000;
        }
        return candidate;
    }

    /** Appends feedback for everything recorded since the last call (nothing when nothing arrived). */
    public void drainInto(long mediaSsrc, List<RtcpPacket> out) {
        if (count == 0) {
            return;
        }
        if (highest - nextBase + 1 > MAX_SPAN) {
            // A jump this far ahead within one flush is no real sender's gap (a hostile or
            // restarted one): report the latest packets only, as a receiver that joined there.
            nextBase = highest - MAX_SPAN + 1;
        }
        int span = (int) (highest - nextBase + 1);
        if (byOffset.length < span) {
            byOffset = new long[Math.max(span, byOffset.length * 2)];
        }
        java.util.Arrays.fill(byOffset, 0, span, TransportCcFeedbackEncoder.NOT_RECEIVED);
        for (int i = 0; i < count; i++) {
            if (sequences[i] >= nextBase) {
                byOffset[(int) (sequences[i] - nextBase)] = arrivalsMicros[i];
            }
        }
        out.addAll(encoder.encode(mediaSsrc, (int) (nextBase & 0xffff), byOffset, span));
        nextBase = highest + 1;
        count = 0;
    }
}
