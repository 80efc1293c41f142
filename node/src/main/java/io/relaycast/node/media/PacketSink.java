package io.relaycast.node.media;

import io.relaycast.rtp.RtpHeader;

/**
 * Something other than a local subscriber that wants every packet of a published track in the
 * publisher's numbering: the relay to another node, the room's dominant-speaker detector.
 */
public interface PacketSink {
    void onPacket(RtpHeader header, long nowNanos);

    void onSenderReport(long ntp, long rtpTimestamp, long nowNanos);
}
