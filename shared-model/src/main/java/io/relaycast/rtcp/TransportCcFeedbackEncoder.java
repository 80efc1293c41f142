package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1) from
 * the arrival times a receiver recorded, as the node sends it to publishers.
 *
 * <p>Per feedback: the reference time is the first received packet's arrival rounded down to
 * 64 ms; every arrival is rounded down to the 250 µs grid and sent as the difference from the
 * previous received packet's rounded time, so rounding never accumulates. A delta of 0–255
 * ticks is "small" (1 byte), any other that fits 16 signed bits is "large" (2 bytes). A delta
 * beyond ±8.19 s cannot be expressed: the feedback ends before that packet and a new one,
 * with its own reference time, starts at it. A feedback also ends after
 * {@code maxStatusCount} packets.
 *
 * <p>Chunks are chosen greedily: at each position, whichever of a run length chunk, a 1-bit
 * status vector (14 packets, no large deltas) or a 2-bit vector (7 packets) covers the most
 * packets, preferring the run length chunk on a tie.
 *
 * <p>The reference time field is 24 bits, so arrival times are taken modulo 2^24 × 64 ms
 * (about 12.4 days): decoded times equal the rounded input when it lies within ±2^23 × 64 ms of
 * zero, and differ from it by a multiple of 2^24 × 64 ms otherwise. Congestion controllers use
 * only differences, which are exact either way.
 *
 * <p>The only state is the 8-bit feedback packet counter, incremented per feedback produced.
 */
public final class TransportCcFeedbackEncoder {
    private static final long TICKS_PER_REFERENCE_UNIT =
            TransportCcFeedback.REFERENCE_TIME_UNIT_MICROS / TransportCcFeedback.DELTA_UNIT_MICROS;

    private final long senderSsrc;
    private final int maxStatusCount;
    private int nextFeedbackCount;

    /**
     * @param senderSsrc        SSRC the feedback is sent from
     * @param maxStatusCount    most packets described by one feedback, 1–65535
     * @param firstFeedbackCount feedback packet count of the first feedback, 0–255
     */
    public TransportCcFeedbackEncoder(long senderSsrc, int maxStatusCount, int firstFeedbackCount) {
        this.senderSsrc = RtcpWire.checkU32(senderSsrc, "senderSsrc");
        this.maxStatusCount = RtcpWire.checkRange(maxStatusCount, 1, 0xFFFF, "maxStatusCount");
        this.nextFeedbackCount = RtcpWire.checkRange(firstFeedbackCount, 0, 0xFF, "firstFeedbackCount");
    }

    /** The feedback packet count the next feedback will carry. */
    public int nextFeedbackCount() {
        return nextFeedbackCount;
    }

    /**
     * Encodes the fate of the packets from {@code baseSequence} on. Each entry's sequence
     * number is placed at its distance after {@code baseSequence} modulo 2^16, so the range may
     * wrap past 65535; sequence numbers in the range that have no entry count as not received.
     * The entries need not be sorted, and arrival times need not increase (reordering).
     *
     * @return the feedback packets, in sequence order; empty when {@code packets} is empty
     * @throws IllegalArgumentException if two entries have the same sequence number
     */
    public List<TransportCcFeedback> encode(long mediaSsrc, int baseSequence, List<PacketArrival> packets) {
        RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
        RtcpWire.checkRange(baseSequence, 0, 0xFFFF, "baseSequence");
        if (packets.isEmpty()) {
            return List.of();
        }
        int span = 0;
        for (PacketArrival packet : packets) {
            span = Math.max(span, offset(baseSequence, packet) + 1);
        }
        boolean[] present = new boolean[span];
        long[] arrival = new long[span];
        java.util.Arrays.fill(arrival, NOT_RECEIVED);
        for (PacketArrival packet : packets) {
            int i = offset(baseSequence, packet);
            if (present[i]) {
                throw new IllegalArgumentException("sequence number " + packet.sequence() + " given twice");
            }
            present[i] = true;
            if (packet.received()) {
                if (packet.arrivalMicros() == NOT_RECEIVED) {
                    throw new IllegalArgumentException("arrival time out of range: " + packet);
                }
                arrival[i] = packet.arrivalMicros();
            }
        }
        return encode(mediaSsrc, baseSequence, arrival, span);
    }

    /** In {@link #encode(long, int, long[], int)}'s arrival times: the packet did not arrive. */
    public static final long NOT_RECEIVED = Long.MIN_VALUE;

