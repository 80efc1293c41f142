package io.relaycast.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.relaycast.rtcp.GenericNack;
import io.relaycast.rtcp.NtpTime;
import io.relaycast.rtcp.PictureLossIndication;
import io.relaycast.rtcp.ReceiverReport;
import io.relaycast.rtcp.ReportBlock;
import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpException;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.SenderReport;
import io.relaycast.rtcp.SourceDescription;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.rtp.RtpWriter;
import io.relaycast.srtp.SrtpException;
import io.relaycast.testing.SimulatedNetwork;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The media one side sends to the other in a simulation, and the bookkeeping that proves it
 * arrived intact: every RTP packet and RTCP compound is recorded in plaintext before it is
 * protected, and every delivery the receiver reports is checked against that record.
 */
final class MediaTraffic {

    /** One RTP stream of the sender. */
    record Stream(int ssrc, int payloadType, boolean video, int firstSequence) {
    }

    private record SentRtp(byte[] plaintext, int stream, int ordinal) {
    }

    static final int RTP = 0;
    static final int RTCP = 1;

    /** RFC 8285 ids as a browser would negotiate them. */
    static final int AUDIO_LEVEL_ID = 1;
    static final int ABS_SEND_TIME_ID = 2;
    static final int TRANSPORT_CC_ID = 3;
    /** Above 14, so packets carrying it need the two-byte form (RFC 8285 §4.3). */
    static final int TWO_BYTE_ONLY_ID = 20;

    private final String context;
    private final Random random;
    private final List<Stream> streams;
    private final int[] peerSsrcs;
    private final String cname;
    private final RtpWriter writer = new RtpWriter();
    private final RtpHeader header = new RtpHeader();
    private final byte[] buf = new byte[1500 + MediaTransport.MAX_PROTECT_OVERHEAD];
    private final byte[] payload = new byte[1200];
    private final int[] nextOrdinal;
    private final int[] highestOrdinalReceived;
    private final Map<Long, SentRtp> sentRtp = new HashMap<>();
    private final Set<Long> receivedRtp = new HashSet<>();
    private final Map<ByteBuffer, Integer> sentRtcp = new HashMap<>();
    private final Set<Integer> receivedRtcp = new HashSet<>();
    private final Set<Long> deliveredIds = new HashSet<>();
    private int rtpCount;
    private int rtcpCount;
    /** Per sender SSRC (compounds alternate between two), since SRTCP replay windows are per SSRC. */
    private final int[] highestRtcpReceived = {-1, -1};
    private int transportSequence;

    final int[] sent = new int[2];
    /** Distinct datagrams the network delivered (first copies), per kind. */
    final int[] delivered = new int[2];
    /** Second copies the network delivered, per kind. */
    final int[] duplicatesDelivered = new int[2];
    final int[] received = new int[2];
    /** Accepted although a later-sent packet of the same stream (RTP) or sender SSRC (RTCP) came first. */
    final int[] reorderedAccepted = new int[2];
    final int[] replaysRejected = new int[2];

    MediaTraffic(String context, long seed, List<Stream> streams, int[] peerSsrcs, String cname) {
        this.context = context;
        this.random = new Random(seed);
        this.streams = List.copyOf(streams);
        this.peerSsrcs = peerSsrcs.clone();
        this.cname = cname;
        this.nextOrdinal = new int[streams.size()];
        this.highestOrdinalReceived = new int[streams.size()];
        Arrays.fill(highestOrdinalReceived, -1);
    }

    // ------------------------------------------------------------------ sending

