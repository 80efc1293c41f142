package io.relaycast.load;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Counters of the whole run, kept on the media loop thread: every receiving stream, the
 * latency histogram of the current sampling interval and of the whole run, and counts of the
 * things that must not happen (SRTP authentication failures, signaling errors, failed setups).
 */
final class RunStats {
    final List<StreamStats> streams = new ArrayList<>();
    final Histogram intervalLatency = new Histogram();
    final Histogram totalLatency = new Histogram();
    long srtpAuthFailures;
    long otherDrops;
    /** Dropped datagrams by {@link io.relaycast.webrtc.DatagramOutcome}. */
    final TreeMap<String, Long> dropsByOutcome = new TreeMap<>();
    /**
     * ICE outcomes summed over the sessions when each connected: role-conflict 487s we sent
     * (the peer also claimed controlling) and error responses we got to our checks.
     */
    final TreeMap<String, Long> iceAtConnect = new TreeMap<>();
    /** Every WebRTC session of the run, for the ICE outcome totals at the end. */
    final List<WebRtcSession> sessions = new ArrayList<>();

    /** ICE outcomes of every session so far (non-zero counts only). */
    TreeMap<String, Long> iceTotals() {
        TreeMap<String, Long> t = new TreeMap<>();
        for (WebRtcSession s : sessions) {
            s.addIceCounts(t);
        }
        return t;
    }
    long packetsSent;
    long bytesSent;
    long keyframesSent;
    long plisReceived;
    long clientsConnected;
    long clientsFailed;
    /** Media packets thrown away by the simulated lossy downlink (--receive-loss). */
    long simulatedLosses;
    long nacksSent;
    /** RTX packets received (RFC 4588), and those that filled a gap this client had NACKed. */
    long retransmissionsReceived;
    long recovered;
    /** Publishers: NACKs received, RTX sent in answer, sequence numbers no longer in the history. */
    long nacksReceived;
    long retransmissionsSent;
    long nacksUnanswerable;
    /**
     * RTP packets thrown away by the simulated lossy uplink (--send-loss) before they left a
     * publisher: video media, video RTX, and audio.
     */
    long uplinkLostVideo;
    long uplinkLostRtx;
    long uplinkLostAudio;
    /** Error code (or failure reason) to count. */
    final TreeMap<String, Long> errors = new TreeMap<>();
    long intervalSentMark;

    void error(String what) {
        errors.merge(what, 1L, Long::sum);
    }

    StreamStats newStream(String receiverId, String publisherId, String kind, int ssrc, int clockRate) {
        StreamStats s = new StreamStats(receiverId, publisherId, kind, ssrc, clockRate);
        streams.add(s);
        return s;
    }

    void latency(long micros) {
        intervalLatency.record(micros);
        totalLatency.record(micros);
    }
}
