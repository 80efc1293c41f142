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
    /** The clients' DTLS counters (flights resent, datagrams dropped) summed at their connect. */
    final TreeMap<String, Long> dtlsAtConnect = new TreeMap<>();
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
    /** Offers the server sent to the clients (Relaycast's renegotiations), all clients together. */
    long serverOffers;
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

    /** Per receiving client (harness name), the peer ids of the dominantSpeaker messages it got, in order. */
    final TreeMap<String, List<String>> dominantSpeakers = new TreeMap<>();

    /** Per receiving client (harness name), per trackId, the rids of the layer messages it got, in order. */
    final TreeMap<String, java.util.Map<String, List<String>>> layerMessages = new TreeMap<>();
    /** Per receiving client, when its first layer message for each rid arrived (System.nanoTime). */
    final TreeMap<String, java.util.Map<String, Long>> firstLayerMessageNanos = new TreeMap<>();
    /** Receivers that asked for lower layers (--prefer-height). */
    final java.util.Set<String> preferringReceivers = new java.util.TreeSet<>();

    void layerMessage(String receiver, String trackId, String rid, long now) {
        layerMessages.computeIfAbsent(receiver, r -> new TreeMap<>())
                .computeIfAbsent(trackId, t -> new ArrayList<>()).add(rid);
        firstLayerMessageNanos.computeIfAbsent(receiver, r -> new TreeMap<>()).putIfAbsent(String.valueOf(rid), now);
    }

    void dominantSpeaker(String receiver, String peerId) {
        dominantSpeakers.computeIfAbsent(receiver, r -> new ArrayList<>()).add(peerId);
    }

    void error(String what) {
        errors.merge(what, 1L, Long::sum);
    }

    StreamStats newStream(String receiverId, String publisherId, String kind, int ssrc, int clockRate) {
        StreamStats s = new StreamStats(receiverId, publisherId, kind, ssrc, clockRate);
        s.inProgressCall = inProgressReceiver.test(receiverId);
        streams.add(s);
        return s;
    }

    /**
     * Join storm (--storm): the phase the run is in (set by the harness through the loop), which
     * receivers are in the calls in progress (the joiners' own streams are not counted), and those
     * calls' latency before and during it.
     */
    static final int STORM_NONE = 0;
    static final int STORM_BASELINE = 1;
    static final int STORM_DURING = 2;
    static final int STORM_AFTER = 3;
    int stormPhase = STORM_NONE;
    java.util.function.Predicate<String> inProgressReceiver = r -> true;
    final Histogram stormBaseline = new Histogram();
    final Histogram stormDuring = new Histogram();
    /** The calls in progress: the worst per-second p99 of the storm phase, in µs. */
    final Histogram stormInterval = new Histogram();
    long stormWorstSecondP99Micros;

    void latency(StreamStats s, long micros) {
        intervalLatency.record(micros);
        totalLatency.record(micros);
        if (!s.inProgressCall) {
            return;
        }
        if (stormPhase == STORM_BASELINE) {
            stormBaseline.record(micros);
        } else if (stormPhase == STORM_DURING) {
            stormDuring.record(micros);
            stormInterval.record(micros);
        }
    }

    /** Once a second (sampler): closes the storm phase's per-second p99. */
    void stormSecond() {
        if (stormInterval.count() > 0) {
            stormWorstSecondP99Micros = Math.max(stormWorstSecondP99Micros, stormInterval.quantile(0.99));
        }
        stormInterval.clear();
    }
}