    /**
     * The next RTP packet, round robin over the streams, built with {@link RtpWriter}, recorded and
     * then protected by {@code sender}.
     *
     * @return the protected datagram
     */
    byte[] nextRtp(MediaTransport sender, long nowNanos) throws SrtpException {
        int s = rtpCount++ % streams.size();
        Stream stream = streams.get(s);
        int ordinal = nextOrdinal[s]++;
        int seq = (stream.firstSequence() + ordinal) & 0xffff;
        int payloadLength = stream.video() ? 200 + random.nextInt(1001) : 40 + random.nextInt(121);
        random.nextBytes(payload);
        writer.reset()
                .payloadType(stream.payloadType())
                .sequenceNumber(seq)
                .timestamp(ordinal * (stream.video() ? 3000 : 960))
                .ssrc(stream.ssrc())
                .addAbsSendTime(ABS_SEND_TIME_ID, (int) ((nowNanos << 18) / 1_000_000_000L))
                .addTransportSequenceNumber(TRANSPORT_CC_ID, transportSequence++);
        if (stream.video()) {
            // RFC 5761 §4 demultiplexes on the second octet: PT 96 with the marker bit is 224, still RTP.
            writer.marker(ordinal % 5 == 4);
            if (ordinal % 10 == 0) {
                writer.addExtension(TWO_BYTE_ONLY_ID, 0x0102030405L, 5);
            }
            if (ordinal % 7 == 0) {
                writer.addCsrc(stream.ssrc() ^ 0x5a5a);
            }
        } else {
            writer.addAudioLevel(AUDIO_LEVEL_ID, ordinal % 3 != 0, random.nextInt(128));
        }
        int length = writer.writeTo(buf, 0, payload, 0, payloadLength);
        long key = key(stream.ssrc(), seq);
        assertTrue(sentRtp.put(key, new SentRtp(Arrays.copyOf(buf, length), s, ordinal)) == null,
                context + ": sequence number reused");
        int protectedLength = sender.protectRtp(buf, 0, length);
        assertEquals(length + sender.srtpProfile().rtpTagLength(), protectedLength, context);
        sent[RTP]++;
        return Arrays.copyOf(buf, protectedLength);
    }

    /**
     * The next RTCP compound, cycling through SR + SDES, RR + PLI, RR + NACK and RR + SDES, from
     * two sender SSRCs (so SRTCP keeps two index sequences). The compound number goes into the
     * SR's packet count or the report block's extended highest sequence, so each is unique.
     */
    byte[] nextRtcp(MediaTransport sender, long nowNanos) throws SrtpException {
        int n = rtcpCount++;
        long ssrc = Integer.toUnsignedLong(streams.get(n % 2 == 0 ? 0 : streams.size() - 1).ssrc());
        long peerAudio = Integer.toUnsignedLong(peerSsrcs[0]);
        long peerVideo = Integer.toUnsignedLong(peerSsrcs[peerSsrcs.length - 1]);
        ReportBlock block = new ReportBlock(n % 2 == 0 ? peerAudio : peerVideo, random.nextInt(256),
                random.nextInt(1000), n, random.nextInt(5000), 0, 0);
        List<RtcpPacket> compound = switch (n % 4) {
            case 0 -> List.of(new SenderReport(ssrc, NtpTime.fromUnixNanos(1_700_000_000_000_000_000L + nowNanos),
                            Integer.toUnsignedLong(n * 960), n, n * 1000L, List.of(block)),
                    SourceDescription.cname(ssrc, cname));
            case 1 -> List.of(new ReceiverReport(ssrc, List.of(block)), new PictureLossIndication(ssrc, peerVideo));
            case 2 -> List.of(new ReceiverReport(ssrc, List.of(block)),
                    GenericNack.fromLostSequenceNumbers(ssrc, peerVideo, n, n + 2, n + 5, n + 40));
            default -> List.of(new ReceiverReport(ssrc, List.of(block)), SourceDescription.cname(ssrc, cname));
        };
        int length = RtcpCompound.write(compound, buf, 0);
        assertTrue(sentRtcp.put(ByteBuffer.wrap(Arrays.copyOf(buf, length)), n) == null, context);
        int protectedLength = sender.protectRtcp(buf, 0, length);
        assertEquals(length + sender.srtpProfile().rtcpOverhead(), protectedLength, context);
        sent[RTCP]++;
        return Arrays.copyOf(buf, protectedLength);
    }

