package io.relaycast.node.relay;

/**
 * This media worker's relay link with one media worker of another node: the batch being built
 * for it, the frames sent but not yet acknowledged, the byte budget, and the acknowledgements
 * owed to it for what it sent us. Sans-IO: time is passed in and frames leave through
 * {@link Output}; all calls come from the owning worker's thread.
 *
 * <p>Flow control. The event bus gives no back-pressure (a write to a slow node's TCP connection
 * is queued in memory without bound), so the link counts the bytes of every frame from its send
 * until the remote worker acknowledges it (acknowledgements ride on frames going back, or go
 * alone at most every {@link #ACK_INTERVAL_NANOS}). Queued bytes = unacknowledged + batch being
 * built. Above half the budget no video is queued (its track sheds video until a keyframe, see
 * {@link RelaySink}); above the budget no audio; control records have a little headroom above
 * that. So a slow, paused or dead node costs at most about {@code 1.25 x budget} of memory, and
 * audio is never dropped while video could be.
 */
final class RelayLink {
    /** Frames move on at the end of an event-loop turn, or as soon as a batch reaches this size. */
    static final int MAX_FRAME_BYTES = 32 * 1024;
    /** Stand-alone acknowledgements at most this often; otherwise they ride on data frames. */
    static final long ACK_INTERVAL_NANOS = 5_000_000L;
    private static final int MAX_IN_FLIGHT_FRAMES = 1024;

    /** Where frames go: the event-bus adapter. */
    interface Output {
        void send(RelayLink link, RelayFrame frame);

        /** The link has something to send; flush it at the end of this turn. */
        void dirty(RelayLink link);
    }

    private final String remoteBusNodeId;
    private final int remoteWorker;
    private final String remoteNodeId;
    private final String address;
    private final RelayFrameWriter writer;
    private final Output output;
    private final long budget;

    // frames in flight: a ring of (sequence, bytes, send time)
    private final int[] flightSeq = new int[MAX_IN_FLIGHT_FRAMES];
    private final int[] flightBytes = new int[MAX_IN_FLIGHT_FRAMES];
    private final long[] flightSent = new long[MAX_IN_FLIGHT_FRAMES];
    private int flightHead;
    private int flightCount;
    private long inFlightBytes;
    private int nextSeq = 1;

    // acknowledgements we owe the remote worker
    private int highestReceived;
    private long highestReceivedAt;
    private boolean ackOwed;
    private long lastAckSentAt = Long.MIN_VALUE / 2;

    private boolean dirty;
    private long smoothedRttNanos = -1;

    // counters, read by metrics from another thread (stale reads are fine for counters)
    long framesOut;
    long bytesOut;
    long packetsOut;
    long framesIn;
    long bytesIn;
    long packetsIn;
    /** Tracks that resumed at a keyframe after shedding video. */
    long keyframeResumes;
    /** SUBSCRIBEs sent again because a subscribed stream carried nothing (RelayUpstream). */
    long resubscribes;
    final long[] drops = new long[RelayDrop.values().length];

    RelayLink(String remoteBusNodeId, int remoteWorker, String remoteNodeId, String address, RelayFrameWriter writer,
              long budget, Output output) {
        this.remoteBusNodeId = remoteBusNodeId;
        this.remoteWorker = remoteWorker;
        this.remoteNodeId = remoteNodeId;
        this.address = address;
        this.writer = writer;
        this.budget = budget;
        this.output = output;
    }

    String remoteBusNodeId() {
        return remoteBusNodeId;
    }

    int remoteWorker() {
        return remoteWorker;
    }

    String remoteNodeId() {
        return remoteNodeId;
    }

    String address() {
        return address;
    }

    long budget() {
        return budget;
    }

    /** Bytes sent and not yet acknowledged, plus the batch being built. */
    long queuedBytes() {
        return inFlightBytes + writer.recordBytes();
    }

    /** Smoothed round-trip time to the remote worker (RFC 6298 §2 weights), or -1 before a sample. */
    long rttNanos() {
        return smoothedRttNanos;
    }

    /** Whether the queue has fallen far enough below the budget for a shedding track to resume. */
    boolean recovered() {
        return queuedBytes() < budget / 4 && flightCount < MAX_IN_FLIGHT_FRAMES / 2;
    }

    void count(RelayDrop reason) {
        drops[reason.ordinal()]++;
    }

    // ------------------------------------------------------------------ sending

    /**
     * Queues an RTP or RETRANSMISSION record if the budget allows it for its kind.
     *
     * @return false when it was dropped for the budget (not counted here: the caller knows why)
     */
    boolean packet(int type, int stream, boolean video, byte[] src, int off, int len, long nowNanos) {
        int body = 4 + len;
        long limit = video ? budget / 2 : budget;
        if (queuedBytes() + RelayFrame.RECORD_HEADER + body > limit || flightCount >= MAX_IN_FLIGHT_FRAMES) {
            return false;
        }
        if (!room(body, nowNanos)) {
            return false;
        }
        writer.packet(type, stream, src, off, len);
        packetsOut++;
        return true;
    }

    void senderReport(int stream, long ntp, long rtpTimestamp, long nowNanos) {
        if (control(16, nowNanos)) {
            writer.senderReport(stream, ntp, rtpTimestamp);
        }
    }

