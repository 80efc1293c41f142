package io.relaycast.node.media;

import io.relaycast.rtcp.PacketArrival;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.TransportCcFeedback;
import io.relaycast.rtcp.TransportCcFeedbackEncoder;

import java.util.ArrayList;
import java.util.List;

/**
 * Arrival times of a publisher's packets by transport-wide sequence number, turned into
 * transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) so the
 * publisher's send-side bandwidth estimator can work. Kept in primitive arrays between flushes;
 * only the flush, a few times a second, allocates.
 */
public final class TwccRecorder {
    /** Feedback is sent at least this often by the caller; a bound keeps a stalled flush from growing. */
    private static final int MAX_PENDING = 4096;
    private final TransportCcFeedbackEncoder encoder;
    private final int[] sequences = new int[MAX_PENDING];
    private final long[] arrivalsMicros = new long[MAX_PENDING];
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
        int span = (int) (highest - nextBase + 1);
        List<PacketArrival> arrivals = new ArrayList<>(span);
        long[] byOffset = new long[span];
        java.util.Arrays.fill(byOffset, -1);
        for (int i = 0; i < count; i++) {
            byOffset[(int) (sequences[i] - nextBase)] = arrivalsMicros[i];
        }
        for (int i = 0; i < span; i++) {
            int seq = (int) ((nextBase + i) & 0xffff);
            arrivals.add(byOffset[i] < 0 ? PacketArrival.lost(seq) : PacketArrival.received(seq, byOffset[i]));
        }
        List<TransportCcFeedback> feedback = encoder.encode(mediaSsrc, (int) (nextBase & 0xffff), arrivals);
        out.addAll(feedback);
        nextBase = highest + 1;
        count = 0;
    }
}
