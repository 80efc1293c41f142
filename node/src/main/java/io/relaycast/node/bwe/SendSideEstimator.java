package io.relaycast.node.bwe;

import io.relaycast.rtcp.PacketArrival;
import io.relaycast.rtcp.TransportCcFeedback;

import java.util.List;

/**
 * A send-side bandwidth estimate of one subscriber's downlink, from the transport-cc feedback
 * (draft-holmer-rmcat-transport-wide-cc-extensions-01) about the packets the node sends it: the
 * GCC design of draft-ietf-rmcat-gcc-02, as libwebrtc runs it. Sans-IO: the caller numbers the
 * packets it sends ({@link #onPacketSent}), hands over the feedback ({@link #onFeedback}) and
 * passes the time in; nothing here reads a clock, sleeps or sends.
 *
 * <ul>
 *   <li>Delay-based (§5): {@link DelayTrend} turns packet groups' send and arrival times into a
 *       queuing-delay trend and says overusing, normal or underusing; an AIMD controller (§5.5)
 *       cuts to 0.85 x the acknowledged rate on overuse, holds on underuse, and otherwise grows
 *       8 % a second, or by about a packet per round trip once near the rate where it last had
 *       to cut.</li>
 *   <li>Loss-based (§6): over each window of at least 20 reported packets, more than 10 % lost
 *       cuts by (1 - 0.5 x loss) and at least to the acknowledged rate, less than 2 % lets it
 *       grow 8 % a second.</li>
 *   <li>The estimate is the lower of the two, clamped to [min, max]. As in libwebrtc, growth
 *       (of either part) stops at 1.5 x the acknowledged rate plus 10 kbps: a node that sends
 *       little learns nothing about more, so headroom is discovered by probing instead.</li>
 *   <li>Probing: when the caller needs more than the estimate ({@link #wantRate}), a cluster of
 *       padding ({@link #paddingBytesDue}) goes out at once; the rate at which its packets
 *       arrived once a token bucket's credit was spent (the later half, or from the first
 *       arrival after the credit's burst if that reads lower, {@link ProbeCluster}) becomes
 *       the estimate if higher. Never while the
 *       link is not in the normal state or lost more than 2 %; after a probe that found
 *       nothing the next waits twice as long (1, 2, 4, then 8 s), after one the link carried in
 *       full the next may follow 200 ms later.</li>
 * </ul>
 */
public final class SendSideEstimator {
    private static final long SECOND = 1_000_000_000L;
    /** Send-time groups (§5.2: a burst sent within 5 ms is one group). */
    private static final long GROUP_NANOS = 5_000_000L;
    private static final double MAX_GROWTH_PER_SECOND = 0.08;
    private static final int LOSS_WINDOW_PACKETS = 20;
    /**
     * A probe cluster: this many bytes of padding (16 packets of at most 255). Large enough that
     * its later half still arrives after a slow link's burst credit is spent (tc's 1.6 KB peak
     * bucket), small enough that on a 300 kbit/s link it queues the next frame by ~100 ms, under
     * the ~200 ms gap a receiver counts as a freeze at 15 fps.
     */
    private static final int PROBE_BYTES = 4_000;
    private static final long PROBE_INTERVAL_NANOS = SECOND;
    /** After a probe the link carried in full, the next may follow this soon (libwebrtc probes on likewise). */
    private static final long FOLLOW_UP_PROBE_NANOS = 200_000_000L;