    void subscribe(int stream, byte[] roomId, byte[] trackKey, long nowNanos) {
        if (control(4 + 2 + roomId.length + trackKey.length, nowNanos)) {
            writer.subscribe(stream, roomId, trackKey);
        }
    }

    /** UNSUBSCRIBE or KEYFRAME_REQUEST. */
    void streamOnly(int type, int stream, long nowNanos) {
        if (control(4, nowNanos)) {
            writer.streamOnly(type, stream);
        }
    }

    /** LIVE_LAYERS; false when the budget refused it (the caller tries again later). */
    boolean liveLayers(int stream, int mask, long nowNanos) {
        if (control(5, nowNanos)) {
            writer.liveLayers(stream, mask);
            return true;
        }
        return false;
    }

    void nack(int stream, int[] sequences, int count, long nowNanos) {
        if (control(RelayFrameWriter.nackBody(count), nowNanos)) {
            writer.nack(stream, sequences, count);
        }
    }

    private boolean control(int body, long nowNanos) {
        if (queuedBytes() + RelayFrame.RECORD_HEADER + body > budget + budget / 4
                || flightCount >= MAX_IN_FLIGHT_FRAMES || !room(body, nowNanos)) {
            count(RelayDrop.BUDGET_CONTROL);
            return false;
        }
        return true;
    }

    /** Makes room for a record in the batch (sending the full batch first) and marks the link dirty. */
    private boolean room(int body, long nowNanos) {
        if (writer.headerLength() + RelayFrame.RECORD_HEADER + body > writer.capacity()) {
            return false; // larger than any frame: cannot be relayed
        }
        if (!writer.fits(body)) {
            flush(nowNanos);
        }
        if (!dirty) {
            dirty = true;
            output.dirty(this);
        }
        return true;
    }

    /**
     * Sends the batch, with the acknowledgement owed piggybacked; or, with no batch, an
     * acknowledgement alone if one is owed and the last one left long enough ago.
     */
    void flush(long nowNanos) {
        dirty = false;
        if (writer.records() > 0) {
            // Every append checked that the ring has a free slot for the frame it goes in.
            assert flightCount < MAX_IN_FLIGHT_FRAMES;
            int seq = nextSeq;
            nextSeq++;
            if (nextSeq == 0) {
                nextSeq = 1; // 0 marks an acknowledgement-only frame
            }
            RelayFrame f = finish(seq, nowNanos);
            int slot = (flightHead + flightCount) % MAX_IN_FLIGHT_FRAMES;
            flightSeq[slot] = seq;
            flightBytes[slot] = f.length();
            flightSent[slot] = nowNanos;
            flightCount++;
            inFlightBytes += f.length();
            output.send(this, f);
        } else if (ackOwed && nowNanos - lastAckSentAt >= ACK_INTERVAL_NANOS) {
            output.send(this, finish(0, nowNanos));
        }
    }

    private RelayFrame finish(int seq, long nowNanos) {
        int delayMicros = 0;
        if (ackOwed) {
            delayMicros = (int) Math.min(Integer.MAX_VALUE, Math.max(0, (nowNanos - highestReceivedAt) / 1000));
            ackOwed = false;
            lastAckSentAt = nowNanos;
        }
        RelayFrame f = writer.finish(seq, highestReceived, delayMicros);
        framesOut++;
        bytesOut += f.length();
        return f;
    }

    /** Periodic: an acknowledgement held back by the interval goes out now. */
    void tick(long nowNanos) {
        if (ackOwed && writer.records() == 0) {
            flush(nowNanos);
        }
    }

    // ------------------------------------------------------------------ receiving

    /**
     * A frame from the remote worker arrived: it owes us nothing more up to {@code ackSeq}, and we
     * owe it an acknowledgement of {@code frameSeq} (unless it is an acknowledgement-only frame).
     */
    void onFrame(int frameSeq, int ackSeq, int ackDelayMicros, int bytes, long nowNanos) {
        framesIn++;
        bytesIn += bytes;
        if (frameSeq != 0) {
            highestReceived = frameSeq;
            highestReceivedAt = nowNanos;
            ackOwed = true;
            if (!dirty) {
                dirty = true;
                output.dirty(this);
            }
        }
        if (ackSeq != 0) {
            acknowledge(ackSeq, ackDelayMicros, nowNanos);
        }
    }

    /** Cumulative: frames up to {@code ackSeq} arrived (earlier ones that did not never will). */
    private void acknowledge(int ackSeq, int ackDelayMicros, long nowNanos) {
        while (flightCount > 0) {
            int seq = flightSeq[flightHead];
            // Sequence numbers grow by one per frame; compare by distance so a wrap cannot fool us.
            if (ackSeq - seq < 0) {
                return;
            }
            if (seq == ackSeq) {
                long sample = nowNanos - flightSent[flightHead] - ackDelayMicros * 1000L;
                if (sample >= 0) {
                    smoothedRttNanos = smoothedRttNanos < 0 ? sample : (7 * smoothedRttNanos + sample) / 8;
                }
            }
            inFlightBytes -= flightBytes[flightHead];
            flightHead = (flightHead + 1) % MAX_IN_FLIGHT_FRAMES;
            flightCount--;
        }
    }

    void packetReceived() {
        packetsIn++;
    }
}
