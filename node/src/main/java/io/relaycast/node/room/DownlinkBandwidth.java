package io.relaycast.node.room;

import io.relaycast.node.bwe.BandwidthAllocator;
import io.relaycast.node.bwe.SendSideEstimator;
import io.relaycast.node.media.DownTrack;
import io.relaycast.node.media.UpTrack;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.rtcp.TransportCcFeedback;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One subscriber's downlink as the node sees it (issue 10): the transport-wide sequence numbers
 * of the packets the node sends it, the send-side estimate its transport-cc feedback gives, and
 * the allocation of that estimate to the video tracks it receives. The estimate's probes go
 * out as padding on one of its video streams. Lives on the room's worker thread; time is passed in.
 */
final class DownlinkBandwidth {
    /** Floor and ceiling of the estimate: one low layer always fits; no client link is faster. */
    static final long MIN_BPS = 100_000;
    static final long MAX_BPS = 50_000_000;
    /** Where a new subscriber's estimate starts: enough for a middle layer, as browsers start near 300 kbps. */
    static final long START_BPS = 1_000_000;
    /** The cost assumed for a lowest layer (or a paused single-layer track) whose rate was never measured here. */
    static final long UNKNOWN_LAYER_BPS = 300_000;

    private final SendSideEstimator estimator = new SendSideEstimator(MIN_BPS, MAX_BPS, START_BPS);
    private final BandwidthAllocator allocator = new BandwidthAllocator();
    private static final Logger LOG = Logger.getLogger(DownlinkBandwidth.class.getName());
    private final NodeMetrics metrics;
    private final String peerId;
    private int nextSequence;
    private long feedbackPackets;
    private long nextSampleNanos;
    /** The rate a track without simulcast had when the allocator paused it (see allocate). */
    private final java.util.Map<DownTrack, Long> pausedCost = new java.util.HashMap<>();

    DownlinkBandwidth(NodeMetrics metrics, String peerId) {
        this.metrics = metrics;
        this.peerId = peerId;
    }

    /** Numbers a packet about to be sent and remembers it for the feedback. */
    int onSending(int length, boolean probe, long nowNanos) {
        int seq = nextSequence;
        nextSequence = (nextSequence + 1) & 0xffff;
        estimator.onPacketSent(seq, length, nowNanos, probe);
        return seq;
    }

    void onFeedback(TransportCcFeedback fb, long nowNanos) {
        feedbackPackets++;
        estimator.onFeedback(fb, nowNanos);
    }

