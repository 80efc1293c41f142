package io.relaycast.node.media;

import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.SenderReport;
import io.relaycast.rtcp.SourceDescription;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpExtensionIdMap;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.rtp.Vp8Descriptor;

import java.util.List;

/**
 * One subscriber's copy of a published track. Every packet is copied, rewritten to what this
 * subscriber negotiated (SSRC, payload type, header-extension ids, sequence number and timestamp
 * with an offset so both stay continuous), SRTP-protected with the subscriber's keys and sent.
 * Lives on the room's worker thread.
 *
 * <p>Of a simulcast track it forwards one layer at a time (PROTOCOL.md "Layers, preferences and
 * speakers"). A switch waits for a keyframe of the new layer and splices it on at that keyframe's
 * first packet, with new offsets so that sequence numbers, timestamps and (VP8) picture id and
 * TL0PICIDX carry on from the last packet sent: the subscriber sees one stream on one SSRC.
 * Pausing stops the stream; resuming waits for a keyframe too.
 */
public final class DownTrack {
    /** Sink for a subscriber's protected packets: its transport. */
    public interface Sink {
        void sendRtp(byte[] buf, int off, int len);

        void sendRtcp(byte[] buf, int off, int len);

        /** The SSRC the subscriber's session uses as sender of its RTCP. */
        int rtcpSenderSsrc();

        /**
         * The transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc-extensions-01
         * §2) for a packet of {@code length} bytes about to be sent now; the transport's count.
         */
        default int transportSequence(int length, boolean probe, long nowNanos) {
            return 0;
        }

        /** What this subscriber receives of the track changed: a layer's rid, null (no simulcast) or "paused". */
        default void layerChanged(DownTrack track, String rid) {
        }
    }

    /** The layer sent when nothing fits: "paused" in PROTOCOL.md's {@code layer} message. */
    public static final String PAUSED = "paused";
    /** A padding packet's header: 12 fixed, 4 extension header, 4 for the transport-cc element. */
    private static final int PADDING_HEADER_BYTES = 20;
    /** How often the choice of layer is looked at again (liveness, heights, rates change). */
    private static final long RESELECT_NANOS = 500_000_000L;

    private final UpTrack source;
    private final Sink sink;
    private final MediaWorker worker;
    private final int ssrc;
    private final int rtxSsrc;
    private final int payloadType;
    private final int rtxPayloadType;
    private final RtpExtensionIdMap extensionMap;
    private int seqOffset;
    private int tsOffset;
    private final String cname;
    private final RtpHeader out = new RtpHeader();
    private int rtxSeq;
    private boolean active;
    private long packetsSent;
    private long octetsSent;
    /** Our last few sender reports: NTP middle 32 bits and when we sent them, for RTT from receiver reports. */
    private final long[] srMiddle = new long[4];
    private final long[] srSentNanos = new long[4];
    private int srNext;

    /** The layer being forwarded (null while paused or before the first keyframe) and the one waited for. */
    private UpTrack current;
    private UpTrack target;
    /**
     * Where the current layer's stream began for this subscriber (its first packet, or the splice
     * onto the layer): late packets from before it are dropped.
     */
    private final StreamStart start = new StreamStart();
    private boolean anySent;
    /** False while the room forwards only its loudest audio and this track's publisher is not among them. */
    private boolean audible = true;
    /** Set when audio becomes audible again: the next packet continues the numbering (see forward). */
    private boolean renumber;
    private int lastOutSeq;
    private int lastOutTs;
    private long lastOutNanos;
    // VP8 picture id / TL0PICIDX continuity across splices (RFC 7741 §4.2).
    private final boolean vp8;
    private final Vp8Descriptor vp8Descriptor = new Vp8Descriptor();
    private boolean resyncVp8;
    private int pictureIdOffset;
    private int tl0Offset;
    private int lastOutPictureId = -1;
    private int lastOutTl0 = -1;
    // The subscriber's preferences (setPreferences).
    private int maxHeight = Integer.MAX_VALUE;
    private int maxFps = Integer.MAX_VALUE;
    /** Paused by the node because the subscriber's bandwidth cannot carry it (tracks without simulcast). */
    private boolean bandwidthPaused;
    private boolean paused;
    private long nextReselectNanos;
    /** The subscriber's id for transport-cc, or 0 when it did not negotiate it. */
    private int twccId;
    /** The layer the subscriber's bandwidth allows (its allocator's choice), or null for no limit. */
    private UpTrack allocated;
    private final RtpWriter paddingWriter = new RtpWriter();

