package io.relaycast.rtcp;

import java.util.ArrayList;
import java.util.List;

/**
 * Full Intra Request, PSFB FMT 4 (RFC 5104 §4.3.1): one or more FCI entries, each naming a
 * media sender that must send a decoder refresh point, with a command sequence number the
 * requester increments per new request so that repeats can be recognised.
 *
 * @param senderSsrc SSRC of the requester
 * @param mediaSsrc  RFC 5104 §4.3.1.2: unused, SHALL be 0 (kept for exact round trips)
 * @param entries    one entry per addressed media sender, at least one
 */
public record FullIntraRequest(long senderSsrc, long mediaSsrc, List<Entry> entries) implements FeedbackPacket {
    public static final int FORMAT = 4;
    private static final int ENTRY_LENGTH = 8;

    public FullIntraRequest {
        RtcpWire.checkU32(senderSsrc, "senderSsrc");
        RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
        entries = List.copyOf(entries);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a FIR needs at least one FCI entry");
        }
        RtcpWire.checkPacketLength(12 + ENTRY_LENGTH * entries.size(), "FIR");
    }

    /** A FIR asking {@code targetSsrc} for a key frame, with media SSRC 0 as RFC 5104 requires. */
    public static FullIntraRequest of(long senderSsrc, long targetSsrc, int sequenceNumber) {
        return new FullIntraRequest(senderSsrc, 0, List.of(new Entry(targetSsrc, sequenceNumber)));
    }

    @Override
    public int format() {
        return FORMAT;
    }

    @Override
    public int packetType() {
        return PAYLOAD_FEEDBACK;
    }

    @Override
    public int length() {
        return 12 + ENTRY_LENGTH * entries.size();
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        int total = length();
        RtcpWire.checkRoom(buf, off, total);
        RtcpWire.putFeedbackSsrcs(buf, off, senderSsrc, mediaSsrc);
        int p = off + 12;
        for (Entry entry : entries) {
            RtcpWire.put32(buf, p, entry.ssrc());
            // Sequence number, then 24 reserved bits that SHALL be 0.
            RtcpWire.put32(buf, p + 4, (long) entry.sequenceNumber() << 24);
            p += ENTRY_LENGTH;
        }
        return RtcpWire.finish(buf, off, total, FORMAT, PAYLOAD_FEEDBACK);
    }

    static FullIntraRequest parse(BodyReader r) throws RtcpException {
        long sender = r.u32();
        long media = r.u32();
        if (r.remaining() == 0 || r.remaining() % ENTRY_LENGTH != 0) {
            throw r.fail("FCI of " + r.remaining() + " bytes is not a positive number of 8-byte FIR entries");
        }
        List<Entry> entries = new ArrayList<>(r.remaining() / ENTRY_LENGTH);
        while (r.remaining() > 0) {
            long ssrc = r.u32();
            int sequence = r.u8();
            r.skip(3); // reserved; RFC 5104 says receivers ignore it
            entries.add(new Entry(ssrc, sequence));
        }
        return new FullIntraRequest(sender, media, entries);
    }

    /**
     * One FIR FCI entry.
     *
     * @param ssrc           the media sender asked for a decoder refresh point
     * @param sequenceNumber command sequence number, 0–255, modulo 256
     */
    public record Entry(long ssrc, int sequenceNumber) {
        public Entry {
            RtcpWire.checkU32(ssrc, "ssrc");
            RtcpWire.checkRange(sequenceNumber, 0, 255, "sequenceNumber");
        }
    }
}
