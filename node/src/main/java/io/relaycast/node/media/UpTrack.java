package io.relaycast.node.media;

import io.relaycast.rtp.Keyframes;
import io.relaycast.rtp.ReceptionStatistics;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;

import java.util.ArrayList;
import java.util.List;

/**
 * One published track as the node receives it: its codec and payload types on the publisher's
 * side, the SSRCs learned for it, reception statistics for receiver reports, the retransmission
 * cache, and the subscribers' {@link DownTrack}s it fans out to. Lives on the room's worker thread.
 *
 * <p>One UpTrack is one RTP stream. A simulcast track (RFC 8853) is several UpTracks, one per
 * {@code rid}, sharing one {@link #layers()} list whose first element, the <em>primary</em>, stands
 * for the whole track in the room (subscriptions, msid, announcements to other nodes). Each layer
 * keeps its own SSRCs, cache, loss recovery and keyframe throttle, so the relay, NACKs and PLIs
 * work per layer unchanged; a subscriber's {@link DownTrack} listens to one layer at a time (two
 * while it waits for a keyframe to switch).
 */
public final class UpTrack {
    /** PROTOCOL.md asks for keyframe requests throttled per track; one per half second is what browsers tolerate. */
    static final long KEYFRAME_INTERVAL_NANOS = 500_000_000L;
    /** A layer with no packet for this long is taken as stopped by its publisher. */
    private static final long LIVE_NANOS = 1_500_000_000L;

    private final String id;
    private final String publisherPeerId;
    private final String streamId;
    private final String trackId;
    private final boolean video;
    private final TrackCodec codec;
    private final String[] extensionUris;
    private final Upstream upstream;
    private final PacketCache cache;
    private final ReceptionStatistics stats;
    private final List<DownTrack> downTracks = new ArrayList<>();
    private final List<PacketSink> sinks = new ArrayList<>();
    private final MediaCounters counters;
    private int ssrc;
    private int rtxSsrc;
    private boolean ssrcKnown;
    private long lastKeyframeRequest = Long.MIN_VALUE / 2;
    private long lastSrNtp;
    private long lastSrRtp;
    private long lastSrArrivalNanos;
    private final int[] nackScratch = new int[64];
    /** The track's layers (this one alone without simulcast); the same list in every layer. */
    private List<UpTrack> layers = List.of(this);
    private String rid;
    private String trackKey;
    private boolean relayed;
    /** Relayed simulcast layer: the publisher's node said the publisher does not send it now. */
    private boolean notSentByPublisher;
    /** Of the packet being fanned out: whether it starts a keyframe (simulcast layers only). */
    private boolean keyframeStart;
    /** Of the packet being fanned out: whether it is older than one fanned out before (a repair, reordered). */
    private boolean late;
    /** The newest sequence number fanned out and when, once {@link #anyFannedOut}. */
    private int newestSeq;
    private long newestNanos;
    private boolean anyFannedOut;
    /**
     * After a pause this long a packet starts the numbering afresh rather than being judged
     * against the last one: a relayed track flows only while someone on this node subscribes, and
     * after minutes without a subscriber its numbers may have wrapped to just behind the last seen.
     * A real repair comes within {@link NackGenerator#MAX_AGE_MILLIS} of its loss.
     */
    private static final long LATE_HORIZON_NANOS = NackGenerator.MAX_AGE_MILLIS * 1_000_000L;
    private long lastPacketNanos = Long.MIN_VALUE / 2;
    private int height = -1;
    private long bytesThisWindow;
    private long windowStartNanos;
    private long bitrateBps;
    private int framesThisWindow;
    private int fps;
    /** The last three one-second bit rates, for {@link #peakBitrateBps()}. */
    private final long[] recentBitrates = new long[3];
    private int recentNext;
    private long subscribedSinceNanos;
    /**
     * A relayed layer's packets start flowing again (a first subscriber here): the rate window
     * restarts at the next packet, or it would average in the time nothing flowed.
     */
    private boolean restartWindow;
    /** Subscribers waiting for a keyframe of this layer to switch to it. */
    private int keyframeWaiters;