    /**
     * @param source       the track (its primary layer for simulcast)
     * @param extensionMap publisher extension ids to this subscriber's, everything else dropped
     * @param seqOffset    added to publisher sequence numbers (random, so streams don't reveal each other)
     * @param tsOffset     added to publisher timestamps
     */
    public DownTrack(UpTrack source, Sink sink, MediaWorker worker, int ssrc, int rtxSsrc, int payloadType,
                     int rtxPayloadType, RtpExtensionIdMap extensionMap, int seqOffset, int tsOffset, String cname) {
        this.source = source;
        this.sink = sink;
        this.worker = worker;
        this.ssrc = ssrc;
        this.rtxSsrc = rtxSsrc;
        this.payloadType = payloadType;
        this.rtxPayloadType = rtxPayloadType;
        this.extensionMap = extensionMap;
        this.seqOffset = seqOffset & 0xffff;
        this.tsOffset = tsOffset;
        this.cname = cname;
        this.rtxSeq = (seqOffset * 31) & 0xffff;
        this.vp8 = source.isSimulcast() && source.codec().name().equalsIgnoreCase("VP8");
    }

    /**
     * Round-trip time from a subscriber's report block about this stream (RFC 3550 §6.4.1), or -1.
     * The SRs carry the publisher's NTP clock, not ours, so the arithmetic uses our own send time of
     * the SR the block echoes (LSR) instead of NTP differences.
     */
    public long roundTripNanos(long lsr, long dlsr, long nowNanos) {
        if (lsr == 0) {
            return -1;
        }
        for (int i = 0; i < srMiddle.length; i++) {
            if (srMiddle[i] == lsr && srSentNanos[i] != 0) {
                long rtt = nowNanos - srSentNanos[i] - io.relaycast.rtcp.NtpTime.compactToNanos(dlsr);
                return rtt >= 0 ? rtt : -1;
            }
        }
        return -1;
    }

    public UpTrack source() {
        return source;
    }

    /** The layer being forwarded, or null (paused, or waiting for the first keyframe). */
    public UpTrack currentLayer() {
        return current;
    }

    /** The layer a switch waits for a keyframe of, or null. */
    public UpTrack targetLayer() {
        return target;
    }

    public int ssrc() {
        return ssrc;
    }

    public int rtxSsrc() {
        return rtxSsrc;
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }

    public boolean isActive() {
        return active;
    }

    /**
     * Starts forwarding (the subscriber accepted the m-line) and asks for a keyframe. A track
     * without simulcast is forwarded from its next packet, as it always was; a simulcast track
     * from a keyframe of the chosen layer.
     */
    public void activate(long nowNanos) {
        if (active) {
            return;
        }
        active = true;
        if (!source.isSimulcast() && !paused) {
            current = source;
            source.addDownTrack(this, nowNanos);
            source.requestKeyframe(nowNanos);
        } else {
            reselect(nowNanos);
        }
    }

    /** Numbers every packet sent with the subscriber's transport-cc extension id {@code id}. */
    public void useTransportCc(int id) {
        this.twccId = id;
    }

    /** The subscriber's preferences, as the allocator needs them. */
    public int maxHeight() {
        return maxHeight;
    }

    public int maxFps() {
        return maxFps;
    }

    public boolean isPaused() {
        return paused || maxHeight == 0;
    }

    /**
     * A track without simulcast that the subscriber's bandwidth cannot carry besides its audio
     * and lowest layers is paused by the node (its {@code layer} message says "paused") and
     * resumed, at a keyframe, once the estimate allows it again. Returns whether that changed.
     */
    public boolean pauseForBandwidth(boolean pause, long nowNanos) {
        if (pause == bandwidthPaused) {
            return false;
        }
        bandwidthPaused = pause;
        if (active) {
            reselect(nowNanos);
        }
        return true;
    }

