package io.relaycast.load;

import io.relaycast.rtp.AbsSendTime;
import io.relaycast.rtp.RtpWriter;

import java.util.Random;

/**
 * The synthetic media one publishing client sends: Opus-sized audio, 50 packets per second
 * (60–160 bytes), and VP8-like video, 30 frames per second at a target bitrate, packetized into
 * payloads of at most 1200 bytes, with a keyframe about four times the average frame every 3 s
 * and whenever a PLI or FIR asks for one.
 *
 * <p>Each payload carries the sender's {@link System#nanoTime} at {@link #SEND_TIME_OFFSET}
 * (8 bytes, big-endian), so a receiver in the same JVM measures one-way latency exactly without
 * relying on a header extension (the SFU forwards payloads unchanged). Video payloads begin with
 * a valid VP8 payload descriptor (RFC 7741 §4.2) and, in a frame's first packet, a VP8 frame tag
 * saying key or delta frame, so an SFU that inspects VP8 (Janus does) sees a plausible stream.
 *
 * <p>Header extension ids come from the negotiated SDP; an id of 0 means "not negotiated".
 *
 * <p>Like a browser, it keeps its last {@value #VIDEO_HISTORY} video packets and answers a NACK
 * for them with RTX (RFC 4588 §4: the original sequence number, then the original payload, on
 * the RTX SSRC and payload type), so an SFU can repair loss on the publisher's uplink.
 */
final class MediaPattern {
    static final int SEND_TIME_OFFSET = 16;
    static final int MAX_PAYLOAD = 1200;
    static final int AUDIO_PT_DEFAULT = 111;
    static final int VIDEO_PT_DEFAULT = 96;
    static final long AUDIO_INTERVAL_NANOS = 20_000_000L;
    static final long FRAME_INTERVAL_NANOS = 1_000_000_000L / 30;
    static final long KEYFRAME_INTERVAL_NANOS = 3_000_000_000L;
    /** Video packets kept for retransmission: over a second at 1.5 Mbit/s, a NACK is answered in less. */
    static final int VIDEO_HISTORY = 256;
    static final int RTX_PT_DEFAULT = 97;
    /** A sender that fell this far behind skips ahead instead of bursting. */
    private static final long MAX_LAG_NANOS = 200_000_000L;

    final int audioSsrc;
    final int videoSsrc;
    final int videoRtxSsrc;
    final boolean video;
    final int bitrate;
    int audioPt = AUDIO_PT_DEFAULT;
    int videoPt = VIDEO_PT_DEFAULT;
    int videoRtxPt = RTX_PT_DEFAULT;
    int extMid;
    int extAbsSendTime;
    int extTwcc;
    int extAudioLevel;
    String audioMid = "0";
    String videoMid = "1";
    /** RFC 8852 rid and repaired-rid header extension ids (0: not negotiated); simulcast layers only. */
    int extRid;
    int extRepairedRid;

    /** Simulcast (--simulcast): the layers' rids, lowest first, their nominal sizes and bitrate shares. */
    static final String[] LAYER_RIDS = {"q", "h", "f"};
    static final int[] LAYER_WIDTHS = {320, 640, 1280};
    static final int[] LAYER_HEIGHTS = {180, 360, 720};
    static final int[] LAYER_BITRATE_DIVISORS = {16, 4, 1};
    /**
     * Where a simulcast layer's video payload says which layer it is: {@link #LAYER_MAGIC} at
     * offsets 11 and 12 (after the VP8 descriptor, frame tag and keyframe header, before the send
     * time), the layer index (0 = q) at 13. A single-layer stream has 0 at offset 11.
     */
    static final int LAYER_MARK_OFFSET = 11;
    static final byte[] LAYER_MAGIC = {'R', 'L'};
    /** This stream's simulcast rid and index (null, -1: a single-layer publisher). */
    final String rid;
    final int layerIndex;
    private final byte[] ridBytes;
    private final int width;
    private final int height;
    private final boolean audio;
    /** The video layers of a simulcast publisher (q, h, f; f is this one); a single-layer publisher: empty. */
    private final java.util.List<MediaPattern> layers = new java.util.ArrayList<>();
    /** The transport-wide sequence number (one per transport, shared by a simulcast publisher's layers). */
    private int[] twccCounter = new int[1];

