package io.relaycast.rtcp;

/**
 * An RFC 4585 §6.1 feedback message: common header with FMT in the count field, the SSRC of
 * the packet sender and the SSRC of the media source the feedback is about, then the FCI.
 */
public sealed interface FeedbackPacket extends RtcpPacket
        permits PictureLossIndication, FullIntraRequest, GenericNack, ReceiverEstimatedMaxBitrate,
        TransportCcFeedback {

    /** SSRC of the sender of this feedback. */
    long senderSsrc();

    /** SSRC of the media source the feedback refers to (0 where the format says it is unused). */
    long mediaSsrc();

    /** The FMT value in the header's count field. */
    int format();
}