    /**
     * Encodes the fate of {@code span} consecutive packets from {@code baseSequence} on (wrapping
     * past 65535): {@code arrivalMicros[i]} is packet {@code baseSequence + i}'s arrival time
     * in microseconds, or {@link #NOT_RECEIVED}. The node's recorder keeps its arrivals in such an array,
     * so a feedback costs no object per packet.
     *
     * @return the feedback packets, in sequence order; empty when {@code span} is 0
     */
    public List<TransportCcFeedback> encode(long mediaSsrc, int baseSequence, long[] arrivalMicros, int span) {
        RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
        RtcpWire.checkRange(baseSequence, 0, 0xFFFF, "baseSequence");
        if (span < 0 || span > arrivalMicros.length || span > 0x10000) {
            throw new IllegalArgumentException("span " + span + " for " + arrivalMicros.length + " arrival times");
        }
        if (span == 0) {
            return List.of();
        }
        long[] arrival = arrivalMicros;
        List<TransportCcFeedback> feedbacks = new ArrayList<>();
        int[] symbols = new int[Math.min(span, maxStatusCount)];
        int[] deltas = new int[symbols.length];
        int start = 0;
        while (start < span) {
            int limit = Math.min(span, start + maxStatusCount);
            long referenceUnits = 0;
            for (int i = start; i < limit; i++) {
                if (arrival[i] != NOT_RECEIVED) {
                    referenceUnits = Math.floorDiv(arrival[i], TransportCcFeedback.REFERENCE_TIME_UNIT_MICROS);
                    break;
                }
            }
            long previousTicks = referenceUnits * TICKS_PER_REFERENCE_UNIT;
            int count = 0;
            int deltaCount = 0;
            for (int i = start; i < limit; i++) {
                if (arrival[i] == NOT_RECEIVED) {
                    symbols[count++] = PacketStatusChunk.NOT_RECEIVED;
                    continue;
                }
                long ticks = Math.floorDiv(arrival[i], TransportCcFeedback.DELTA_UNIT_MICROS);
                long delta = ticks - previousTicks;
                if (delta >= 0 && delta <= 0xFF) {
                    symbols[count++] = PacketStatusChunk.RECEIVED_SMALL_DELTA;
                } else if (delta >= Short.MIN_VALUE && delta <= Short.MAX_VALUE) {
                    symbols[count++] = PacketStatusChunk.RECEIVED_LARGE_DELTA;
                } else {
                    // Not expressible: start the next feedback here. This is never the first
                    // received packet, whose delta from the reference is below 256 ticks, so
                    // every feedback describes at least one packet.
                    break;
                }
                deltas[deltaCount++] = (int) delta;
                previousTicks = ticks;
            }
            List<PacketStatusChunk> chunks = chooseChunks(symbols, count);
            int[] feedbackDeltas = new int[deltaCount];
            System.arraycopy(deltas, 0, feedbackDeltas, 0, deltaCount);
            feedbacks.add(new TransportCcFeedback(senderSsrc, mediaSsrc, (baseSequence + start) & 0xFFFF, count,
                    (int) (referenceUnits & 0xFF_FFFF), nextFeedbackCount, chunks, feedbackDeltas));
            nextFeedbackCount = (nextFeedbackCount + 1) & 0xFF;
            start += count;
        }
        return feedbacks;
    }

    private static int offset(int baseSequence, PacketArrival packet) {
        return (packet.sequence() - baseSequence) & 0xFFFF;
    }

    /** The greedy chunk choice described in the class comment, for {@code symbols[0..count)}. */
    static List<PacketStatusChunk> chooseChunks(int[] symbols, int count) {
        List<PacketStatusChunk> chunks = new ArrayList<>();
        int i = 0;
        while (i < count) {
            int remaining = count - i;
            int run = 1;
            while (run < remaining && run < PacketStatusChunk.MAX_RUN_LENGTH && symbols[i + run] == symbols[i]) {
                run++;
            }
            int oneBit = Math.min(PacketStatusChunk.ONE_BIT_CAPACITY, remaining);
            for (int k = 0; k < oneBit; k++) {
                if (symbols[i + k] > PacketStatusChunk.RECEIVED_SMALL_DELTA) {
                    oneBit = 0;
                    break;
                }
            }
            int twoBit = Math.min(PacketStatusChunk.TWO_BIT_CAPACITY, remaining);
            if (run >= oneBit && run >= twoBit) {
                chunks.add(PacketStatusChunk.runLength(symbols[i], run));
                i += run;
            } else if (oneBit >= twoBit) {
                chunks.add(PacketStatusChunk.oneBitVector(symbols, i, oneBit));
                i += oneBit;
            } else {
                chunks.add(PacketStatusChunk.twoBitVector(symbols, i, twoBit));
                i += twoBit;
            }
        }
        return chunks;
    }
}