    private final Random random;
    private final byte[] payload = new byte[MAX_PAYLOAD];
    private final RtpWriter writer = new RtpWriter();
    private int audioSeq;
    private int videoSeq;
    private int audioTs;
    private int videoTs;
    private long nextAudio;
    private long nextFrame;
    private long nextKeyframe;
    private boolean keyframeWanted = true;
    private boolean started;
    /** Simulcast's top layer offered but not sent (--simulcast-top-silent); audio still goes. */
    private boolean topLayerSilent;
    long skippedFrames;
    // Sent video packets by sequence number (slot = seq mod VIDEO_HISTORY): payload, timestamp, marker.
    private final byte[][] historyPayload = new byte[VIDEO_HISTORY][];
    private final int[] historySeq = new int[VIDEO_HISTORY];
    private final int[] historyLen = new int[VIDEO_HISTORY];
    private final int[] historyTs = new int[VIDEO_HISTORY];
    private final boolean[] historyMarker = new boolean[VIDEO_HISTORY];
    private final byte[] rtxPayload = new byte[MAX_PAYLOAD + 2];
    private int rtxSeq;
    /**
     * The RFC 6464 level (-dBov) this publisher's audio packets carry: -1 (the default) for a
     * random 30-69 (everyone talking), or a fixed level (127: silence) so a test can pick who speaks.
     */
    private int audioLevel = -1;

    MediaPattern(Random random, boolean video, int bitrate) {
        this(random, video, bitrate, true, -1);
    }

    /**
     * A simulcast publisher (--simulcast): audio plus three VP8-like video streams on SSRCs of
     * their own (each with its RTX SSRC), at 1/16, 1/4 and all of {@code bitrate}, 320x180,
     * 640x360 and 1280x720 in their keyframe headers, each packet carrying its rid (RFC 8852), the
     * payload marked with its layer index. The returned pattern is layer f (and the audio); the
     * others are driven through it, so a session treats it as one publisher.
     */
    static MediaPattern simulcast(Random random, int bitrate) {
        MediaPattern f = new MediaPattern(random, true, bitrate, true, 2);
        for (int i = 0; i < 2; i++) {
            MediaPattern l = new MediaPattern(random, true, bitrate / LAYER_BITRATE_DIVISORS[i], false, i);
            l.twccCounter = f.twccCounter;
            f.layers.add(l);
        }
        f.layers.add(f);
        return f;
    }

    private MediaPattern(Random random, boolean video, int bitrate, boolean audio, int layerIndex) {
        this.random = random;
        this.video = video;
        this.bitrate = bitrate;
        this.audio = audio;
        this.layerIndex = layerIndex;
        this.rid = layerIndex < 0 ? null : LAYER_RIDS[layerIndex];
        this.ridBytes = rid == null ? null : rid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        this.width = layerIndex < 0 ? 640 : LAYER_WIDTHS[layerIndex];
        this.height = layerIndex < 0 ? 480 : LAYER_HEIGHTS[layerIndex];
        this.audioSsrc = random.nextInt();
        this.videoSsrc = random.nextInt();
        this.videoRtxSsrc = random.nextInt();
        this.audioSeq = random.nextInt(1 << 16);
        this.videoSeq = random.nextInt(1 << 16);
        this.audioTs = random.nextInt();
        this.videoTs = random.nextInt();
        this.rtxSeq = random.nextInt(1 << 16);
        random.nextBytes(payload);
        if (layerIndex < 0) {
            payload[LAYER_MARK_OFFSET] = 0;
        } else {
            payload[LAYER_MARK_OFFSET] = LAYER_MAGIC[0];
            payload[LAYER_MARK_OFFSET + 1] = LAYER_MAGIC[1];
            payload[LAYER_MARK_OFFSET + 2] = (byte) layerIndex;
        }
        java.util.Arrays.fill(historySeq, -1);
    }