    private final long minBps;
    private final long maxBps;
    private final SentPacketHistory history = new SentPacketHistory();
    private final DelayTrend trend = new DelayTrend();
    private final AckedRate acked = new AckedRate();
    private long delayBps;
    private long lossBps;
    private long lastUpdateNanos = -1;
    /** The acknowledged rate when the delay controller last had to cut, 0 before (§5.5 "near convergence"). */
    private double rateAtLastDecrease;
    private long lastDecreaseNanos = Long.MIN_VALUE / 2;
    private int windowSent;
    private int windowLost;
    private long unknownReports;
    // The group being built from the feedback, and the previous complete one (§5.2).
    private long groupFirstSend = Long.MIN_VALUE;
    private long groupLastSend;
    private long groupLastArrival;
    private long prevGroupSend = Long.MIN_VALUE;
    private long prevGroupArrival;
    // Probing.
    private final ProbeCluster probe = new ProbeCluster();
    private int probeCluster;
    private long probeStartedNanos = Long.MIN_VALUE / 2;
    private int probeBytesLeft;
    private long probes;
    /** How long after the last probe started the next may: set when a probe is judged. */
    private long probeIntervalNanos = PROBE_INTERVAL_NANOS;
    private long lastProbeTargetBps;
    private long lastProbeResultBps;
    private double lastLoss;

    /**
     * @param minBps   floor of the estimate
     * @param maxBps   ceiling of the estimate
     * @param startBps the estimate before any feedback
     */
    public SendSideEstimator(long minBps, long maxBps, long startBps) {
        this.minBps = minBps;
        this.maxBps = maxBps;
        this.delayBps = startBps;
        this.lossBps = startBps;
    }

    /** Records a packet about to be sent, numbered {@code transportSeq}; {@code probe} for padding of a probe. */
    public void onPacketSent(int transportSeq, int sizeBytes, long nowNanos, boolean probe) {
        history.add(transportSeq, sizeBytes, nowNanos, probe ? probeCluster : 0);
        if (probe && this.probe.id() == probeCluster) {
            this.probe.onSent();
        }
    }

    /** The subscriber's feedback about packets it received, or not, from this node. */
    public void onFeedback(TransportCcFeedback fb, long nowNanos) {
        List<PacketArrival> packets = fb.packets();
        for (PacketArrival p : packets) {
            int slot = history.find(p.sequence());
            if (slot < 0) {
                unknownReports++; // never sent, or too long ago: nothing to learn from it
                continue;
            }
            if (history.reported(slot)) {
                continue; // a repeated report (feedback is cumulative only in the receiver's view)
            }
            history.markReported(slot);
            windowSent++;
            boolean ofProbe = probe.id() != 0 && history.cluster(slot) == probe.id();
            if (!p.received()) {
                windowLost++;
                if (ofProbe) {
                    probe.onReport(false, 0, history.size(slot));
                }
                continue;
            }
            long arrivalNanos = p.arrivalMicros() * 1000;
            long sendNanos = history.sendNanos(slot);
            acked.add(arrivalNanos, history.size(slot));
            onArrival(sendNanos, arrivalNanos, nowNanos);
            if (ofProbe) {
                probe.onReport(true, arrivalNanos, history.size(slot));
            }
        }
        if (probe.readyToJudge(nowNanos)) {
            judgeProbe();
        }
        update(nowNanos);
    }

    /**
     * A probe fully reported (or timed out): its rate raises the estimate if higher, and sets
     * when the next may go. One the link carried in full is followed 200 ms later, a step
     * higher; one that found nothing makes the next wait longer each time (1, 2, 4, 8 s), so a
     * link at its limit is not hit by a burst every second.
     */
    private void judgeProbe() {
        long target = probe.targetBps();
        long result = probe.judge();
        lastProbeTargetBps = target;
        lastProbeResultBps = result;
        if (result > estimateBps()) {
            // Either part may be the one holding the estimate down (a loss-based cut outlives
            // the loss): the link just carried this rate, so neither may stay below it.
            delayBps = Math.max(delayBps, result);
            lossBps = Math.max(lossBps, result);
            probeIntervalNanos = result >= target * 9 / 10 ? FOLLOW_UP_PROBE_NANOS : PROBE_INTERVAL_NANOS;
        } else {
            probeIntervalNanos = Math.min(Math.max(PROBE_INTERVAL_NANOS, probeIntervalNanos * 2), 8 * PROBE_INTERVAL_NANOS);
        }
    }

