package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Generic NACK, RTPFB FMT 1 (RFC 4585 §6.2.1): lost RTP packets as (PID, BLP) pairs. PID is a
 * lost sequence number; bit i of the bitmask BLP marks PID+i+1 as lost too.
 *
 * @param senderSsrc SSRC of the sender of the NACK
 * @param mediaSsrc  SSRC of the media source whose packets were lost
 * @param pairs      FCI entries, at least one
 */
public record GenericNack(long senderSsrc, long mediaSsrc, List<Pair> pairs) implements FeedbackPacket {
    public static final int FORMAT = 1;

    public GenericNack {
        RtcpWire.checkU32(senderSsrc, "senderSsrc");
        RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
        pairs = List.copyOf(pairs);
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a Generic NACK needs at least one FCI entry");
        }
        RtcpWire.checkPacketLength(12 + 4 * pairs.size(), "Generic NACK");
    }

    /**
     * Builds a NACK from lost sequence numbers given in sending order, which may wrap past
     * 65535 (e.g. 65534, 65535, 0, 1). A number within 1–16 after the current PID (modulo
     * 2^16) goes into its BLP; a repeat of the current PID is skipped; anything else starts a
     * new pair. An unordered list therefore still yields a NACK for exactly the given numbers,
     * only less compact (a number may then be reported twice, which is harmless).
     *
     * @throws IllegalArgumentException if {@code lost} is empty or holds a value outside 0–65535
     */
    public static GenericNack fromLostSequenceNumbers(long senderSsrc, long mediaSsrc, int... lost) {
        List<Pair> pairs = new ArrayList<>();
        int pid = -1;
        int blp = 0;
        for (int seq : lost) {
            RtcpWire.checkRange(seq, 0, 0xFFFF, "sequence number");
            if (pid >= 0) {
                int distance = (seq - pid) & 0xFFFF;
                if (distance == 0) {
                    continue;
                }
                if (distance <= 16) {
                    blp |= 1 << (distance - 1);
                    continue;
                }
                pairs.add(new Pair(pid, blp));
            }
            pid = seq;
            blp = 0;
        }
        if (pid >= 0) {
            pairs.add(new Pair(pid, blp));
        }
        return new GenericNack(senderSsrc, mediaSsrc, pairs);
    }

    /** Every sequence number this NACK reports lost, pair by pair, in increasing (modular) order within a pair. */
    public int[] lostSequenceNumbers() {
        int count = 0;
        for (Pair pair : pairs) {
            count += 1 + Integer.bitCount(pair.blp());
        }
        int[] lost = new int[count];
        int i = 0;
        for (Pair pair : pairs) {
            lost[i++] = pair.pid();
            for (int bit = 0; bit < 16; bit++) {
                if ((pair.blp() & (1 << bit)) != 0) {
                    lost[i++] = (pair.pid() + bit + 1) & 0xFFFF;
                }
            }
        }
        return lost;
    }

    @Override
    public int format() {
        return FORMAT;
    }

    @Override
    public int packetType() {
        return TRANSPORT_FEEDBACK;
    }

    @Override
    public int length() {
        return 12 + 4 * pairs.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int total = length();
        RtcpWire.checkRoom(buf, off, total);
        RtcpWire.putFeedbackSsrcs(buf, off, senderSsrc, mediaSsrc);
        int p = off + 12;
        for (Pair pair : pairs) {
            RtcpWire.put16(buf, p, pair.pid());
            RtcpWire.put16(buf, p + 2, pair.blp());
            p += 4;
        }
        return RtcpWire.finish(buf, off, total, FORMAT, TRANSPORT_FEEDBACK);
    }

    static GenericNack parse(BodyReader r) throws RtcpException {
        long sender = r.u32();
        long media = r.u32();
        if (r.remaining() == 0 || r.remaining() % 4 != 0) {
            throw r.fail("FCI of " + r.remaining() + " bytes is not a positive number of 4-byte NACK entries");
        }
        List<Pair> pairs = new ArrayList<>(r.remaining() / 4);
        while (r.remaining() > 0) {
            pairs.add(new Pair(r.u16(), r.u16()));
        }
        return new GenericNack(sender, media, pairs);
    }

    /**
     * One Generic NACK FCI entry.
     *
     * @param pid packet ID, a lost RTP sequence number
     * @param blp bitmask of following lost packets: bit i set means PID+i+1 is lost
     */
    public record Pair(int pid, int blp) {
        public Pair {
            RtcpWire.checkRange(pid, 0, 0xFFFF, "pid");
            RtcpWire.checkRange(blp, 0, 0xFFFF, "blp");
        }
    }
}