    /**
     * Offers the top layer but never sends it, as Chromium does while its estimate cannot carry
     * it (CHECKED.md, simulcast in Chromium); the lower layers and the audio go as before.
     */
    void silenceTopLayer() {
        if (layers.isEmpty()) {
            throw new IllegalStateException("not a simulcast publisher");
        }
        topLayerSilent = true;
    }

    /** Whether this publisher sends simulcast layers. */
    boolean simulcast() {
        return !layers.isEmpty();
    }

    /** The simulcast layers, lowest first (this one last); empty for a single-layer publisher. */
    java.util.List<MediaPattern> layers() {
        return layers;
    }

    /** The video stream (this one or a simulcast layer) whose media or RTX SSRC is {@code ssrc}; null if none. */
    MediaPattern videoStreamOf(int ssrc) {
        for (MediaPattern l : layers.isEmpty() ? java.util.List.of(this) : layers) {
            if (l.videoSsrc == ssrc || l.videoRtxSsrc == ssrc) {
                return l;
            }
        }
        return null;
    }

    /** Copies what the answer negotiated (payload types, mid, extension ids) from this pattern to its other layers. */
    void negotiatedToLayers() {
        for (MediaPattern l : layers) {
            if (l == this) {
                continue;
            }
            l.audioPt = audioPt;
            l.videoPt = videoPt;
            l.videoRtxPt = videoRtxPt;
            l.extMid = extMid;
            l.extAbsSendTime = extAbsSendTime;
            l.extTwcc = extTwcc;
            l.extAudioLevel = extAudioLevel;
            l.extRid = extRid;
            l.extRepairedRid = extRepairedRid;
            l.audioMid = audioMid;
            l.videoMid = videoMid;
        }
    }

    /** The layer index marked in a video payload at {@code p} of {@code len} bytes, or -1 when unmarked. */
    static int layerOf(byte[] b, int p, int len) {
        if (len < LAYER_MARK_OFFSET + 3 || b[p + LAYER_MARK_OFFSET] != LAYER_MAGIC[0]
                || b[p + LAYER_MARK_OFFSET + 1] != LAYER_MAGIC[1]) {
            return -1;
        }
        int i = b[p + LAYER_MARK_OFFSET + 2];
        return i >= 0 && i < LAYER_RIDS.length ? i : -1;
    }

    /** A fixed audio level (0-127 -dBov) for every audio packet from now on. */
    MediaPattern audioLevel(int level) {
        this.audioLevel = level;
        return this;
    }

    /** Where a packet goes once written: protect (or not) and send. */
    interface Sink {
        void send(byte[] buf, int off, int len);
    }

    /** Starts the clocks at {@code now} with a random phase, so many publishers do not send in lockstep. */
    void start(long now) {
        for (MediaPattern l : layers) {
            if (l != this) {
                l.start(now);
            }
        }
        started = true;
        nextAudio = now + random.nextInt(20_000_000);
        nextFrame = now + random.nextInt((int) FRAME_INTERVAL_NANOS);
        nextKeyframe = nextFrame;
    }

    boolean started() {
        return started;
    }

    /** No more media from now on; NACKs are still answered from the history. */
    void stop() {
        stopped = true;
        for (MediaPattern l : layers) {
            l.stopped = true;
        }
    }

    private boolean stopped;

    void requestKeyframe() {
        keyframeWanted = true;
    }

