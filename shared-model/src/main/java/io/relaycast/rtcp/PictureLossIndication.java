package io.relaycast.rtcp;

/**
 * Picture Loss Indication, PSFB FMT 1 (RFC 4585 §6.3.1): asks the media sender for a key
 * frame. It has no FCI, so the packet is always 12 bytes (length field 2).
 *
 * @param senderSsrc SSRC of the sender of the PLI (0 is allowed)
 * @param mediaSsrc  SSRC of the media source that lost a picture
 */
public record PictureLossIndication(long senderSsrc, long mediaSsrc) implements FeedbackPacket {
    public static final int FORMAT = 1;
    private static final int LENGTH = 12;

    public PictureLossIndication {
        RtcpWire.checkU32(senderSsrc, "senderSsrc");
        RtcpWire.checkU32(mediaSsrc, "mediaSsrc");
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
        return LENGTH;
    }

    @Override
    public int writeTo(byte[] buf, int off) {
        RtcpWire.checkRoom(buf, off, LENGTH);
        RtcpWire.putFeedbackSsrcs(buf, off, senderSsrc, mediaSsrc);
        return RtcpWire.finish(buf, off, LENGTH, FORMAT, PAYLOAD_FEEDBACK);
    }

    static PictureLossIndication parse(BodyReader r) throws RtcpException {
        PictureLossIndication pli = new PictureLossIndication(r.u32(), r.u32());
        // RFC 4585 §6.3.1: "the length field MUST be 2".
        if (r.remaining() != 0) {
            throw r.fail("PLI carries " + r.remaining() + " bytes of FCI, expected none");
        }
        return pli;
    }
}
