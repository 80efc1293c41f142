package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Transport-wide congestion control feedback, RTPFB FMT 15
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1): for a range of transport-wide
 * sequence numbers starting at {@link #baseSequence()}, whether each packet arrived and, for
 * those that did, its arrival time as a chain of deltas from a reference time.
 *
 * <p>This is the wire form (chunks as sent, deltas in 250 µs ticks), so a parsed feedback is
 * rewritten byte for byte; {@link #packets()} decodes it into per-packet results, and
 * {@link TransportCcFeedbackEncoder} builds one from arrival times.
 */
public final class TransportCcFeedback implements FeedbackPacket {
    public static final int FORMAT = 15;
    /** §3.1: the reference time counts multiples of 64 ms. */
    public static final long REFERENCE_TIME_UNIT_MICROS = 64_000;
    /** §3.1.5: receive deltas count multiples of 250 µs. */
    public static final long DELTA_UNIT_MICROS = 250;
    /** Header, SSRCs, base sequence, status count, reference time and feedback count. */
    private static final int FIXED_LENGTH = 20;

    private final long senderSsrc;
    private final long mediaSsrc;
    private final int baseSequence;
    private final int packetStatusCount;
    private final int referenceTime;
    private final int feedbackPacketCount;
    private final List<PacketStatusChunk> chunks;
    private final int[] receiveDeltas;
    private final int deltaBytes;

    /**
     * @param senderSsrc          SSRC of the feedback sender
     * @param mediaSsrc           SSRC of a media source the feedback covers
     * @param baseSequence        transport-wide sequence number of the first packet described
     * @param packetStatusCount   number of packets described, 1–65535
     * @param referenceTime       raw 24-bit reference time (signed, in 64 ms units)
     * @param feedbackPacketCount 8-bit counter of feedback packets sent
     * @param chunks              status chunks that describe exactly {@code packetStatusCount} packets
     * @param receiveDeltas       one delta per received packet, in 250 µs ticks: 0–255 for a small
     *                            delta symbol, −32768–32767 for a large one
     * @throws IllegalArgumentException if the fields are not a consistent feedback
     */
    public TransportCcFeedback(long senderSsrc, long mediaSsrc, int baseSequence, int packetStatusCount,
                               int referenceTime, int feedbackPacketCount, List<PacketStatusChunk> chunks,
                               int[] receiveDeltas) {
        this.senderSsrc = RtcpWire.checkU32(senderSsrc, "senderSsrc");
        this.mediaSsrc = RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
        this.baseSequence = RtcpWire.checkRange(baseSequence, 0, 0xFFFF, "baseSequence");
        this.packetStatusCount = RtcpWire.checkRange(packetStatusCount, 1, 0xFFFF, "packetStatusCount");
        this.referenceTime = RtcpWire.checkRange(referenceTime, 0, 0xFF_FFFF, "referenceTime");
        this.feedbackPacketCount = RtcpWire.checkRange(feedbackPacketCount, 0, 0xFF, "feedbackPacketCount");
        this.chunks = List.copyOf(chunks);
        this.receiveDeltas = receiveDeltas.clone();
        String problem = chunkProblem(this.chunks, packetStatusCount);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        this.deltaBytes = checkDeltas(this.chunks, packetStatusCount, this.receiveDeltas);
        RtcpWire.checkPacketLength(contentLength(), "transport-cc feedback");
    }

    /**
     * Why {@code chunks} do not describe exactly {@code count} statuses, or null when they do.
     * A run length chunk may not run past the count; a vector chunk may (its spare slots are
     * padding). A packet may not carry the reserved symbol.
     */
    static String chunkProblem(List<PacketStatusChunk> chunks, int count) {
        int covered = 0;
        for (PacketStatusChunk chunk : chunks) {
            if (covered >= count) {
                return "chunk " + chunk + " after all " + count + " statuses are described";
            }
            int n = chunk.symbolCount();
            if (chunk.isRunLength() && n > count - covered) {
                return "run length " + n + " overruns the status count " + count + " at " + covered;
            }
            int used = Math.min(n, count - covered);
            for (int i = 0; i < used; i++) {
                if (chunk.symbol(i) == PacketStatusChunk.RESERVED) {
                    return "reserved status symbol for packet " + (covered + i);
                }
                if (chunk.isRunLength()) {
                    break; // one symbol repeated
                }
            }
            covered += used;
        }
        return covered < count ? "chunks describe " + covered + " of " + count + " statuses" : null;
    }

    /** Checks one in-range delta per received packet and returns the bytes they take. */
    private static int checkDeltas(List<PacketStatusChunk> chunks, int count, int[] deltas) {
        int index = 0;
        int delta = 0;
        int bytes = 0;
        for (PacketStatusChunk chunk : chunks) {
            int used = Math.min(chunk.symbolCount(), count - index);
            for (int i = 0; i < used; i++) {
                int symbol = chunk.symbol(i);
                if (symbol == PacketStatusChunk.NOT_RECEIVED) {
                    continue;
                }
                if (delta >= deltas.length) {
                    throw new IllegalArgumentException("fewer receive deltas than received packets");
                }
                // The delta's index goes into the message only when it is out of range: the
                // node builds a feedback for every few received packets, and a name built
                // eagerly was a string per packet.
                if (symbol == PacketStatusChunk.RECEIVED_SMALL_DELTA) {
                    if (deltas[delta] < 0 || deltas[delta] > 0xFF) {
                        RtcpWire.checkRange(deltas[delta], 0, 0xFF, "small delta " + delta);
                    }
                    bytes += 1;
                } else {
                    if (deltas[delta] < Short.MIN_VALUE || deltas[delta] > Short.MAX_VALUE) {
                        RtcpWire.checkRange(deltas[delta], Short.MIN_VALUE, Short.MAX_VALUE, "large delta " + delta);
                    }
                    bytes += 2;
                }
                delta++;
            }
            index += used;
        }
        if (delta != deltas.length) {
            throw new IllegalArgumentException(deltas.length + " receive deltas for " + delta + " received packets");
        }
        return bytes;
    }

    @Override
    public long senderSsrc() {
        return senderSsrc;
    }

    @Override
    public long mediaSsrc() {
        return mediaSsrc;
    }

    public int baseSequence() {
        return baseSequence;
    }

    public int packetStatusCount() {
        return packetStatusCount;
    }

    /** The raw 24-bit reference time field. */
    public int referenceTime() {
        return referenceTime;
    }

    /** §3.1: the reference time as a signed count of 64 ms, in microseconds. */
    public long referenceTimeMicros() {
        return RtcpWire.signed24(referenceTime) * REFERENCE_TIME_UNIT_MICROS;
    }

    public int feedbackPacketCount() {
        return feedbackPacketCount;
    }

    public List<PacketStatusChunk> chunks() {
        return chunks;
    }

    /** One delta per received packet, in 250 µs ticks. */
    public int[] receiveDeltas() {
        return receiveDeltas.clone();
    }

    /**
     * Decodes the feedback: one result per described sequence number (wrapping past 65535),
     * with arrival times = reference time + the running sum of the deltas up to that packet.
     */
    public List<PacketArrival> packets() {
        List<PacketArrival> packets = new ArrayList<>(packetStatusCount);
        long micros = referenceTimeMicros();
        int index = 0;
        int delta = 0;
        for (PacketStatusChunk chunk : chunks) {
            int used = Math.min(chunk.symbolCount(), packetStatusCount - index);
            for (int i = 0; i < used; i++) {
                int sequence = (baseSequence + index + i) & 0xFFFF;
                if (chunk.symbol(i) == PacketStatusChunk.NOT_RECEIVED) {
                    packets.add(PacketArrival.lost(sequence));
                } else {
                    micros += receiveDeltas[delta++] * DELTA_UNIT_MICROS;
                    packets.add(PacketArrival.received(sequence, micros));
                }
            }
            index += used;
        }
        return packets;
    }

    @Override
    public int format() {
        return FORMAT;
    }

    @Override
    public int packetType() {
        return TRANSPORT_FEEDBACK;
    }

    private int contentLength() {
        return FIXED_LENGTH + 2 * chunks.size() + deltaBytes;
    }

    @Override
    public int length() {
        return RtcpWire.paddedLength(contentLength());
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int content = contentLength();
        RtcpWire.checkRoom(buf, off, RtcpWire.paddedLength(content));
        RtcpWire.putFeedbackSsrcs(buf, off, senderSsrc, mediaSsrc);
        RtcpWire.put16(buf, off + 12, baseSequence);
        RtcpWire.put16(buf, off + 14, packetStatusCount);
        RtcpWire.put24(buf, off + 16, referenceTime);
        buf[off + 19] = (byte) feedbackPacketCount;
        int p = off + FIXED_LENGTH;
        for (PacketStatusChunk chunk : chunks) {
            RtcpWire.put16(buf, p, chunk.raw());
            p += 2;
        }
        int index = 0;
        int delta = 0;
        for (PacketStatusChunk chunk : chunks) {
            int used = Math.min(chunk.symbolCount(), packetStatusCount - index);
            for (int i = 0; i < used; i++) {
                int symbol = chunk.symbol(i);
                if (symbol == PacketStatusChunk.RECEIVED_SMALL_DELTA) {
                    buf[p++] = (byte) receiveDeltas[delta++];
                } else if (symbol == PacketStatusChunk.RECEIVED_LARGE_DELTA) {
                    RtcpWire.put16(buf, p, receiveDeltas[delta++]);
                    p += 2;
                }
            }
            index += used;
        }
        // §3.1: the packet is padded to a word boundary; like libwebrtc, with the RFC 3550 P bit.
        return RtcpWire.finish(buf, off, content, FORMAT, TRANSPORT_FEEDBACK);
    }

    static TransportCcFeedback parse(BodyReader r) throws RtcpException {
        long sender = r.u32();
        long media = r.u32();
        int base = r.u16();
        int count = r.u16();
        int reference = r.u24();
        int feedbackCount = r.u8();
        if (count == 0) {
            throw r.fail("packet status count 0");
        }
        List<PacketStatusChunk> chunks = new ArrayList<>();
        int covered = 0;
        while (covered < count) {
            PacketStatusChunk chunk = new PacketStatusChunk(r.u16());
            chunks.add(chunk);
            covered += Math.min(chunk.symbolCount(), count - covered);
        }
        String problem = chunkProblem(chunks, count);
        if (problem != null) {
            throw r.fail(problem);
        }
        // Every delta takes at least one byte, so the body bounds how many there can be.
        int[] deltas = new int[Math.min(count, r.remaining())];
        int n = 0;
        int index = 0;
        for (PacketStatusChunk chunk : chunks) {
            int used = Math.min(chunk.symbolCount(), count - index);
            for (int i = 0; i < used; i++) {
                int symbol = chunk.symbol(i);
                if (symbol == PacketStatusChunk.RECEIVED_SMALL_DELTA) {
                    deltas[n++] = r.u8();
                } else if (symbol == PacketStatusChunk.RECEIVED_LARGE_DELTA) {
                    deltas[n++] = (short) r.u16();
                }
            }
            index += used;
        }
        // Without the P bit, up to three zero octets pad the deltas to a word boundary.
        if (r.remaining() > 3) {
            throw r.fail(r.remaining() + " bytes after the receive deltas");
        }
        return new TransportCcFeedback(sender, media, base, count, reference, feedbackCount, chunks,
                Arrays.copyOf(deltas, n));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransportCcFeedback other && senderSsrc == other.senderSsrc
                && mediaSsrc == other.mediaSsrc && baseSequence == other.baseSequence
                && packetStatusCount == other.packetStatusCount && referenceTime == other.referenceTime
                && feedbackPacketCount == other.feedbackPacketCount && chunks.equals(other.chunks)
                && Arrays.equals(receiveDeltas, other.receiveDeltas);
    }

    @Override
    public int hashCode() {
        return Objects.hash(senderSsrc, mediaSsrc, baseSequence, packetStatusCount, referenceTime,
                feedbackPacketCount, chunks) * 31 + Arrays.hashCode(receiveDeltas);
    }

    @Override
    public String toString() {
        return "TransportCcFeedback[sender=" + Long.toHexString(senderSsrc) + ", media="
                + Long.toHexString(mediaSsrc) + ", base=" + baseSequence + ", count=" + packetStatusCount
                + ", reference=" + referenceTime + ", fbCount=" + feedbackPacketCount + ", chunks=" + chunks
                + ", deltas=" + Arrays.toString(receiveDeltas) + "]";
    }
}