    /** Feeds one arrival into the send-time grouping; a completed group gives one delay sample. */
    private void onArrival(long sendNanos, long arrivalNanos, long nowNanos) {
        if (groupFirstSend == Long.MIN_VALUE) {
            startGroup(sendNanos, arrivalNanos);
            return;
        }
        if (sendNanos - groupFirstSend <= GROUP_NANOS && sendNanos >= groupFirstSend) {
            groupLastSend = Math.max(groupLastSend, sendNanos);
            groupLastArrival = Math.max(groupLastArrival, arrivalNanos);
            return;
        }
        if (sendNanos < groupFirstSend) {
            return; // reordered into an earlier group: ignore rather than corrupt the deltas
        }
        if (prevGroupSend != Long.MIN_VALUE) {
            // §5.3: d(i) = (t(i) - t(i-1)) - (T(i) - T(i-1)), arrival minus send spacing.
            double sendDeltaMs = (groupLastSend - prevGroupSend) / 1e6;
            double arrivalDeltaMs = (groupLastArrival - prevGroupArrival) / 1e6;
            trend.add(arrivalDeltaMs - sendDeltaMs, groupLastArrival / 1e6, sendDeltaMs, nowNanos);
        }
        prevGroupSend = groupLastSend;
        prevGroupArrival = groupLastArrival;
        startGroup(sendNanos, arrivalNanos);
    }

    private void startGroup(long sendNanos, long arrivalNanos) {
        groupFirstSend = sendNanos;
        groupLastSend = sendNanos;
        groupLastArrival = arrivalNanos;
    }

    /** Runs the two controllers once per feedback. */
    private void update(long nowNanos) {
        double dt = lastUpdateNanos < 0 ? 0 : Math.min(1.0, (nowNanos - lastUpdateNanos) / (double) SECOND);
        lastUpdateNanos = nowNanos;
        long ackedBps = acked.bps();
        // libwebrtc's cap on growth: do not believe in more than half again what actually got
        // through. It limits growing only, in both parts; a probe's result above it stands.
        long cap = ackedBps > 0 ? ackedBps * 3 / 2 + 10_000 : Long.MAX_VALUE;
        switch (trend.state()) {
            case OVERUSING -> {
                // At most one cut per 300 ms (about a round trip and a feedback interval): the
                // acknowledged rate lags the cut, and cutting on it again would spiral down.
                if (ackedBps > 0 && nowNanos - lastDecreaseNanos >= 300_000_000L) {
                    lastDecreaseNanos = nowNanos;
                    long cut = (long) (0.85 * ackedBps);
                    if (cut < delayBps) {
                        delayBps = cut;
                        rateAtLastDecrease = ackedBps;
                    }
                }
            }
            case UNDERUSING -> {
                // §5.5: hold while the queues drain.
            }
            case NORMAL -> {
                boolean nearConvergence = rateAtLastDecrease > 0
                        && Math.abs(ackedBps - rateAtLastDecrease) < 0.15 * rateAtLastDecrease;
                long grown = nearConvergence
                        // Additive: about one 1200-byte packet per 100 ms round trip, per second.
                        ? delayBps + (long) (dt * 96_000)
                        : (long) (delayBps * Math.pow(1 + MAX_GROWTH_PER_SECOND, dt));
                delayBps = Math.max(delayBps, Math.min(grown, cap));
            }
        }
        if (windowSent >= LOSS_WINDOW_PACKETS) {
            double loss = windowLost / (double) windowSent;
            lastLoss = loss;
            if (loss > 0.10) {
                lossBps = (long) (Math.min(lossBps, delayBps) * (1 - 0.5 * loss));
                if (ackedBps > 0) {
                    // What got through while more than a tenth was lost is what the link carries:
                    // §6's cut alone left a 300 kbit/s link that lost 60 % of a 900 kbit/s layer
                    // estimated at ~470 kbit/s, above the next layer's cost.
                    lossBps = Math.min(lossBps, ackedBps);
                }
            } else if (loss < 0.02) {
                // Capped as the delay-based part is: when a short queue overflows before the delay
                // detector has its 20 samples (a 300 kbit/s link sent a 900 kbit/s layer), only
                // this part was ever cut, and growing freely it would lift the estimate, 8 % a
                // second on a loss-free low layer, past the link onto a layer it cannot carry.
                long grown = (long) (lossBps * Math.pow(1 + MAX_GROWTH_PER_SECOND, dt * 4));
                lossBps = Math.max(lossBps, Math.min(grown, cap));
            }
            windowSent = 0;
            windowLost = 0;
        }
        delayBps = clamp(delayBps);
        lossBps = clamp(Math.max(lossBps, minBps));
    }