    // ------------------------------------------------------------------ receiving

    /**
     * A delivery of one of this traffic's datagrams and what the receiving transport made of it;
     * the plaintext, if any, is in {@code delivery.data()} now.
     */
    void onDelivery(SimulatedNetwork.Delivery delivery, DatagramOutcome outcome, int plaintextLength) {
        byte[] data = delivery.data();
        int second = data[1] & 0xff;
        int kind = second >= 192 && second <= 223 ? RTCP : RTP;
        if (deliveredIds.add(delivery.id())) {
            delivered[kind]++;
        } else {
            duplicatesDelivered[kind]++;
        }
        switch (outcome) {
            case RTP -> {
                assertEquals(RTP, kind, context);
                checkRtp(data, plaintextLength);
            }
            case RTCP -> {
                assertEquals(RTCP, kind, context);
                checkRtcp(data, plaintextLength);
            }
            case DROPPED_SRTP_REPLAY -> replaysRejected[kind]++;
            default -> fail(context + ": media datagram #" + delivery.id() + " ended " + outcome);
        }
    }

    private void checkRtp(byte[] data, int length) {
        try {
            header.wrap(data, 0, length);
        } catch (RtpException e) {
            throw new AssertionError(context + ": unprotected RTP does not parse", e);
        }
        long key = key(header.ssrc(), header.sequenceNumber());
        SentRtp sentPacket = sentRtp.get(key);
        assertNotNull(sentPacket, context + ": received RTP that was never sent");
        assertArrayEquals(sentPacket.plaintext(), Arrays.copyOf(data, length),
                context + ": RTP ssrc " + Integer.toHexString(header.ssrc()) + " seq " + header.sequenceNumber());
        assertTrue(receivedRtp.add(key), context + ": RTP accepted twice");
        if (sentPacket.ordinal() < highestOrdinalReceived[sentPacket.stream()]) {
            reorderedAccepted[RTP]++;
        }
        highestOrdinalReceived[sentPacket.stream()] = Math.max(highestOrdinalReceived[sentPacket.stream()],
                sentPacket.ordinal());
        received[RTP]++;
    }

    private void checkRtcp(byte[] data, int length) {
        byte[] plaintext = Arrays.copyOf(data, length);
        Integer n = sentRtcp.get(ByteBuffer.wrap(plaintext));
        assertNotNull(n, context + ": received RTCP that was never sent");
        assertTrue(receivedRtcp.add(n), context + ": RTCP compound " + n + " accepted twice");
        List<RtcpPacket> packets;
        try {
            packets = RtcpCompound.parse(plaintext);
        } catch (RtcpException e) {
            throw new AssertionError(context + ": unprotected RTCP does not parse", e);
        }
        assertEquals(2, packets.size(), context);
        switch (n % 4) {
            case 0 -> assertInstanceOf(SenderReport.class, packets.get(0), context);
            case 1 -> assertInstanceOf(PictureLossIndication.class, packets.get(1), context);
            case 2 -> assertInstanceOf(GenericNack.class, packets.get(1), context);
            default -> assertInstanceOf(SourceDescription.class, packets.get(1), context);
        }
        if (n < highestRtcpReceived[n % 2]) {
            reorderedAccepted[RTCP]++;
        }
        highestRtcpReceived[n % 2] = Math.max(highestRtcpReceived[n % 2], n);
        received[RTCP]++;
    }

    private static long key(int ssrc, int seq) {
        return (Integer.toUnsignedLong(ssrc) << 16) | seq;
    }

    String figures(int kind) {
        return String.format("%d sent, %d delivered (+%d copies), %d received, %d reordered, %d replays rejected",
                sent[kind], delivered[kind], duplicatesDelivered[kind], received[kind], reorderedAccepted[kind],
                replaysRejected[kind]);
    }
}
