package io.relaycast.node.media;

import io.relaycast.webrtc.DatagramOutcome;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-worker packet counters. Written only by the worker's own thread; read by the metrics scrape
 * from another thread, hence the lazy (release) writes: no lock prefix on the packet path, and the
 * scrape sees values at most a moment old.
 */
public final class MediaCounters {

    /** Why a datagram was dropped, as the {@code reason} label of {@code relaycast_drops_total}. */
    public enum Drop {
        /** First byte outside the RFC 7983 ranges for STUN, DTLS and RTP/RTCP. */
        UNKNOWN_PROTOCOL,
        /** STUN that does not parse. */
        MALFORMED_STUN,
        /** STUN for no ICE session on this worker, or failing its integrity check. */
        ICE_REJECTED,
        /** DTLS or SRTP from an address that has not passed ICE. */
        UNVALIDATED_SOURCE,
        /**
         * SRTP or SRTCP from the address ICE chose, before the DTLS handshake gave its keys: a
         * client that sends media as soon as its own side of the handshake is done, ahead of ours.
         */
        NOT_CONNECTED,
        /** A datagram for a transport that has closed (a peer leaving, a failed handshake). */
        TRANSPORT_CLOSED,
        /** RTP/RTCP that fails SRTP authentication or replay checks. */
        SRTP_REJECTED,
        /** RTP/RTCP that does not parse after decryption. */
        MALFORMED_RTP,
        /** RTP from an SSRC the publisher did not negotiate and that no rule admits. */
        UNKNOWN_SSRC,
        /** A datagram for a socket that is not open (a worker stopping or not yet started). */
        SEND_FAILED,
        /**
         * The socket's queue in user space is past its high-water mark: the kernel has not taken
         * what was written, and dropping is what a router would do.
         */
        SEND_QUEUE_FULL,
        /** An error the socket reported (ICMP unreachable and the like), counted, not thrown. */
        SOCKET_ERROR,
        /** SRTP/SRTCP protection refused an outgoing packet (malformed header, index exhausted). */
        PROTECT_FAILED,
        /** RTP beyond a peer's packet-rate limit. */
        RATE_LIMITED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** The reason a dropping outcome of a media transport is counted under. */
        public static Drop of(DatagramOutcome outcome) {
            return switch (outcome) {
                case DROPPED_UNKNOWN_PROTOCOL -> UNKNOWN_PROTOCOL;
                case DROPPED_MALFORMED_STUN -> MALFORMED_STUN;
                case DROPPED_ICE_REJECTED -> ICE_REJECTED;
                case DROPPED_UNVALIDATED_SOURCE -> UNVALIDATED_SOURCE;
                case DROPPED_NOT_CONNECTED -> NOT_CONNECTED;
                case DROPPED_SRTP_MALFORMED, DROPPED_SRTP_AUTH, DROPPED_SRTP_REPLAY, DROPPED_SRTP_LIMIT ->
                        SRTP_REJECTED;
                case DROPPED_CLOSED -> TRANSPORT_CLOSED;
                case CONSUMED, RTP, RTCP -> throw new IllegalArgumentException(outcome + " is not a drop");
            };
        }
    }

    private static final int PACKETS_IN = 0;
    private static final int BYTES_IN = 1;
    private static final int PACKETS_OUT = 2;
    private static final int BYTES_OUT = 3;
    private static final int FORWARDED = 4;
    private static final int RETRANSMITTED = 5;
    private static final int NACKS = 6;
    private static final int KEYFRAMES_RECEIVED = 7;
    private static final int KEYFRAMES_SENT = 8;
    private static final int NACKS_SENT = 9;
    private static final int UPLINK_RECOVERED = 10;
    private static final int UPLINK_GIVEN_UP = 11;
    private static final int AUDIO_NOT_LOUDEST = 12;
    private static final int FIXED = 13;

    private final AtomicLongArray values = new AtomicLongArray(FIXED + Drop.values().length);

    private void add(int index, long delta) {
        values.lazySet(index, values.get(index) + delta);
    }

    public void received(int bytes) {
        add(PACKETS_IN, 1);
        add(BYTES_IN, bytes);
    }

    public void sent(int bytes) {
        add(PACKETS_OUT, 1);
        add(BYTES_OUT, bytes);
    }

    /** One RTP packet forwarded to one subscriber. */
    public void forwarded() {
        add(FORWARDED, 1);
    }

    /** One packet resent to a subscriber from the retransmission cache. */
    public void retransmitted() {
        add(RETRANSMITTED, 1);
    }

    /** A NACK feedback packet from a subscriber. */
    public void nackReceived() {
        add(NACKS, 1);
    }

    /** A PLI or FIR from a subscriber. */
    public void keyframeRequestReceived() {
        add(KEYFRAMES_RECEIVED, 1);
    }

    /** A PLI sent to a publisher. */
    public void keyframeRequestSent() {
        add(KEYFRAMES_SENT, 1);
    }

    /** A NACK feedback packet sent to a publisher (its uplink loss, or what subscribers missed). */
    public void nackSent() {
        add(NACKS_SENT, 1);
    }

    /** A packet lost on a publisher's uplink, repaired by its retransmission and forwarded. */
    public void uplinkRecovered() {
        add(UPLINK_RECOVERED, 1);
    }

    /** Packets lost on a publisher's uplink that the node stopped asking for. */
    public void uplinkGivenUp(long packets) {
        add(UPLINK_GIVEN_UP, packets);
    }

    /** An audio packet not forwarded to one subscriber: its publisher is not among the room's loudest. */
    public void audioNotLoudest() {
        add(AUDIO_NOT_LOUDEST, 1);
    }

    public long audioNotLoudestPackets() {
        return values.get(AUDIO_NOT_LOUDEST);
    }

    public long nacksSent() {
        return values.get(NACKS_SENT);
    }

    public long uplinkRecoveredPackets() {
        return values.get(UPLINK_RECOVERED);
    }

    public long uplinkGivenUpPackets() {
        return values.get(UPLINK_GIVEN_UP);
    }

    public long nacksReceived() {
        return values.get(NACKS);
    }

    public long keyframeRequestsReceived() {
        return values.get(KEYFRAMES_RECEIVED);
    }

    public long keyframeRequestsSent() {
        return values.get(KEYFRAMES_SENT);
    }

    public long retransmittedPackets() {
        return values.get(RETRANSMITTED);
    }

    public void dropped(Drop reason) {
        add(FIXED + reason.ordinal(), 1);
    }

    public long packetsIn() {
        return values.get(PACKETS_IN);
    }

    public long bytesIn() {
        return values.get(BYTES_IN);
    }

    public long packetsOut() {
        return values.get(PACKETS_OUT);
    }

    public long bytesOut() {
        return values.get(BYTES_OUT);
    }

    public long forwardedPackets() {
        return values.get(FORWARDED);
    }

    public long drops(Drop reason) {
        return values.get(FIXED + reason.ordinal());
    }
}