    long nextDeadline() {
        if (!started || stopped) {
            return Long.MAX_VALUE;
        }
        long d = video && !topLayerSilent ? Math.min(audio ? nextAudio : Long.MAX_VALUE, nextFrame) : nextAudio;
        for (MediaPattern l : layers) {
            if (l != this) {
                d = Math.min(d, l.nextDeadline());
            }
        }
        return d;
    }

    /** Sends everything due at {@code now}; returns the packets sent. */
    int emit(long now, byte[] buf, int off, Sink sink, RunStats stats) {
        if (stopped) {
            return 0;
        }
        int sent = 0;
        for (MediaPattern l : layers) {
            if (l != this) {
                sent += l.emit(now, buf, off, sink, stats);
            }
        }
        if (now - nextAudio > MAX_LAG_NANOS) {
            long skip = (now - nextAudio) / AUDIO_INTERVAL_NANOS;
            nextAudio += skip * AUDIO_INTERVAL_NANOS;
            audioTs += (int) (skip * 960);
        }
        while (audio && nextAudio <= now) {
            sent += audio(now, buf, off, sink, stats);
            nextAudio += AUDIO_INTERVAL_NANOS;
        }
        if (video && !topLayerSilent) {
            if (now - nextFrame > MAX_LAG_NANOS) {
                long skip = (now - nextFrame) / FRAME_INTERVAL_NANOS;
                nextFrame += skip * FRAME_INTERVAL_NANOS;
                videoTs += (int) (skip * 3000);
                skippedFrames += skip;
            }
            while (nextFrame <= now) {
                sent += frame(now, buf, off, sink, stats);
                nextFrame += FRAME_INTERVAL_NANOS;
            }
        }
        return sent;
    }

    private void extensions(long now, String mid, boolean audio) {
        extensions(now, mid, audio, false);
    }

    private void extensions(long now, String mid, boolean audio, boolean repair) {
        writer.clearExtensions();
        if (extMid > 0) {
            byte[] m = mid.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            writer.addExtension(extMid, m, 0, m.length);
        }
        if (extAbsSendTime > 0) {
            writer.addAbsSendTime(extAbsSendTime, AbsSendTime.fromNanos(now));
        }
        if (extTwcc > 0) {
            writer.addTransportSequenceNumber(extTwcc, twccCounter[0]++);
        }
        // As Chromium does: every packet of a layer names its rid, an RTX packet the rid it repairs.
        int ridId = repair ? extRepairedRid : extRid;
        if (!audio && ridBytes != null && ridId > 0) {
            writer.addExtension(ridId, ridBytes, 0, ridBytes.length);
        }
        if (audio && extAudioLevel > 0) {
            int level = audioLevel >= 0 ? audioLevel : 30 + random.nextInt(40);
            writer.addAudioLevel(extAudioLevel, level < 127, level);
        }
    }

    private int audio(long now, byte[] buf, int off, Sink sink, RunStats stats) {
        int len = 60 + random.nextInt(101);
        payload[0] = (byte) 0xfc; // Opus TOC: CELT fullband 20 ms, stereo, one frame (RFC 6716 §3.1)
        putLong(payload, SEND_TIME_OFFSET, System.nanoTime());
        writer.reset();
        writer.payloadType(audioPt).sequenceNumber(audioSeq++ & 0xffff).timestamp(audioTs).ssrc(audioSsrc).marker(false);
        extensions(now, audioMid, true);
        audioTs += 960;
        int n = writer.writeTo(buf, off, payload, 0, len);
        sink.send(buf, off, n);
        stats.packetsSent++;
        stats.bytesSent += n;
        return 1;
    }