    public boolean isPausedForBandwidth() {
        return bandwidthPaused;
    }

    /**
     * The layer the subscriber's bandwidth estimate allows (null: no limit); a change takes
     * effect at once (a switch still waits for a keyframe). Returns whether the allocation changed.
     */
    public boolean allocate(UpTrack layer, long nowNanos) {
        if (layer == allocated) {
            return false;
        }
        allocated = layer;
        if (active) {
            reselect(nowNanos);
        }
        return true;
    }

    /** The layers the choice is made among, lowest first: the live ones, ranked (see chooseLayer). */
    public List<UpTrack> rankedLayers(long nowNanos) {
        return rank(source.layers(), nowNanos);
    }

    /**
     * Sends a padding-only packet of about {@code bytes} on the RTX stream (RFC 4588; RFC 3550
     * §5.1 padding), as libwebrtc probes: bandwidth the subscriber's feedback can measure without
     * touching its decoder. Returns the bytes sent, 0 without RTX or transport-cc.
     */
    public int sendPadding(int bytes, long nowNanos) {
        if (!active || !hasRtx() || twccId <= 0 || current == null) {
            return 0;
        }
        int pad = Math.max(1, Math.min(255, bytes));
        int seq = sink.transportSequence(PADDING_HEADER_BYTES + pad, true, nowNanos);
        byte[] scratch = worker.scratch();
        int len = paddingWriter.reset().payloadType(rtxPayloadType).sequenceNumber(rtxSeq).timestamp(lastOutTs)
                .ssrc(rtxSsrc).padding(pad).addTransportSequenceNumber(twccId, seq)
                .writeTo(scratch, 0, scratch, 0, 0);
        rtxSeq = (rtxSeq + 1) & 0xffff;
        sink.sendRtp(scratch, 0, len);
        return len;
    }

    /**
     * Whether this audio track's packets reach the subscriber (PROTOCOL.md: in large rooms only
     * the loudest audio streams are forwarded to each subscriber). Video is never filtered so.
     */
    public void setAudible(boolean audible) {
        if (this.audible != audible && !source.isVideo()) {
            this.audible = audible;
            renumber = audible;
        }
    }

    /** A subscriber's PLI or FIR: a keyframe of the layer it gets (or is about to get). */
    public void requestKeyframe(long nowNanos) {
        UpTrack layer = target != null ? target : current;
        if (layer != null) {
            layer.requestKeyframe(nowNanos);
        }
    }

    /** Stops forwarding for good. */
    public void deactivate() {
        if (active) {
            active = false;
            leave(current);
            leave(target);
            current = null;
            target = null;
        }
    }

    /**
     * The subscriber's preferences (PROTOCOL.md {@code setPreferences}); null keeps a value.
     * {@code maxHeight} 0 pauses like {@code paused}.
     */
    public void setPreferences(Integer maxHeight, Integer maxFps, Boolean paused, long nowNanos) {
        if (maxHeight != null) {
            this.maxHeight = maxHeight;
        }
        if (maxFps != null) {
            this.maxFps = maxFps;
        }
        if (paused != null) {
            this.paused = paused;
        }
        if (active) {
            reselect(nowNanos);
        }
    }

    /** Periodic: a simulcast track's layer is chosen again as layers come, go and reveal their sizes. */
    public void onTick(long nowNanos) {
        if (active && source.isSimulcast() && nowNanos >= nextReselectNanos) {
            reselect(nowNanos);
        }
    }

