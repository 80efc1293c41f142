package io.relaycast.node.relay;

import io.relaycast.node.media.PacketSink;
import io.relaycast.node.media.StreamStart;
import io.relaycast.node.media.UpTrack;
import io.relaycast.rtp.Keyframes;
import io.relaycast.rtp.RtpHeader;

import java.util.List;

/**
 * On the publisher's node: one published track's copy for one media worker of another node that
 * has subscribers for it. However many subscribers that node has, each packet crosses once; the
 * receiving worker fans it out.
 *
 * <p>When the link is over its video budget the track sheds video: nothing more of it is queued
 * until the link has drained to a quarter of its budget, then the publisher is asked for a
 * keyframe and forwarding resumes at the first packet of one, so the remote decoders restart
 * from a clean picture instead of decoding a stream with holes. Whole frames are dropped from the
 * first packet that did not fit.
 *
 * <p>The remote node's copy starts like a local subscriber's ({@link StreamStart}): on a packet
 * newer than any the track forwarded before, never on a repair of a loss from before the relay
 * began, which the remote subscribers would count as a run of losses; and again at the keyframe a
 * shed track resumes at.
 */
final class RelaySink implements PacketSink {
    /** Ask again if the keyframe we wait for has not come. */
    private static final long KEYFRAME_RETRY_NANOS = 1_000_000_000L;

    private enum State { FORWARDING, SHEDDING, AWAITING_KEYFRAME }

    private final RelayLink link;
    private final int stream;
    private final UpTrack track;
    private State state = State.FORWARDING;
    private final StreamStart start = new StreamStart();
    private long keyframeAskedAt;
    /** Simulcast: the live-layer mask the subscribing worker was last told; -1 before the first. */
    private int liveLayersTold = -1;

    RelaySink(RelayLink link, int stream, UpTrack track) {
        this.link = link;
        this.stream = stream;
        this.track = track;
    }

    UpTrack track() {
        return track;
    }

    RelayLink link() {
        return link;
    }

    int stream() {
        return stream;
    }

    @Override
    public void onPacket(RtpHeader h, long nowNanos) {
        if (!start.admit(h.sequenceNumber(), track.isLate())) {
            return; // from before this relay's stream began: not a loss the remote node had
        }
        if (!track.isVideo()) {
            if (!link.packet(RelayFrame.RTP, stream, false, h.buffer(), h.offset(), h.length(), nowNanos)) {
                link.count(RelayDrop.BUDGET_AUDIO);
            }
            return;
        }
        switch (state) {
            case SHEDDING -> {
                if (link.recovered()) {
                    askForKeyframe(nowNanos);
                    state = State.AWAITING_KEYFRAME;
                    resumeIfKeyframe(h, nowNanos);
                } else {
                    link.count(RelayDrop.SHED_VIDEO);
                }
            }
            case AWAITING_KEYFRAME -> resumeIfKeyframe(h, nowNanos);
            case FORWARDING -> forwardVideo(h, nowNanos);
        }
    }

    private void resumeIfKeyframe(RtpHeader h, long nowNanos) {
        if (Keyframes.isKeyframeStart(track.codec().name(), h.buffer(), h.payloadOffset(), h.payloadLength())) {
            state = State.FORWARDING;
            start.restartAt(h.sequenceNumber());
            link.keyframeResumes++;
            forwardVideo(h, nowNanos);
            return;
        }
        link.count(RelayDrop.SHED_VIDEO);
        if (nowNanos - keyframeAskedAt >= KEYFRAME_RETRY_NANOS) {
            askForKeyframe(nowNanos);
        }
    }

    private void forwardVideo(RtpHeader h, long nowNanos) {
        if (!link.packet(RelayFrame.RTP, stream, true, h.buffer(), h.offset(), h.length(), nowNanos)) {
            link.count(RelayDrop.BUDGET_VIDEO);
            state = State.SHEDDING;
        }
    }

    private void askForKeyframe(long nowNanos) {
        keyframeAskedAt = nowNanos;
        track.requestKeyframe(nowNanos);
    }

    @Override
    public void onSenderReport(long ntp, long rtpTimestamp, long nowNanos) {
        link.senderReport(stream, ntp, rtpTimestamp, nowNanos);
    }

    /** A packet answering the remote node's NACK; subject to the budget like any packet. */
    void retransmission(byte[] buf, int off, int len, long nowNanos) {
        if (!link.packet(RelayFrame.RETRANSMISSION, stream, track.isVideo(), buf, off, len, nowNanos)) {
            link.count(track.isVideo() ? RelayDrop.BUDGET_VIDEO : RelayDrop.BUDGET_AUDIO);
        }
    }

    /** Whether this sink waits for a keyframe, so the periodic tick can ask again if none comes. */
    boolean awaitingKeyframe() {
        return state == State.AWAITING_KEYFRAME;
    }

    void tick(long nowNanos) {
        if (state == State.AWAITING_KEYFRAME && nowNanos - keyframeAskedAt >= KEYFRAME_RETRY_NANOS) {
            askForKeyframe(nowNanos);
        }
        tellLiveLayers(nowNanos);
    }

    /**
     * Simulcast: tells the subscribing worker which of the track's layers the publisher sends, when
     * that changed since it was last told (and once after the SUBSCRIBE). The subscribing node
     * sees packets only of the layers it subscribes to; without this it took every other layer for
     * live, aimed at one the publisher had dropped (Chromium drops its top layer when its estimate
     * cannot carry it), subscribed, saw nothing for 1.5 s (sending the SUBSCRIBE again after one),
     * fell back, and aimed at it again, every 1.6 s for as long as the call lasted.
     */
    void tellLiveLayers(long nowNanos) {
        List<UpTrack> layers = track.layers();
        if (layers.size() < 2) {
            return;
        }
        int mask = 0;
        for (int i = 0; i < layers.size() && i < 8; i++) {
            if (layers.get(i).isLive(nowNanos)) {
                mask |= 1 << i;
            }
        }
        if (mask != liveLayersTold && link.liveLayers(stream, mask, nowNanos)) {
            liveLayersTold = mask;
        }
    }
}
