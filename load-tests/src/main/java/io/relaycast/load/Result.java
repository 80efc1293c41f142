package io.relaycast.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a run as a JSON-ready tree: the headline figures (server CPU µs per forwarded
 * packet over the measurement window, largest subscriber-stream count under the loss threshold
 * in ramp mode), the client-side quality figures, every stream, and the per-second time series.
 */
final class Result {
    record Window(double from, double to) {
    }

    final Map<String, Object> tree;

    Result(Map<String, Object> tree) {
        this.tree = tree;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> headline() {
        return (Map<String, Object>) tree.get("headline");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> quality() {
        return (Map<String, Object>) tree.get("quality");
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> streams() {
        return (List<Map<String, Object>>) tree.get("streams");
    }

    /** Server CPU µs per forwarded packet between the first and last sample inside {@code w}; NaN if unknown. */
    static double cpuPerForwarded(List<Sample> samples, Window w) {
        Sample a = null;
        Sample b = null;
        for (Sample s : samples) {
            if (s.t() < w.from() || s.t() > w.to() || s.serverCpuMicros() < 0 || s.forwarded() < 0) {
                continue;
            }
            if (a == null) {
                a = s;
            }
            b = s;
        }
        if (a == null || b == a || b.forwarded() == a.forwarded()) {
            return Double.NaN;
        }
        return (double) (b.serverCpuMicros() - a.serverCpuMicros()) / (b.forwarded() - a.forwarded());
    }

    static Result build(Options o, RunStats st, List<LoadPeer> peers, List<Sample> samples,
                        List<Map<String, Object>> rampSteps, long maxStreamsUnderThreshold, Window w,
                        List<Long> serverPids, long rssMaxKiB, int clientsStarted) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> scenario = new LinkedHashMap<>();
        scenario.put("label", o.label);
        scenario.put("target", o.target);
        scenario.put("urls", o.urls);
        scenario.put("rooms", o.rooms);
        scenario.put("peersPerRoom", o.peers);
        scenario.put("publishersPerRoom", o.publishersPerRoom());
        scenario.put("durationSeconds", o.durationSeconds);
        scenario.put("videoBitrate", o.video ? o.bitrate : 0);
        scenario.put("ramp", o.ramp);
        scenario.put("simulcast", o.simulcast);
        scenario.put("serverPids", serverPids);
        root.put("scenario", scenario);

        Sample a = null;
        Sample b = null;
        for (Sample s : samples) {
            if (s.t() >= w.from() && s.t() <= w.to()) {
                if (a == null) {
                    a = s;
                }
                b = s;
            }
        }
        Map<String, Object> head = new LinkedHashMap<>();
        double cpuPer = cpuPerForwarded(samples, w);
        head.put("cpuMicrosPerForwardedPacket", Double.isNaN(cpuPer) ? null : round(cpuPer, 3));
        if (a != null && b != a) {
            double secs = b.t() - a.t();
            head.put("windowSeconds", round(secs, 1));
            head.put("forwardedPacketsPerSecond", b.forwarded() >= 0 ? round((b.forwarded() - a.forwarded()) / secs, 0) : null);
            head.put("receivedPacketsPerSecond", round((b.received() - a.received()) / secs, 0));
            head.put("sentPacketsPerSecond", round((b.sent() - a.sent()) / secs, 0));
            head.put("serverCpuPercent", b.serverCpuMicros() >= 0 ? round((b.serverCpuMicros() - a.serverCpuMicros()) / 1e4 / secs, 1) : null);
            head.put("harnessCpuPercent", round((b.harnessCpuMicros() - a.harnessCpuMicros()) / 1e4 / secs, 1));
            head.put("harnessLoopCpuPercent", a.loopCpuMicros() >= 0 && b.loopCpuMicros() >= 0
                    ? round((b.loopCpuMicros() - a.loopCpuMicros()) / 1e4 / secs, 1) : null);
            // Per packet delivered to a subscriber, counted at the receivers (works for servers
            // without a forwarded-packet counter, e.g. Janus).
            long rec = b.received() - a.received();
            head.put("cpuMicrosPerReceivedPacket", b.serverCpuMicros() >= 0 && rec > 0
                    ? round((double) (b.serverCpuMicros() - a.serverCpuMicros()) / rec, 3) : null);
        }
        head.put("harnessCpuPercentSetupMax", setupHarnessCpuMax(samples, w));
        head.put("serverRssMaxKiB", rssMaxKiB);
        head.put("subscriberStreamsPlanned", o.subscriberStreams(o.rooms));
        if (o.ramp) {
            head.put("maxSubscriberStreamsUnderLossThreshold", maxStreamsUnderThreshold);
            head.put("lossThreshold", o.lossThreshold);
        }
        root.put("headline", head);

        // Quality, over all streams.
        Histogram latency = st.totalLatency;
        Histogram setup = new Histogram();
        long expected = 0;
        long lost = 0;
        double worst = 0;
        double jitterMax = 0;
        double jitterSum = 0;
        List<Map<String, Object>> streams = new ArrayList<>();
        // Publishers are known by the server's peer id; their harness names tell which node each
        // sits on (relay-split.py).
        Map<String, String> names = new java.util.HashMap<>();
        for (LoadPeer p : peers) {
            if (p.serverPeerId() != null) {
                names.put(p.serverPeerId(), p.name());
            }
        }
        for (StreamStats s : st.streams) {
            long e = s.reception.expected();
            expected += e;
            lost += Math.max(0, e - s.reception.received());
            worst = Math.max(worst, s.lossFraction());
            jitterMax = Math.max(jitterMax, s.jitterMillis());
            jitterSum += s.jitterMillis();
            if (s.setupStartNanos > 0) {
                setup.record((s.firstPacketNanos - s.setupStartNanos) / 1000);
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("receiver", s.receiverId);
            m.put("publisher", s.publisherId);
            m.put("publisherName", names.get(s.publisherId));
            m.put("kind", s.kind);
            m.put("packets", s.packets);
            m.put("expected", e);
            m.put("loss", round(s.lossFraction(), 6));
            m.put("jitterMs", round(s.jitterMillis(), 3));
            m.put("latencyP50Ms", ms(s.latencyMicros.quantile(0.5)));
            m.put("latencyP95Ms", ms(s.latencyMicros.quantile(0.95)));
            m.put("latencyP99Ms", ms(s.latencyMicros.quantile(0.99)));
            m.put("setupToFirstPacketMs", s.setupStartNanos > 0 ? round((s.firstPacketNanos - s.setupStartNanos) / 1e6, 1) : null);
            if (!s.holes.isEmpty()) {
                // The first few sequence numbers never received, each with when it was skipped
                // (ms after the stream's first packet).
                List<String> holes = new ArrayList<>();
                for (Map.Entry<Integer, Long> h : s.holes.entrySet()) {
                    if (holes.size() == 20) {
                        break;
                    }
                    holes.add(h.getKey() + "@" + round((h.getValue() - s.firstPacketNanos) / 1e6, 1));
                }
                m.put("holes", holes);
                m.put("holeCount", s.holes.size());
            }
            if (o.simulcast && "video".equals(s.kind)) {
                m.put("layer", s.layerRid());
                Map<String, Long> per = new LinkedHashMap<>();
                for (int i = 0; i < s.layerPackets.length; i++) {
                    per.put(MediaPattern.LAYER_RIDS[i], s.layerPackets[i]);
                }
                m.put("layerPackets", per);
                m.put("layerSwitches", s.layerSwitches);
                m.put("midFrameSwitches", s.midFrameSwitches);
            }
            streams.add(m);
        }
        Map<String, Object> q = new LinkedHashMap<>();
        q.put("clientsStarted", clientsStarted);
        q.put("clientsConnected", st.clientsConnected);
        q.put("clientsFailed", st.clientsFailed);
        // A publisher is only sent media when its room has another publisher.
        boolean publishersReceive = o.publishersPerRoom() >= 2;
        long clientsWithoutMedia = peers.stream()
                .filter(p -> !p.publishes() || publishersReceive)
                .filter(p -> p.firstPacketNanos() == 0).count();
        q.put("clientsWithoutMedia", clientsWithoutMedia);
        q.put("receivingStreams", st.streams.size());
        q.put("expectedTrackStreams", expectedTrackStreams(o));
        q.put("loss", expected > 0 ? round((double) lost / expected, 6) : null);
        q.put("worstStreamLoss", round(worst, 6));
        q.put("latencyP50Ms", ms(latency.quantile(0.5)));
        q.put("latencyP95Ms", ms(latency.quantile(0.95)));
        q.put("latencyP99Ms", ms(latency.quantile(0.99)));
        q.put("latencyMaxMs", ms(latency.max()));
        q.put("jitterMeanMs", st.streams.isEmpty() ? null : round(jitterSum / st.streams.size(), 3));
        q.put("jitterMaxMs", round(jitterMax, 3));
        q.put("setupToFirstPacketP50Ms", ms(setup.quantile(0.5)));
        q.put("setupToFirstPacketP95Ms", ms(setup.quantile(0.95)));
        q.put("setupToFirstPacketP99Ms", ms(setup.quantile(0.99)));
        q.put("setupToFirstPacketMaxMs", ms(setup.max()));
        q.put("joinPhases", joinPhases(peers));
        q.put("srtpAuthFailures", st.srtpAuthFailures);
        q.put("otherDrops", st.otherDrops);
        q.put("dropsByOutcome", st.dropsByOutcome);
        q.put("iceAtConnect", st.iceAtConnect);
        q.put("dtlsAtConnect", st.dtlsAtConnect);
        q.put("iceAtEnd", st.iceTotals());
        q.put("packetsSent", st.packetsSent);
        q.put("keyframesSent", st.keyframesSent);
        q.put("plisReceived", st.plisReceived);
        q.put("serverOffers", st.serverOffers);
        q.put("simulatedLosses", st.simulatedLosses);
        q.put("nacksSent", st.nacksSent);
        q.put("retransmissionsReceived", st.retransmissionsReceived);
        q.put("recovered", st.recovered);
        q.put("nacksReceived", st.nacksReceived);
        q.put("retransmissionsSent", st.retransmissionsSent);
        q.put("nacksUnanswerable", st.nacksUnanswerable);
        q.put("uplinkLostVideo", st.uplinkLostVideo);
        q.put("uplinkLostRtx", st.uplinkLostRtx);
        q.put("uplinkLostAudio", st.uplinkLostAudio);
        // dominantSpeaker messages per receiving client, as harness names (null: nobody speaks)
        Map<String, List<String>> speakers = new java.util.TreeMap<>();
        st.dominantSpeakers.forEach((receiver, ids) -> speakers.put(receiver,
                ids.stream().map(id -> id == null ? null : names.getOrDefault(id, id)).toList()));
        q.put("dominantSpeakers", speakers);
        q.put("sendBufferDrops", peers.stream().mapToLong(LoadPeer::sendDrops).sum());
        q.put("errors", st.errors);
        root.put("quality", q);
        if (o.simulcast || o.preferHeight >= 0) {
            root.put("layers", layers(o, st));
        }
        root.put("ramp", rampSteps);
        root.put("streams", streams);
        List<Map<String, Object>> series = new ArrayList<>();
        for (Sample s : samples) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", round(s.t(), 2));
            m.put("lossPercent", round(s.intervalLoss() * 100, 4));
            m.put("latencyP50Ms", round(s.latencyP50Ms(), 3));
            m.put("latencyP99Ms", round(s.latencyP99Ms(), 3));
            m.put("serverCpuPercent", round(s.serverCpuPercent(), 1));
            m.put("serverRssKiB", s.serverRssKiB());
            m.put("forwarded", s.forwarded());
            m.put("received", s.received());
            m.put("clientsConnected", s.clientsConnected());
            m.put("streams", s.streams());
            series.add(m);
        }
        root.put("timeseries", series);
        return new Result(root);
    }

    /**
     * Which simulcast layer every subscriber got, two ways: from the layer index the publisher
     * marked in each video packet (the streams' last layer, packets per layer, switches, switches
     * that were not at the start of a keyframe or not between frames: the last two must be 0) and
     * from the node's {@code layer} messages (the last rid per track). Totals first, then per
     * subscriber; subscribers that asked for lower layers (--prefer-height) apart from the others.
     */
    static Map<String, Object> layers(Options o, RunStats st) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("simulcast", o.simulcast);
        root.put("preferHeight", o.preferHeight < 0 ? null : o.preferHeight);
        root.put("preferFraction", o.preferHeight < 0 ? null : o.preferFraction);
        root.put("preferringSubscribers", st.preferringReceivers.size());
        Map<String, Long> atEnd = layerCounts();
        Map<String, Long> atEndPreferring = layerCounts();
        Map<String, Long> atEndOthers = layerCounts();
        long switches = 0;
        long midFrame = 0;
        long offKey = 0;
        long videoStreams = 0;
        Histogram[] firstPacket = new Histogram[MediaPattern.LAYER_RIDS.length];
        for (int i = 0; i < firstPacket.length; i++) {
            firstPacket[i] = new Histogram();
        }
        Map<String, Map<String, Object>> per = new java.util.TreeMap<>();
        for (StreamStats s : st.streams) {
            if (!"video".equals(s.kind)) {
                continue;
            }
            videoStreams++;
            String rid = s.layerRid() == null ? "none" : s.layerRid();
            boolean preferring = st.preferringReceivers.contains(s.receiverId);
            atEnd.merge(rid, 1L, Long::sum);
            (preferring ? atEndPreferring : atEndOthers).merge(rid, 1L, Long::sum);
            switches += s.layerSwitches;
            midFrame += s.midFrameSwitches;
            offKey += s.switchesOffKeyframe;
            Map<String, Object> m = per.computeIfAbsent(s.receiverId, r -> newSubscriber(preferring));
            @SuppressWarnings("unchecked")
            Map<String, Long> streams = (Map<String, Long>) m.get("streamsPerLayer");
            streams.merge(rid, 1L, Long::sum);
            m.merge("switches", s.layerSwitches, (x, y) -> (Long) x + (Long) y);
            m.merge("midFrameSwitches", s.midFrameSwitches, (x, y) -> (Long) x + (Long) y);
            m.merge("switchesOffKeyframe", s.switchesOffKeyframe, (x, y) -> (Long) x + (Long) y);
            @SuppressWarnings("unchecked")
            Map<String, Object> first = (Map<String, Object>) m.get("firstPacketMaxMs");
            for (int i = 0; i < firstPacket.length; i++) {
                if (s.layerPackets[i] > 0 && s.setupStartNanos > 0) {
                    long micros = (s.layerFirstPacketNanos[i] - s.setupStartNanos) / 1000;
                    firstPacket[i].record(micros);
                    double msv = round(micros / 1000.0, 1);
                    first.merge(MediaPattern.LAYER_RIDS[i], msv, (x, y) -> Math.max((Double) x, (Double) y));
                }
            }
        }
        Map<String, Long> messagesAtEnd = new java.util.TreeMap<>();
        long messages = 0;
        for (Map.Entry<String, Map<String, List<String>>> r : st.layerMessages.entrySet()) {
            Map<String, Object> m = per.computeIfAbsent(r.getKey(),
                    k -> newSubscriber(st.preferringReceivers.contains(k)));
            Map<String, String> last = new java.util.TreeMap<>();
            for (Map.Entry<String, List<String>> t : r.getValue().entrySet()) {
                List<String> rids = t.getValue();
                messages += rids.size();
                String lastRid = String.valueOf(rids.get(rids.size() - 1));
                last.put(t.getKey(), lastRid);
                messagesAtEnd.merge(lastRid, 1L, Long::sum);
            }
            m.put("layerMessageAtEnd", last);
            m.put("layerMessages", r.getValue());
        }
        root.put("videoStreams", videoStreams);
        root.put("streamsPerLayerAtEnd", atEnd);
        root.put("streamsPerLayerAtEndPreferring", atEndPreferring);
        root.put("streamsPerLayerAtEndOthers", atEndOthers);
        root.put("switches", switches);
        root.put("midFrameSwitches", midFrame);
        root.put("switchesOffKeyframe", offKey);
        root.put("layerMessages", messages);
        root.put("layerMessagesAtEnd", messagesAtEnd);
        Map<String, Object> fp50 = new LinkedHashMap<>();
        Map<String, Object> fmax = new LinkedHashMap<>();
        for (int i = 0; i < firstPacket.length; i++) {
            fp50.put(MediaPattern.LAYER_RIDS[i], ms(firstPacket[i].quantile(0.5)));
            fmax.put(MediaPattern.LAYER_RIDS[i], firstPacket[i].count() == 0 ? null : ms(firstPacket[i].max()));
        }
        root.put("setupToFirstPacketOfLayerP50Ms", fp50);
        root.put("setupToFirstPacketOfLayerMaxMs", fmax);
        root.put("perSubscriber", per);
        return root;
    }

    private static Map<String, Long> layerCounts() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String rid : MediaPattern.LAYER_RIDS) {
            m.put(rid, 0L);
        }
        m.put("none", 0L);
        return m;
    }

    private static Map<String, Object> newSubscriber(boolean preferring) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("preferring", preferring);
        m.put("streamsPerLayer", layerCounts());
        m.put("switches", 0L);
        m.put("midFrameSwitches", 0L);
        m.put("switchesOffKeyframe", 0L);
        m.put("firstPacketMaxMs", new LinkedHashMap<String, Object>());
        return m;
    }

    /** The one-line summary of {@link #layers}, or null when the run had none. */
    @SuppressWarnings("unchecked")
    String layersSummary() {
        Map<String, Object> l = (Map<String, Object>) tree.get("layers");
        if (l == null) {
            return null;
        }
        return "video streams " + l.get("videoStreams") + " by layer at end " + l.get("streamsPerLayerAtEnd")
                + " (preferring " + l.get("preferringSubscribers") + " subscribers: " + l.get("streamsPerLayerAtEndPreferring")
                + ", others " + l.get("streamsPerLayerAtEndOthers") + "); switches " + l.get("switches")
                + ", mid-frame " + l.get("midFrameSwitches") + ", off keyframe " + l.get("switchesOffKeyframe")
                + "; layer messages " + l.get("layerMessages") + ", last per track " + l.get("layerMessagesAtEnd")
                + "; setup to first packet p50 ms " + l.get("setupToFirstPacketOfLayerP50Ms");
    }

    /** Audio and video of every publisher at every other peer of its room. */
    static long expectedTrackStreams(Options o) {
        return o.subscriberStreams(o.rooms) * (o.video ? 2 : 1);
    }

    /**
     * Where a join's time goes, over the clients that reached each step: join sent -> welcome
     * (signaling and the node's admission), welcome -> answer (the client's offer and the node's
     * SDP work), answer -> connected (ICE and DTLS), connected -> first media packet (a keyframe,
     * the relay). p50, p95 and max in ms per phase. "connectedIce" and "connectedDtls" split
     * "connected" as the client's transport saw it (its ICE from its start, then its DTLS), to
     * tell a slow handshake from late connectivity checks.
     */
    static Map<String, Object> joinPhases(List<? extends LoadPeer> peers) {
        String[] names = {"welcome", "answer", "connected", "firstPacket"};
        Histogram[] h = new Histogram[names.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = new Histogram();
        }
        for (LoadPeer p : peers) {
            long[] t = p.joinStepNanos();
            if (t == null) {
                continue;
            }
            for (int i = 0; i < names.length; i++) {
                if (t[i] > 0 && t[i + 1] >= t[i]) {
                    h[i].record((t[i + 1] - t[i]) / 1000);
                }
            }
        }
        Histogram ice = new Histogram();
        Histogram dtls = new Histogram();
        for (LoadPeer p : peers) {
            long[] t = p.transportSetupNanos();
            if (t != null) {
                ice.record(t[0] / 1000);
                dtls.record(t[1] / 1000);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], phase(h[i]));
        }
        out.put("connectedIce", phase(ice));
        out.put("connectedDtls", phase(dtls));
        return out;
    }

    private static Map<String, Object> phase(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("p50Ms", ms(h.quantile(0.5)));
        m.put("p95Ms", ms(h.quantile(0.95)));
        m.put("maxMs", ms(h.max()));
        return m;
    }

    static Double ms(long micros) {
        return micros < 0 ? null : round(micros / 1000.0, 3);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    /**
     * The harness process's busiest sampled second before the measured window (clients starting,
     * signaling, ICE, DTLS, and a cold JVM's JIT), in % of one core; null without two samples.
     * The window's average can read 30 % while the joins ran on a saturated harness, and then the
     * join-time figures (joinPhases, setup to first packet) time the harness, not the server.
     */
    static Double setupHarnessCpuMax(List<Sample> samples, Window w) {
        double max = -1;
        Sample prev = null;
        for (Sample s : samples) {
            if (s.t() > w.from()) {
                break;
            }
            if (prev != null && s.harnessCpuMicros() >= 0 && prev.harnessCpuMicros() >= 0 && s.t() > prev.t()) {
                max = Math.max(max, (s.harnessCpuMicros() - prev.harnessCpuMicros()) / 1e4 / (s.t() - prev.t()));
            }
            prev = s;
        }
        return max < 0 ? null : round(max, 1);
    }

    /** A harness GC pause longer than this shows in the latency tail (p99, max) as the server's. */
    static final double HARNESS_PAUSE_LIMIT_MS = 10;

    /** Above this share of its CPU the harness, not the server, may be what limits a run. */
    static final double HARNESS_CPU_LIMIT_PERCENT = 80;

    /**
     * Says whether the harness itself may have limited the run: its sockets dropped datagrams
     * ({@code socketDrops}, from the kernel's per-socket counters), its receiving threads found
     * the media loop behind them ({@code ringFullWaits}), its JVM paused for garbage collection
     * longer than {@value #HARNESS_PAUSE_LIMIT_MS} ms during the run ({@code gcPauses}: arrivals
     * are stamped late meanwhile), its media loop thread (which handles
     * every datagram) ran above {@value #HARNESS_CPU_LIMIT_PERCENT}% of a core, or the
     * whole process above that share of the {@code cores} it may use. Adds {@code harness} to the
     * result and {@code harnessLimited} to the headline; LoadTest prints the warnings and
     * report.html shows them first.
     */
    void judgeHarness(long socketDrops, long ringFullWaits, List<HarnessPauses.Pause> gcPauses, int cores) {
        Map<String, Object> head = headline();
        List<String> warnings = new ArrayList<>();
        if (socketDrops > 0) {
            warnings.add("harness sockets dropped " + socketDrops + " datagrams (receive buffer full): loss and capacity figures are the harness's limit, not the server's");
        }
        if (ringFullWaits > 0) {
            warnings.add("harness receiving threads waited " + ringFullWaits + " times for the media loop (its queue of received datagrams full): the loop was behind, and datagrams waiting in the kernel meanwhile were stamped late");
        }
        double pauseMax = 0;
        double pauseTotal = 0;
        int pausesOver = 0;
        for (HarnessPauses.Pause p : gcPauses) {
            pauseMax = Math.max(pauseMax, p.millis());
            pauseTotal += p.millis();
            if (p.millis() > HARNESS_PAUSE_LIMIT_MS) {
                pausesOver++;
            }
        }
        if (pausesOver > 0) {
            warnings.add("harness JVM paused for GC " + pausesOver + " times over " + HARNESS_PAUSE_LIMIT_MS
                    + " ms (longest " + round(pauseMax, 1) + " ms): arrivals meanwhile were stamped late, so the latency tail (p99, max) includes them");
        }
        Object loopCpu = head.get("harnessLoopCpuPercent");
        if (loopCpu instanceof Number n && n.doubleValue() > HARNESS_CPU_LIMIT_PERCENT) {
            warnings.add("harness media loop thread at " + n + "% of a core (limit " + HARNESS_CPU_LIMIT_PERCENT + "%)");
        }
        Object cpu = head.get("harnessCpuPercent");
        if (cpu instanceof Number n && n.doubleValue() > HARNESS_CPU_LIMIT_PERCENT * cores) {
            warnings.add("harness process at " + n + "% of one core with " + cores + " core(s) available (limit "
                    + HARNESS_CPU_LIMIT_PERCENT + "% of them)");
        }
        // The set-up is judged apart: a harness saturated while clients join leaves the window's
        // figures alone but makes the join times its own.
        List<String> setupWarnings = new ArrayList<>();
        Object setupCpu = head.get("harnessCpuPercentSetupMax");
        if (setupCpu instanceof Number n && n.doubleValue() > HARNESS_CPU_LIMIT_PERCENT * cores) {
            setupWarnings.add("harness process at up to " + n + "% of one core with " + cores
                    + " core(s) while clients joined: join times (joinPhases, setup to first packet) are the harness's, not the server's");
        }
        Map<String, Object> harness = new LinkedHashMap<>();
        harness.put("socketDrops", socketDrops < 0 ? null : socketDrops);
        harness.put("ringFullWaits", ringFullWaits);
        Map<String, Object> pauses = new LinkedHashMap<>();
        pauses.put("count", gcPauses.size());
        pauses.put("totalMs", round(pauseTotal, 1));
        pauses.put("maxMs", round(pauseMax, 1));
        pauses.put("over" + (int) HARNESS_PAUSE_LIMIT_MS + "Ms", pausesOver);
        harness.put("gcPauses", pauses);
        harness.put("cpuPercent", cpu);
        harness.put("loopCpuPercent", loopCpu);
        harness.put("cores", cores);
        harness.put("limited", !warnings.isEmpty());
        harness.put("warnings", warnings);
        harness.put("setupCpuPercentMax", setupCpu);
        harness.put("setupLimited", !setupWarnings.isEmpty());
        harness.put("setupWarnings", setupWarnings);
        tree.put("harness", harness);
        head.put("harnessLimited", !warnings.isEmpty());
    }

    /**
     * The harness JVM's concurrent GC cycles in the run ({@code harness.gcCycles}): how many, and
     * when each ended (seconds into the run) with its length, to line up with the per-second
     * latency. Not a limit by itself: a cycle shares the harness's core with the receiving thread
     * but stops nothing.
     */
    static Map<String, Object> gcCycles(List<HarnessPauses.Pause> cycles) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", cycles.size());
        List<String> ends = new ArrayList<>();
        for (HarnessPauses.Pause c : cycles) {
            ends.add(round(c.endSeconds(), 1) + " s (" + round(c.millis(), 0) + " ms)");
        }
        m.put("ended", ends);
        return m;
    }

    /** Adds a figure about the harness itself to the result's {@code harness} part (after {@link #judgeHarness}). */
    @SuppressWarnings("unchecked")
    void putHarness(String key, Object value) {
        ((Map<String, Object>) tree.computeIfAbsent("harness", k -> new LinkedHashMap<>())).put(key, value);
    }

    @SuppressWarnings("unchecked")
    List<String> harnessSetupWarnings() {
        Map<String, Object> harness = (Map<String, Object>) tree.get("harness");
        return harness == null ? List.of() : (List<String>) harness.get("setupWarnings");
    }

    @SuppressWarnings("unchecked")
    List<String> harnessWarnings() {
        Map<String, Object> harness = (Map<String, Object>) tree.get("harness");
        return harness == null ? List.of() : (List<String>) harness.get("warnings");
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Files.writeString(dir.resolve("result.json"), json.writeValueAsString(tree));
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(tree, json.writeValueAsString(tree.get("headline")),
                json.writeValueAsString(tree.get("quality"))));
    }
}