    /** Moves toward the layer the preferences and the publisher's live layers call for. */
    void reselect(long nowNanos) {
        nextReselectNanos = nowNanos + RESELECT_NANOS;
        UpTrack want = paused || maxHeight == 0 || bandwidthPaused ? null
                : chooseLayer(source.layers(), maxHeight, maxFps, nowNanos);
        if (want != null && allocated != null && source.isSimulcast()) {
            // The bandwidth allocator applied the same preferences, within the estimate.
            want = allocated;
        }
        if (want == null) {
            if (current != null || target != null) {
                leave(current);
                leave(target);
                current = null;
                target = null;
                worker.metrics().layerSwitch(0, true);
                sink.layerChanged(this, PAUSED);
            }
            return;
        }
        if (want == current) {
            if (target != null) {
                leave(target);
                target = null;
            }
            return;
        }
        if (want != target) {
            leave(target);
            target = want;
            want.addDownTrack(this, nowNanos);
            want.waitForKeyframe(1);
        }
        want.requestKeyframe(nowNanos); // throttled per layer
    }

    private void leave(UpTrack layer) {
        if (layer != null) {
            if (layer == target) {
                layer.waitForKeyframe(-1);
            }
            layer.removeDownTrack(this);
        }
    }

    /**
     * The layer to send (PROTOCOL.md: the highest whose height is at most {@code maxHeight} and
     * whose frame rate is at most {@code maxFps}, the lowest when none is that small), among the
     * layers the publisher is sending. Layers are ranked by the height of their keyframes once
     * every layer has shown one (VP8), by the publisher's rid order until then.
     */
    static UpTrack chooseLayer(List<UpTrack> layers, int maxHeight, int maxFps, long nowNanos) {
        if (layers.size() == 1) {
            return layers.get(0);
        }
        List<UpTrack> ranked = rank(layers, nowNanos);
        UpTrack best = null;
        for (int i = 0; i < ranked.size(); i++) {
            UpTrack l = ranked.get(i);
            int height = expectedHeight(ranked, i);
            boolean heightFits = maxHeight == Integer.MAX_VALUE || (height > 0 && height <= maxHeight);
            boolean fpsFits = maxFps == Integer.MAX_VALUE || l.fps() <= maxFps;
            if (heightFits && fpsFits) {
                best = l;
            }
        }
        return best != null ? best : ranked.get(0);
    }

    /**
     * The height of {@code ranked.get(index)}: its keyframe's where this node has seen one, else
     * inferred from the nearest layer whose height is known, each step in the ranking doubling it
     * (simulcast's usual scale, Chromium's scaleResolutionDownBy 4/2/1), else -1. A relayed layer
     * that never flowed to this node has shown no keyframe here; without the inference a
     * subscriber asking for any height limit (say maxHeight 4320 after a pause) could never be
     * given it.
     */
    public static int expectedHeight(List<UpTrack> ranked, int index) {
        int own = ranked.get(index).height();
        if (own > 0) {
            return own;
        }
        for (int step = 1; step < ranked.size(); step++) {
            int below = index - step;
            if (below >= 0 && ranked.get(below).height() > 0) {
                return ranked.get(below).height() << step;
            }
            int above = index + step;
            if (above < ranked.size() && ranked.get(above).height() > 0) {
                return Math.max(1, ranked.get(above).height() >> step);
            }
        }
        return -1;
    }

    private static List<UpTrack> rank(List<UpTrack> layers, long nowNanos) {
        if (layers.size() == 1) {
            return layers;
        }
        List<UpTrack> ranked = new java.util.ArrayList<>(layers.size());
        for (UpTrack l : layers) {
            if (l.isLive(nowNanos)) {
                ranked.add(l);
            }
        }
        if (ranked.isEmpty()) {
            ranked.addAll(layers);
        }
        boolean heightsKnown = ranked.stream().allMatch(l -> l.height() > 0);
        if (heightsKnown) {
            ranked.sort(java.util.Comparator.comparingInt(UpTrack::height));
        }
        return ranked;
    }