    private int frame(long now, byte[] buf, int off, Sink sink, RunStats stats) {
        long frameBytesAvg = bitrate / 8 / 30;
        boolean key = keyframeWanted || now >= nextKeyframe;
        int size;
        if (key) {
            keyframeWanted = false;
            nextKeyframe = now + KEYFRAME_INTERVAL_NANOS;
            size = (int) (frameBytesAvg * 4);
            stats.keyframesSent++;
        } else {
            // Delta frames make up the rest of the 3-s budget: 89 of them share (90 - 4) averages.
            long delta = frameBytesAvg * 86 / 89;
            size = (int) Math.max(200, delta * (85 + random.nextInt(31)) / 100);
        }
        int packets = (size + MAX_PAYLOAD - 1) / MAX_PAYLOAD;
        int per = (size + packets - 1) / packets;
        int sent = 0;
        for (int p = 0; p < packets; p++) {
            int len = Math.max(SEND_TIME_OFFSET + 8, Math.min(per, size - p * per));
            if (p == 0) {
                payload[0] = 0x10; // VP8 descriptor: S=1, partition 0 (RFC 7741 §4.2)
                // VP8 frame tag (RFC 6386 §9.1): bit 0 is 0 for a key frame; show_frame set.
                payload[1] = (byte) (key ? 0x10 : 0x11);
                payload[2] = 0;
                payload[3] = 0;
                if (key) {
                    payload[4] = (byte) 0x9d; // key frame start code
                    payload[5] = 0x01;
                    payload[6] = 0x2a;
                    payload[7] = (byte) width; // 14-bit width, no scaling (640, or the layer's)
                    payload[8] = (byte) ((width >> 8) & 0x3f);
                    payload[9] = (byte) height; // 14-bit height (480, or the layer's)
                    payload[10] = (byte) ((height >> 8) & 0x3f);
                }
            } else {
                payload[0] = 0x00; // continuation of the partition
            }
            putLong(payload, SEND_TIME_OFFSET, System.nanoTime());
            writer.reset();
            int seq = videoSeq++ & 0xffff;
            writer.payloadType(videoPt).sequenceNumber(seq).timestamp(videoTs).ssrc(videoSsrc)
                    .marker(p == packets - 1);
            extensions(now, videoMid, false);
            remember(seq, videoTs, p == packets - 1, len);
            int n = writer.writeTo(buf, off, payload, 0, len);
            sink.send(buf, off, n);
            stats.packetsSent++;
            stats.bytesSent += n;
            sent++;
        }
        videoTs += 3000;
        return sent;
    }

    private void remember(int seq, int ts, boolean marker, int len) {
        int i = seq % VIDEO_HISTORY;
        if (historyPayload[i] == null) {
            historyPayload[i] = new byte[MAX_PAYLOAD];
        }
        System.arraycopy(payload, 0, historyPayload[i], 0, len);
        historySeq[i] = seq;
        historyLen[i] = len;
        historyTs[i] = ts;
        historyMarker[i] = marker;
    }

    /**
     * A NACK for our video (RFC 4585 §6.2.1): each sequence number still in the history goes out
     * again as RTX (RFC 4588 §4); returns how many did. The payload keeps its original send time,
     * so a receiver's latency figure includes the repair's delay.
     */
    int retransmit(int[] sequences, long now, byte[] buf, int off, Sink sink, RunStats stats) {
        int sent = 0;
        for (int seq : sequences) {
            int i = (seq & 0xffff) % VIDEO_HISTORY;
            if (historySeq[i] != (seq & 0xffff)) {
                stats.nacksUnanswerable++;
                continue;
            }
            rtxPayload[0] = (byte) (seq >>> 8);
            rtxPayload[1] = (byte) seq;
            System.arraycopy(historyPayload[i], 0, rtxPayload, 2, historyLen[i]);
            writer.reset();
            writer.payloadType(videoRtxPt).sequenceNumber(rtxSeq++ & 0xffff).timestamp(historyTs[i])
                    .ssrc(videoRtxSsrc).marker(historyMarker[i]);
            extensions(now, videoMid, false, true);
            int n = writer.writeTo(buf, off, rtxPayload, 0, historyLen[i] + 2);
            sink.send(buf, off, n);
            stats.retransmissionsSent++;
            sent++;
        }
        return sent;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