    /**
     * @param extensionUris the publisher's header-extension URIs indexed by its ids (1–255), null where unused
     */
    public UpTrack(String id, String publisherPeerId, String streamId, String trackId, boolean video, TrackCodec codec,
                   String[] extensionUris, Upstream upstream, MediaCounters counters) {
        this.id = id;
        this.publisherPeerId = publisherPeerId;
        this.streamId = streamId;
        this.trackId = trackId;
        this.video = video;
        this.codec = codec;
        this.extensionUris = extensionUris.clone();
        this.upstream = upstream;
        this.counters = counters;
        this.cache = new PacketCache(video ? 1024 : 128);
        this.stats = new ReceptionStatistics(codec.clockRate());
        this.trackKey = id;
    }

    /**
     * Makes {@code layers} (in the publisher's rid order) one simulcast track known as
     * {@code trackKey}; the first is its primary.
     */
    public static void groupLayers(List<UpTrack> layers, String trackKey, List<String> rids) {
        List<UpTrack> list = List.copyOf(layers);
        for (int i = 0; i < list.size(); i++) {
            UpTrack l = list.get(i);
            l.layers = list;
            l.rid = rids.get(i);
            l.trackKey = trackKey;
        }
    }

    /** Every layer of this track, the primary first; just this one without simulcast. */
    public List<UpTrack> layers() {
        return layers;
    }

    public boolean isSimulcast() {
        return layers.size() > 1;
    }

    /** This layer's rid, or null without simulcast. */
    public String rid() {
        return rid;
    }

    /** The key of the whole track (the id of a track without simulcast). */
    public String trackKey() {
        return trackKey;
    }

    /** Marks a track fed by the relay: its packets flow only while someone here subscribes. */
    public void markRelayed() {
        relayed = true;
    }

    /**
     * A relayed simulcast layer: whether the publisher sends it now, as the publisher's node last
     * said (a relay LIVE_LAYERS record); a layer nobody here subscribes to shows no packets here.
     */
    public void sentByPublisher(boolean sent) {
        notSentByPublisher = !sent;
    }

    /** When the last packet arrived (worker clock); far in the past if none did. */
    public long lastPacketNanos() {
        return lastPacketNanos;
    }

    /**
     * Whether the publisher is sending this layer: a packet within the last 1.5 s. A relayed layer
     * nobody here subscribes to carries nothing here, so it counts as live unless the publisher's
     * node said the publisher does not send it, and a subscribed one for 1.5 s after the
     * subscription, while its first packets are on their way.
     */
    public boolean isLive(long nowNanos) {
        if (nowNanos - lastPacketNanos < LIVE_NANOS) {
            return true;
        }
        return relayed && !notSentByPublisher && (downTracks.isEmpty() || nowNanos - subscribedSinceNanos < LIVE_NANOS);
    }


    /** Frame height from this layer's last VP8 keyframe (RFC 6386 §9.1), or -1 when unknown. */
    public int height() {
        return height;
    }

    /** Bits per second received over the last whole second. */
    public long bitrateBps() {
        return bitrateBps;
    }

    /**
     * The highest of the last three seconds' bit rates: what a subscriber must be able to carry
     * to receive this layer without congesting when the encoder peaks (a keyframe, motion).
     */
    public long peakBitrateBps() {
        long max = 0;
        for (long b : recentBitrates) {
            max = Math.max(max, b);
        }
        return max;
    }

    /** Frames per second (RTP marker bits) over the last whole second. */
    public int fps() {
        return fps;
    }

    /** A subscriber starts ({@code +1}) or stops ({@code -1}) waiting for a keyframe of this layer. */
    void waitForKeyframe(int delta) {
        keyframeWaiters = Math.max(0, keyframeWaiters + delta);
    }

    /** Whether the packet being fanned out right now starts a keyframe (simulcast layers, or someone waits). */
    boolean keyframeStart() {
        return keyframeStart;
    }

    /**
     * Whether the packet being fanned out right now is older than one fanned out before it: a
     * repair of a loss on the publisher's uplink, or a reordered packet. A consumer that joined
     * since must not start on it (see {@link StreamStart}).
     */
    public boolean isLate() {
        return late;
    }

