package io.relaycast.node.media;

import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.SenderReport;
import io.relaycast.rtcp.SourceDescription;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpExtensionIdMap;
import io.relaycast.rtp.RtpHeader;

import java.util.List;

/**
 * One subscriber's copy of a published track. Every packet is copied, rewritten to what this
 * subscriber negotiated (SSRC, payload type, header-extension ids, sequence number and timestamp
 * with a fixed offset so both stay continuous), SRTP-protected with the subscriber's keys and sent.
 * Lives on the room's worker thread.
 */
public final class DownTrack {
    /** Sink for a subscriber's protected packets: its transport. */
    public interface Sink {
        void sendRtp(byte[] buf, int off, int len);

        void sendRtcp(byte[] buf, int off, int len);

        /** The SSRC the subscriber's session uses as sender of its RTCP. */
        int rtcpSenderSsrc();
    }

    private final UpTrack source;
    private final Sink sink;
    private final MediaWorker worker;
    private final int ssrc;
    private final int rtxSsrc;
    private final int payloadType;
    private final int rtxPayloadType;
    private final RtpExtensionIdMap extensionMap;
    private final int seqOffset;
    private final int tsOffset;
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

    /**
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

    /** Starts forwarding (the subscriber accepted the m-line); a video track asks for a keyframe. */
    public void activate(long nowNanos) {
        if (!active) {
            active = true;
            source.addDownTrack(this);
            source.requestKeyframe(nowNanos);
        }
    }

    /** Stops forwarding for good. */
    public void deactivate() {
        if (active) {
            active = false;
            source.removeDownTrack(this);
        }
    }

    void forward(RtpHeader in) {
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
        out.setSequenceNumber((in.sequenceNumber() + seqOffset) & 0xffff);
        out.setTimestamp(in.timestamp() + tsOffset);
        out.setPayloadType(payloadType);
        packetsSent++;
        octetsSent += out.payloadLength();
        sink.sendRtp(scratch, 0, len);
        worker.counters().forwarded();
    }

    /**
     * Answers a subscriber's NACK (RFC 4585 §6.2.1) from the publisher's cache, as RTX (RFC 4588)
     * because SRTP must not protect the same index twice; packets the cache no longer holds are
     * asked for upstream.
     */
    public void onNack(int[] lostSequences) {
        if (!active) {
            return;
        }
        for (int subSeq : lostSequences) {
            int pubSeq = (subSeq - seqOffset) & 0xffff;
            byte[] scratch = worker.scratch();
            int len = source.copyCached(pubSeq, scratch, 0);
            if (len < 0 || !hasRtx()) {
                continue;
            }
            try {
                out.wrap(scratch, 0, len);
                out.remapExtensionIds(extensionMap);
            } catch (RtpException e) {
                continue;
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
            sink.sendRtp(scratch, 0, headerLen + 2 + payloadLen);
            worker.counters().retransmitted();
        }
        source.flushUpstreamNacks();
    }

    /**
     * Translates the publisher's sender report (RFC 3550 §6.4.1) into this stream's numbering so the
     * subscriber's browser can line up audio and video of one publisher (same CNAME, same NTP clock).
     */
    void onSourceSenderReport(long ntp, long rtpTimestamp) {
        if (!active) {
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