    void forward(UpTrack layer, RtpHeader in, long nowNanos) {
        int seq = in.sequenceNumber();
        if (!audible) {
            worker.counters().audioNotLoudest();
            return;
        }
        if (renumber) {
            // Back among the loudest: its sequence numbers continue from the last sent, so the
            // subscriber's jitter buffer sees no loss for the packets it was not sent; the
            // timestamps keep the publisher's clock, a gap as after Opus DTX (RFC 7587 §3.1.3).
            renumber = false;
            if (anySent) {
                seqOffset = (lastOutSeq + 1 - seq) & 0xffff;
                start.restartAt(seq);
            }
        }
        if (layer != current) {
            // Video resumes at a keyframe; audio has none, so any packet starts it again.
            if (layer != target || (layer.isVideo() && !layer.keyframeStart())) {
                return; // waiting for the target layer's keyframe
            }
            splice(layer, in, nowNanos);
        } else if (!start.admit(seq, layer.isLate())) {
            // A repair or reordered packet from before this subscriber's first packet (it would
            // read as a run of losses before it) or before a splice (its numbers would collide
            // with what was sent): see StreamStart.
            return;
        }
        byte[] scratch = worker.scratch();
        int len = in.length();
        System.arraycopy(in.buffer(), in.offset(), scratch, 0, len);
        try {
            out.wrap(scratch, 0, len);
            out.remapExtensionIds(extensionMap);
        } catch (RtpException e) {
            worker.counters().dropped(MediaCounters.Drop.MALFORMED_RTP);
            return;
        }
        out.setSsrc(ssrc);
        lastOutSeq = (seq + seqOffset) & 0xffff;
        lastOutTs = in.timestamp() + tsOffset;
        lastOutNanos = nowNanos;
        anySent = true;
        out.setSequenceNumber(lastOutSeq);
        out.setTimestamp(lastOutTs);
        out.setPayloadType(payloadType);
        if (vp8) {
            rewriteVp8(scratch, out.payloadOffset(), out.payloadLength(), true);
        }
        stampTransportSequence(len, nowNanos);
        packetsSent++;
        octetsSent += out.payloadLength();
        sink.sendRtp(scratch, 0, len);
        worker.counters().forwarded();
    }

    /**
     * Overwrites the transport-cc element the packet kept from the publisher (mapped to the
     * subscriber's id) with this transport's own sequence number. A packet whose publisher sent
     * none goes unnumbered: inserting an element would move the payload.
     */
    private void stampTransportSequence(int len, long nowNanos) {
        if (twccId > 0 && out.hasExtensionElement(twccId)) {
            try {
                out.setTransportSequenceNumber(twccId, sink.transportSequence(len, false, nowNanos));
            } catch (RtpException e) {
                // cannot happen for an element that is there; the packet goes unnumbered
            }
        }
    }

    /**
     * Makes {@code layer} the one forwarded, from this keyframe packet on: new offsets put its
     * sequence numbers right after the last sent and its timestamps the elapsed time after the
     * last sent (layers have unrelated RTP clocks' origins, RFC 3550 §5.1).
     */
    private void splice(UpTrack layer, RtpHeader in, long nowNanos) {
        UpTrack old = current;
        layer.waitForKeyframe(-1);
        if (old != null) {
            old.removeDownTrack(this);
        }
        current = layer;
        target = null;
        if (anySent) {
            seqOffset = (lastOutSeq + 1 - in.sequenceNumber()) & 0xffff;
            long ticks = Math.max(1, (nowNanos - lastOutNanos) * source.codec().clockRate() / 1_000_000_000L);
            tsOffset = (int) (lastOutTs + ticks - in.timestamp());
            resyncVp8 = true;
        }
        start.restartAt(in.sequenceNumber());
        if (old != null) {
            worker.metrics().layerSwitch(compareLayers(layer, old), false);
        }
        sink.layerChanged(this, layer.rid());
    }

    /** Higher (positive) or lower: by keyframe height when both are known, else by rid order. */
    private int compareLayers(UpTrack a, UpTrack b) {
        if (a.height() > 0 && b.height() > 0) {
            return Integer.compare(a.height(), b.height());
        }
        return Integer.compare(source.layers().indexOf(a), source.layers().indexOf(b));
    }