    public String id() {
        return id;
    }

    public String publisherPeerId() {
        return publisherPeerId;
    }

    public String streamId() {
        return streamId;
    }

    public String trackId() {
        return trackId;
    }

    public boolean isVideo() {
        return video;
    }

    public TrackCodec codec() {
        return codec;
    }

    /** The publisher's URI for extension id {@code id}, or null. */
    public String extensionUri(int id) {
        return id > 0 && id < extensionUris.length ? extensionUris[id] : null;
    }

    public int ssrc() {
        return ssrc;
    }

    public boolean hasSsrc() {
        return ssrcKnown;
    }

    public void bindSsrc(int ssrc) {
        this.ssrc = ssrc;
        this.ssrcKnown = true;
    }

    public int rtxSsrc() {
        return rtxSsrc;
    }

    public void bindRtxSsrc(int rtxSsrc) {
        this.rtxSsrc = rtxSsrc;
    }

    public ReceptionStatistics stats() {
        return stats;
    }

    public List<DownTrack> downTracks() {
        return downTracks;
    }

    void addDownTrack(DownTrack t, long nowNanos) {
        if (downTracks.contains(t)) {
            return;
        }
        downTracks.add(t);
        if (downTracks.size() == 1) {
            subscribedSinceNanos = nowNanos;
            restartWindow = relayed;
            upstream.firstSubscriber(this);
        }
    }

    void removeDownTrack(DownTrack t) {
        if (downTracks.remove(t) && downTracks.isEmpty()) {
            upstream.lastSubscriberGone(this);
        }
    }

    /** Adds a relay to another node (or a speaker detector's feed); it gets every packet from now on. */
    public void addSink(PacketSink sink) {
        sinks.add(sink);
    }

    public void removeSink(PacketSink sink) {
        sinks.remove(sink);
    }

    public List<PacketSink> sinks() {
        return sinks;
    }

    /** Stores a packet in the cache without forwarding it (a retransmission relayed for a NACK). */
    public void cacheOnly(RtpHeader header) {
        cache.store(header.sequenceNumber(), header.buffer(), header.offset(), header.length());
    }

    /** Copies cached packet {@code sequence} into {@code dst}, or -1 if it is no longer kept. */
    public int copyFromCache(int sequence, byte[] dst, int off) {
        return cache.copy(sequence, dst, off);
    }

    public Upstream upstream() {
        return upstream;
    }

    /** A media packet of this track, decrypted; forwarded to every active subscriber. */
    public void onRtp(RtpHeader header, long nowNanos) {
        if (header.payloadType() != codec.payloadType()) {
            counters.dropped(MediaCounters.Drop.UNKNOWN_SSRC);
            return;
        }
        stats.onPacket(header.sequenceNumber(), header.timestamp() & 0xffffffffL, nowNanos);
        if (lossRecovery != null
                && lossRecovery.onPacket(header.sequenceNumber(), nowNanos) == NackGenerator.Arrival.DUPLICATE) {
            return; // its retransmission came first and was forwarded: once is enough
        }
        cache.store(header.sequenceNumber(), header.buffer(), header.offset(), header.length());
        measure(header, nowNanos);
        fanOut(header, nowNanos);
        if (lossRecovery != null && nowNanos >= lossRecovery.nextPollNanos()) {
            nackUplinkLoss(nowNanos);
        }
    }

    /** What layer choice needs: liveness, rate, frame rate, and (VP8) the height of keyframes. */
    private void measure(RtpHeader header, long nowNanos) {
        if (restartWindow) {
            // A relayed layer flows only while someone here subscribes: a window that began
            // before a gap in the subscription would read a layer that flowed for 0.3 s of its
            // second at under a third of its rate, and the allocator would give that layer to a
            // subscriber whose link cannot carry it.
            restartWindow = false;
            windowStartNanos = nowNanos;
            bytesThisWindow = 0;
            framesThisWindow = 0;
        }
        lastPacketNanos = nowNanos;
        bytesThisWindow += header.length();
        if (header.marker()) {
            framesThisWindow++;
        }
        if (nowNanos - windowStartNanos >= 1_000_000_000L) {
            long span = nowNanos - windowStartNanos;
            bitrateBps = span > 2_000_000_000L ? 0 : bytesThisWindow * 8_000_000_000L / span;
            recentBitrates[recentNext] = bitrateBps;
            recentNext = (recentNext + 1) % recentBitrates.length;
            fps = span > 2_000_000_000L ? 0 : (int) (framesThisWindow * 1_000_000_000L / span);
            bytesThisWindow = 0;
            framesThisWindow = 0;
            windowStartNanos = nowNanos;
        }
    }

