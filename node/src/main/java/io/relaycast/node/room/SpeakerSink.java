package io.relaycast.node.room;

import io.relaycast.node.media.PacketSink;
import io.relaycast.node.media.UpTrack;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;

/**
 * Feeds the RFC 6464 audio levels of one audio track, local or relayed from another node, to its
 * room's {@link SpeakerDetector}. Every node sees every audio track of a room its members
 * receive, so each node finds the dominant speaker for its own members without asking others.
 */
final class SpeakerSink implements PacketSink {
    private final String publisherPeerId;
    private final int extensionId;
    private final SpeakerDetector detector;

    private SpeakerSink(String publisherPeerId, int extensionId, SpeakerDetector detector) {
        this.publisherPeerId = publisherPeerId;
        this.extensionId = extensionId;
        this.detector = detector;
    }

    /** A sink for an audio track whose publisher negotiated {@code ssrc-audio-level}; null otherwise. */
    static SpeakerSink of(UpTrack track, SpeakerDetector detector) {
        if (track.isVideo()) {
            return null;
        }
        for (int id = 1; id < 256; id++) {
            if (MediaPolicy.EXT_AUDIO_LEVEL.equals(track.extensionUri(id))) {
                return new SpeakerSink(track.publisherPeerId(), id, detector);
            }
        }
        return null;
    }

    @Override
    public void onPacket(RtpHeader header, long nowNanos) {
        int level;
        try {
            level = header.audioLevel(extensionId);
        } catch (RtpException e) {
            return; // a malformed extension carries no level; the packet is still forwarded as it is
        }
        if (level >= 0) {
            detector.onLevel(publisherPeerId, level, nowNanos);
        }
    }

    @Override
    public void onSenderReport(long ntp, long rtpTimestamp, long nowNanos) {
        // levels only
    }
}