    /** Keeps VP8 picture ids and TL0PICIDX continuous across splices; {@code record} for first sends. */
    private void rewriteVp8(byte[] b, int off, int len, boolean record) {
        if (!vp8Descriptor.parse(b, off, len)) {
            return;
        }
        if (vp8Descriptor.hasPictureId()) {
            int in = vp8Descriptor.pictureId(b);
            if (record && resyncVp8 && lastOutPictureId >= 0) {
                pictureIdOffset = lastOutPictureId + 1 - in;
            }
            int o = (in + pictureIdOffset) & (vp8Descriptor.pictureIdModulus() - 1);
            vp8Descriptor.setPictureId(b, o);
            if (record) {
                lastOutPictureId = o;
            }
        }
        if (vp8Descriptor.hasTl0PicIdx()) {
            int in = vp8Descriptor.tl0PicIdx(b);
            if (record && resyncVp8 && lastOutTl0 >= 0) {
                tl0Offset = lastOutTl0 + 1 - in;
            }
            int o = (in + tl0Offset) & 0xff;
            vp8Descriptor.setTl0PicIdx(b, o);
            if (record) {
                lastOutTl0 = o;
            }
        }
        if (record) {
            resyncVp8 = false;
        }
    }

    /**
     * Answers a subscriber's NACK (RFC 4585 §6.2.1) from the publisher's cache, as RTX (RFC 4588)
     * because SRTP must not protect the same index twice; packets the cache no longer holds are
     * asked for upstream.
     */
    public void onNack(int[] lostSequences) {
        UpTrack layer = current;
        if (!active || layer == null) {
            return;
        }
        for (int subSeq : lostSequences) {
            int pubSeq = (subSeq - seqOffset) & 0xffff;
            if (start.isBefore(pubSeq)) {
                continue; // from before its start: an earlier layer (its numbers no longer map) or before it joined
            }
            byte[] scratch = worker.scratch();
            int len = layer.copyCached(pubSeq, scratch, 0);
            if (len < 0 || !hasRtx()) {
                continue;
            }
            try {
                out.wrap(scratch, 0, len);
                out.remapExtensionIds(extensionMap);
            } catch (RtpException e) {
                continue;
            }
            if (vp8) {
                rewriteVp8(scratch, out.payloadOffset(), out.payloadLength(), false);
            }
            out.setSsrc(rtxSsrc);
            out.setTimestamp(out.timestamp() + tsOffset);
            out.setPayloadType(rtxPayloadType);
            out.setSequenceNumber(rtxSeq);
            rtxSeq = (rtxSeq + 1) & 0xffff;
            int headerLen = out.headerLength();
            int payloadLen = out.payloadLength();
            System.arraycopy(scratch, headerLen, scratch, headerLen + 2, payloadLen);
            scratch[headerLen] = (byte) (subSeq >>> 8);
            scratch[headerLen + 1] = (byte) subSeq;
            scratch[0] &= (byte) 0xdf; // the padding, if any, is not carried over
            stampTransportSequence(headerLen + 2 + payloadLen, worker.nowNanos());
            sink.sendRtp(scratch, 0, headerLen + 2 + payloadLen);
            worker.counters().retransmitted();
        }
        layer.flushUpstreamNacks();
    }

    /**
     * Translates the publisher's sender report (RFC 3550 §6.4.1) into this stream's numbering so the
     * subscriber's browser can line up audio and video of one publisher (same CNAME, same NTP clock).
     */
    void onSourceSenderReport(UpTrack layer, long ntp, long rtpTimestamp) {
        if (!active || layer != current) {
            return;
        }
        srMiddle[srNext] = io.relaycast.rtcp.NtpTime.middle32(ntp);
        srSentNanos[srNext] = worker.nowNanos();
        srNext = (srNext + 1) % srMiddle.length;
        SenderReport sr = new SenderReport(ssrc & 0xffffffffL, ntp, (rtpTimestamp + tsOffset) & 0xffffffffL,
                packetsSent & 0xffffffffL, octetsSent & 0xffffffffL, List.of(), new byte[0]);
        SourceDescription sdes = SourceDescription.cname(ssrc & 0xffffffffL, cname);
        List<RtcpPacket> compound = List.of(sr, sdes);
        byte[] scratch = worker.scratch();
        int len = RtcpCompound.write(compound, scratch, 0);
        sink.sendRtcp(scratch, 0, len);
    }
}