    private void fanOut(RtpHeader header, long nowNanos) {
        keyframeStart = false;
        int seq = header.sequenceNumber();
        int ahead = (short) (seq - newestSeq);
        // A jump back of a whole NACK window or more is a restarted numbering, not a late packet.
        late = anyFannedOut && ahead <= 0 && ahead > -NackGenerator.WINDOW
                && nowNanos - newestNanos < LATE_HORIZON_NANOS;
        if (!late) {
            newestSeq = seq;
            newestNanos = nowNanos;
            anyFannedOut = true;
        }
        if (video && (layers.size() > 1 || keyframeWaiters > 0)) {
            // Only where a switch or a layer's size depends on it: most tracks never pay for it.
            byte[] b = header.buffer();
            int p = header.payloadOffset();
            int len = header.payloadLength();
            keyframeStart = Keyframes.isKeyframeStart(codec.name(), b, p, len);
            if (keyframeStart) {
                int h = Keyframes.vp8KeyframeHeight(codec.name(), b, p, len);
                if (h > 0) {
                    height = h;
                }
            }
        }
        for (int i = 0, n = downTracks.size(); i < n; i++) {
            // A DownTrack that switches to this layer here leaves its old layer's list, never this one.
            downTracks.get(i).forward(this, header, nowNanos);
        }
        for (int i = 0, n = sinks.size(); i < n; i++) {
            sinks.get(i).onPacket(header, nowNanos);
        }
    }

    /**
     * A retransmission from the publisher on its RTX stream (RFC 4588 §4): the original sequence
     * number leads the payload. It refills the cache, so subscribers' repeated NACKs are served.
     * When it repairs a packet lost on the publisher's uplink (one this node never received), it is
     * forwarded like the original to local subscribers and relays, once; a repeat of a packet the
     * node already has is not, because subscribers that got the packet would see it twice.
     */
    public void onRtx(RtpHeader header, long nowNanos) {
        int payloadLen = header.payloadLength();
        if (payloadLen < 2) {
            return; // padding-only probe (bandwidth estimation), nothing to keep
        }
        byte[] buf = header.buffer();
        int p = header.payloadOffset();
        int osn = ((buf[p] & 0xff) << 8) | (buf[p + 1] & 0xff);
        int headerLen = header.headerLength();
        int off = header.offset();
        // Rebuild the original packet in place: drop the OSN by moving the header forward 2 bytes.
        System.arraycopy(buf, off, buf, off + 2, headerLen);
        int newOff = off + 2;
        int newLen = headerLen + payloadLen - 2;
        buf[newOff] &= (byte) 0xdf; // the original carried no padding we kept
        writeU16(buf, newOff + 2, osn);
        writeU32(buf, newOff + 8, ssrc);
        buf[newOff + 1] = (byte) ((buf[newOff + 1] & 0x80) | codec.payloadType());
        cache.store(osn, buf, newOff, newLen);
        if (lossRecovery != null && lossRecovery.onRetransmission(osn)) {
            try {
                repaired.wrap(buf, newOff, newLen);
            } catch (RtpException e) {
                counters.dropped(MediaCounters.Drop.MALFORMED_RTP);
                return;
            }
            counters.uplinkRecovered();
            fanOut(repaired, nowNanos);
        }
    }

    // ---- loss recovery on the publisher's uplink (local tracks only; see NackGenerator)

    private NackGenerator lossRecovery;
    private final RtpHeader repaired = new RtpHeader();
    private final int[] uplinkNacks = new int[64];

