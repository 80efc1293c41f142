package io.relaycast.node.room;

import io.relaycast.node.bwe.BandwidthAllocator;
import io.relaycast.node.bwe.SendSideEstimator;
import io.relaycast.node.media.DownTrack;
import io.relaycast.node.media.UpTrack;
import io.relaycast.node.observe.NodeMetrics;
import io.relaycast.rtcp.TransportCcFeedback;

import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber's downlink as the node sees it (issue 10): the transport-wide sequence numbers
 * of the packets the node sends it, the send-side estimate its transport-cc feedback gives, and
 * the allocation of that estimate to the simulcast tracks it receives. The estimate's probes go
 * out as padding on one of its video streams. Lives on the room's worker thread; time is passed in.
 */
final class DownlinkBandwidth {
    /** Floor and ceiling of the estimate: one low layer always fits; no client link is faster. */
    static final long MIN_BPS = 100_000;
    static final long MAX_BPS = 50_000_000;
    /** Where a new subscriber's estimate starts: enough for a middle layer, as browsers start near 300 kbps. */
    static final long START_BPS = 1_000_000;
    /** The cost assumed for a lowest layer whose rate was never measured here. */
    static final long UNKNOWN_LAYER_BPS = 300_000;

    private final SendSideEstimator estimator = new SendSideEstimator(MIN_BPS, MAX_BPS, START_BPS);
    private final BandwidthAllocator allocator = new BandwidthAllocator();
    private final NodeMetrics metrics;
    private int nextSequence;
    private long feedbackPackets;
    private long nextSampleNanos;

    DownlinkBandwidth(NodeMetrics metrics) {
        this.metrics = metrics;
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
     * Shares the estimate among the subscriber's simulcast tracks (audio first: it is never
     * dropped for video), tells each DownTrack the layer it may send, asks the estimator to probe
     * when an upgrade needs more than it has, and sends the padding a probe calls for.
     */
    void allocate(List<DownTrack> tracks, long nowNanos) {
        if (feedbackPackets > 0 && nowNanos >= nextSampleNanos) {
            nextSampleNanos = nowNanos + 1_000_000_000L;
            metrics.downlinkEstimate(estimator.estimateBps());
        }
        if (feedbackPackets == 0) {
            // A client that negotiated transport-cc but sends no feedback (some non-browser
            // stacks) gives no estimate: its layers follow its preferences alone, not a guess.
            return;
        }
        long audioBps = 0;
        List<DownTrack> simulcast = new ArrayList<>();
        List<BandwidthAllocator.Track> demands = new ArrayList<>();
        List<List<UpTrack>> layersOf = new ArrayList<>();
        long fixedVideoBps = 0;
        for (DownTrack d : tracks) {
            if (!d.isActive()) {
                continue;
            }
            if (!d.source().isVideo()) {
                audioBps += d.source().bitrateBps();
            } else if (!d.source().isSimulcast()) {
                if (!d.isPaused()) {
                    fixedVideoBps += d.source().bitrateBps();
                }
            } else {
                List<UpTrack> ranked = d.rankedLayers(nowNanos);
                List<BandwidthAllocator.Layer> layers = new ArrayList<>(ranked.size());
                long previous = 0;
                for (UpTrack l : ranked) {
                    long cost = l.peakBitrateBps();
                    if (cost == 0) {
                        // A relayed layer nobody here has received yet has no measured rate; free it
                        // is not: count it as simulcast's usual step up (each layer about 4x the
                        // pixels of the one below), or the allocator would switch to it and back.
                        cost = previous > 0 ? previous * 3 : UNKNOWN_LAYER_BPS;
                    }
                    previous = cost;
                    layers.add(new BandwidthAllocator.Layer(cost, l.height(), l.fps()));
                }
                simulcast.add(d);
                layersOf.add(ranked);
                demands.add(new BandwidthAllocator.Track(layers, d.maxHeight(), d.maxFps(), d.isPaused(), 0,
                        ranked.indexOf(d.currentLayer())));
            }
        }
        if (simulcast.isEmpty()) {
            return;
        }
        long available = Math.max(0, estimator.estimateBps() - audioBps - fixedVideoBps);
        int[] choice = allocator.allocate(available, demands);
        for (int i = 0; i < simulcast.size(); i++) {
            List<UpTrack> ranked = layersOf.get(i);
            int c = choice[i];
            simulcast.get(i).allocate(c >= 0 && c < ranked.size() ? ranked.get(c) : null, nowNanos);
        }
        long wanted = allocator.nextUpgradeBps();
        if (wanted > available) {
            estimator.wantRate(wanted + audioBps + fixedVideoBps, nowNanos);
        }
        int padding = estimator.paddingBytesDue(nowNanos);
        for (DownTrack d : simulcast) {
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