    /**
     * Shares the estimate among the subscriber's video tracks (audio first: it is never dropped
     * for video), tells each simulcast DownTrack the layer it may send and pauses a track without
     * simulcast that does not fit (BandwidthAllocator), asks the estimator to probe when an
     * upgrade or a paused track needs more than it has, and sends the padding a probe calls for.
     */
    void allocate(List<DownTrack> tracks, long nowNanos) {
        boolean sample = feedbackPackets > 0 && nowNanos >= nextSampleNanos;
        if (sample) {
            nextSampleNanos = nowNanos + 1_000_000_000L;
            metrics.downlinkEstimate(estimator.estimateBps());
        }
        if (feedbackPackets == 0) {
            // A client that negotiated transport-cc but sends no feedback (some non-browser
            // stacks) gives no estimate: its layers follow its preferences alone, not a guess.
            return;
        }
        long audioBps = 0;
        List<DownTrack> video = new ArrayList<>();
        List<BandwidthAllocator.Track> demands = new ArrayList<>();
        List<List<UpTrack>> layersOf = new ArrayList<>();
        for (DownTrack d : tracks) {
            if (!d.isActive()) {
                continue;
            }
            if (!d.source().isVideo()) {
                audioBps += d.source().bitrateBps();
            } else if (!d.source().isSimulcast()) {
                // One layer, at whatever rate its publisher sends: the allocator may have to pause it.
                UpTrack only = d.source();
                long cost = only.peakBitrateBps();
                if (d.isPausedForBandwidth() && cost == 0) {
                    // Relayed and received by nobody else here, it stopped crossing when paused:
                    // its last rate stands, or it would look free and be resumed, then paused.
                    cost = pausedCost.getOrDefault(d, UNKNOWN_LAYER_BPS);
                }
                video.add(d);
                layersOf.add(List.of(only));
                demands.add(new BandwidthAllocator.Track(
                        List.of(new BandwidthAllocator.Layer(cost, only.height(), only.fps())),
                        Integer.MAX_VALUE, Integer.MAX_VALUE, d.isPaused(), 0, d.isPausedForBandwidth() ? -1 : 0, true));
            } else {
                List<UpTrack> ranked = d.rankedLayers(nowNanos);
                List<BandwidthAllocator.Layer> layers = new ArrayList<>(ranked.size());
                long previous = 0;
                for (int j = 0; j < ranked.size(); j++) {
                    UpTrack l = ranked.get(j);
                    long cost = l.peakBitrateBps();
                    if (cost == 0) {
                        // A relayed layer nobody here has received yet has no measured rate; free it
                        // is not: count it as simulcast's usual step up (each layer about 4x the
                        // pixels of the one below), or the allocator would switch to it and back.
                        cost = previous > 0 ? previous * 3 : UNKNOWN_LAYER_BPS;
                    }
                    previous = cost;
                    layers.add(new BandwidthAllocator.Layer(cost, DownTrack.expectedHeight(ranked, j), l.fps()));
                }
                video.add(d);
                layersOf.add(ranked);
                demands.add(new BandwidthAllocator.Track(layers, d.maxHeight(), d.maxFps(), d.isPaused(), 0,
                        ranked.indexOf(d.currentLayer())));
            }
        }
        pausedCost.keySet().retainAll(video);
        if (video.isEmpty()) {
            if (sample) {
                LOG.fine(() -> "peer " + peerId + " downlink: " + estimator.describe());
            }
            return;
        }
        long available = Math.max(0, estimator.estimateBps() - audioBps);
        int[] choice = allocator.allocate(available, demands);
        for (int i = 0; i < video.size(); i++) {
            DownTrack d = video.get(i);
            List<UpTrack> ranked = layersOf.get(i);
            int c = choice[i];
            UpTrack chosen = c >= 0 && c < ranked.size() ? ranked.get(c) : null;
            boolean changed;
            if (d.source().isSimulcast()) {
                changed = d.allocate(chosen, nowNanos);
            } else {
                changed = d.pauseForBandwidth(chosen == null && !d.isPaused(), nowNanos);
                if (d.isPausedForBandwidth()) {
                    pausedCost.putIfAbsent(d, demands.get(i).layers().get(0).bitrateBps());
                } else {
                    pausedCost.remove(d);
                }
            }
            if (changed && LOG.isLoggable(Level.FINE)) {
                LOG.fine("peer " + peerId + " downlink: " + d.source().id() + " allocated "
                        + (chosen == null ? "nothing" : d.source().isSimulcast() ? chosen.rid() : "its one layer")
                        + " of " + available / 1000 + " kbps for video, layers "
                        + demands.get(i).layers().stream().map(l -> l.bitrateBps() / 1000 + "k").toList()
                        + "; " + estimator.describe());
            }
        }
        long wanted = allocator.nextUpgradeBps();
        if (sample && LOG.isLoggable(Level.FINE)) {
            StringBuilder b = new StringBuilder("peer ").append(peerId).append(" downlink: ").append(estimator.describe())
                    .append("; ").append(available / 1000).append(" kbps for video");
            for (int i = 0; i < video.size(); i++) {
                b.append("; ").append(video.get(i).source().id()).append(" gets ").append(choice[i]).append(" of");
                List<UpTrack> ranked = layersOf.get(i);
                for (int j = 0; j < ranked.size(); j++) {
                    b.append(' ').append(ranked.get(j).rid()).append(':')
                            .append(demands.get(i).layers().get(j).bitrateBps() / 1000).append('k');
                }
            }
            LOG.fine(b.append("; next upgrade needs ").append(wanted / 1000).append(" kbps").toString());
        }
        if (wanted > available) {
            estimator.wantRate(wanted + audioBps, nowNanos);
        }
        int padding = estimator.paddingBytesDue(nowNanos);
        for (DownTrack d : video) {
            while (padding > 0) {
                int sent = d.sendPadding(padding, nowNanos);
                if (sent == 0) {
                    break;
                }
                metrics.probeBytes(sent);
                padding -= sent;
            }
        }
    }
}