    /**
     * Watches this track's sequence numbers for packets lost on the way from the publisher and
     * NACKs them through {@link #upstream()}; their repairs are forwarded. For a local publisher
     * that negotiated {@code nack} and RTX. A relayed track does not need it: the event bus
     * between nodes runs over TCP, and its repairs arrive from the publisher's node as ordinary
     * relayed packets.
     */
    public void recoverUplinkLoss() {
        if (lossRecovery == null) {
            lossRecovery = new NackGenerator();
        }
    }

    /** A round-trip time measured to the publisher; spaces the NACK retries. */
    public void onPublisherRtt(long nanos) {
        if (lossRecovery != null) {
            lossRecovery.onRtt(nanos);
        }
    }

    private void nackUplinkLoss(long nowNanos) {
        int n = lossRecovery.poll(nowNanos, uplinkNacks);
        if (n > 0) {
            upstream.nack(this, uplinkNacks, n);
        }
        long givenUp = lossRecovery.takeGivenUp();
        if (givenUp > 0) {
            counters.uplinkGivenUp(givenUp);
        }
    }

    /** The publisher's sender report for this track: kept for receiver reports and translated to subscribers. */
    public void onSenderReport(long ntp, long rtpTimestamp, long nowNanos) {
        lastSrNtp = ntp;
        lastSrRtp = rtpTimestamp;
        lastSrArrivalNanos = nowNanos;
        for (int i = 0, n = downTracks.size(); i < n; i++) {
            downTracks.get(i).onSourceSenderReport(this, ntp, rtpTimestamp);
        }
        for (int i = 0, n = sinks.size(); i < n; i++) {
            sinks.get(i).onSenderReport(ntp, rtpTimestamp, nowNanos);
        }
    }

    public long lastSrNtp() {
        return lastSrNtp;
    }

    public long lastSrArrivalNanos() {
        return lastSrArrivalNanos;
    }

    /**
     * Asks the publisher for a keyframe, at most once per throttle interval. A request inside the
     * interval is not dropped but deferred to its end ({@link #onTick}): the subscriber that asked
     * may have started after the keyframe that the earlier request produced.
     */
    public void requestKeyframe(long nowNanos) {
        if (!video) {
            return;
        }
        if (nowNanos - lastKeyframeRequest < KEYFRAME_INTERVAL_NANOS) {
            keyframeDeferred = true;
            return;
        }
        keyframeDeferred = false;
        lastKeyframeRequest = nowNanos;
        upstream.requestKeyframe(this);
    }

    /**
     * Periodic work: a deferred keyframe request goes out once the throttle allows; NACK retries
     * due while the publisher sends nothing (otherwise they go out with its packets, see onRtp).
     */
    public void onTick(long nowNanos) {
        if (keyframeDeferred && nowNanos - lastKeyframeRequest >= KEYFRAME_INTERVAL_NANOS) {
            requestKeyframe(nowNanos);
        }
        if (lossRecovery != null && nowNanos >= lossRecovery.nextPollNanos()) {
            nackUplinkLoss(nowNanos);
        }
    }

    private boolean keyframeDeferred;

    /**
     * Copies cached packet {@code sequence} (publisher numbering) into {@code dst}; when it is
     * gone, the sequence is collected for a NACK upstream (sent by {@link #flushUpstreamNacks}),
     * unless the uplink loss recovery already asks the publisher for it.
     */
    public int copyCached(int sequence, byte[] dst, int off) {
        int len = cache.copy(sequence, dst, off);
        if (len < 0 && pendingNacks < nackScratch.length
                && (lossRecovery == null || !lossRecovery.isPending(sequence))) {
            nackScratch[pendingNacks++] = sequence;
        }
        return len;
    }

    private int pendingNacks;

    public void flushUpstreamNacks() {
        if (pendingNacks > 0) {
            upstream.nack(this, nackScratch, pendingNacks);
            pendingNacks = 0;
        }
    }

    private static void writeU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void writeU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    @Override
    public String toString() {
        return id + (video ? " video " : " audio ") + codec.name();
    }
}