    private long clamp(long bps) {
        return Math.max(minBps, Math.min(maxBps, bps));
    }

    /** The estimate, bits per second. */
    public long estimateBps() {
        return clamp(Math.min(delayBps, lossBps));
    }

    /** What the subscriber acknowledged receiving over the last half second, bits per second. */
    public long ackedBps() {
        return acked.bps();
    }

    /** Feedback entries about sequence numbers this estimator never sent (or forgot): ignored. */
    public long unknownReports() {
        return unknownReports;
    }

    /**
     * The estimator's state in one line, for a debug log: the estimate and its delay- and
     * loss-based parts, the acknowledged rate, the delay detector's verdict, the last loss
     * fraction and the probes so far.
     */
    public String describe() {
        return "estimate " + estimateBps() / 1000 + " kbps (delay " + delayBps / 1000 + ", loss " + lossBps / 1000
                + "), acked " + acked.bps() / 1000 + " kbps, " + trend.state().name().toLowerCase(java.util.Locale.ROOT)
                + ", loss " + Math.round(lastLoss * 1000) / 10.0 + " %, probes " + probes
                + (probes > 0 ? " (last for " + lastProbeTargetBps / 1000 + " kbps: " + (lastProbeResultBps < 0 ? "too few arrived"
                : lastProbeResultBps / 1000 + " kbps") + ")" : "");
    }

    /** Probe clusters started so far. */
    public long probes() {
        return probes;
    }

    /**
     * The caller would use {@code bps} if it had it (an allocator's next upgrade): probe for it
     * (a quarter above, at most twice the estimate), as often as the last probe's verdict allows (see judgeProbe).
     */
    public void wantRate(long bps, long nowNanos) {
        long estimate = estimateBps();
        if (bps <= estimate || nowNanos - probeStartedNanos < probeIntervalNanos) {
            return;
        }
        if (trend.state() != DelayTrend.State.NORMAL || lastLoss > 0.02) {
            return; // a burst into a link that is queuing, draining or losing only hurts it more
        }
        probeCluster++;
        probes++;
        // A quarter above what is wanted: a probe's result is capped at its target, and a
        // layer's cost creeps while it is measured, so probing for exactly the need can land
        // just short of it again and again.
        probe.start(probeCluster, Math.min(Math.min(bps + bps / 4, 2 * estimate), maxBps), nowNanos);
        probeStartedNanos = nowNanos;
        probeBytesLeft = PROBE_BYTES;
    }

    /** Padding bytes the caller should send now, as packets of up to 255 padding bytes flagged as probes. */
    public int paddingBytesDue(long nowNanos) {
        if (probeBytesLeft <= 0 || nowNanos - probeStartedNanos > ProbeCluster.TIMEOUT_NANOS) {
            probeBytesLeft = 0;
            return 0;
        }
        int due = probeBytesLeft;
        probeBytesLeft = 0; // a burst: the bottleneck does the spreading that the measurement reads
        return due;
    }
}
