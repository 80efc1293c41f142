package io.relaycast.load;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.webrtc.DtlsSetup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario: starts the clients at the ramp-up rate (round-robin over the target URLs),
 * samples the server processes and the clients once a second, and at the end builds the
 * {@link Result}. In ramp mode it adds rooms step by step until the loss of a step passes the
 * threshold.
 */
final class Harness implements AutoCloseable {
    final Options options;
    final MediaLoop loop;
    final HttpClient http;
    final DtlsSetup dtls;
    private final DtlsHandshakePool pool;
    private final SecureRandom secure = new SecureRandom();
    private final Map<String, Long> joinTimes = new ConcurrentHashMap<>();
    final Map<Integer, MediaReceiver.Source> floorSources = new ConcurrentHashMap<>();
    /** Added by the starting thread, read by the loop thread (samples, results): copy-on-write. */
    private final List<LoadPeer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Sample> samples = new ArrayList<>();
    private final List<Map<String, Object>> rampSteps = new ArrayList<>();
    private final List<Long> serverPids;
    private final long startNanos = System.nanoTime();
    /** This JVM's GC pauses during this run: they stop the receiving thread too. */
    private final HarnessPauses gcPauses = new HarnessPauses(this::seconds);
    private int roomsStarted;
    private long rssMax;
    private volatile boolean sampling = true;
    private Thread sampler;
    /** The server's threads and receive queues second by second (null without a server pid). */
    private ServerSeconds serverSeconds;
    /**
     * Each second's server threads and queues, with the harness's own ring-full waits of that
     * second. Sampler thread adds, the loop thread reads at the end (after the sampler has stopped).
     */
    private final List<Map<String, Object>> perSecond = new java.util.concurrent.CopyOnWriteArrayList<>();
    private long ringFullWaitsBefore;

    Harness(Options options) throws IOException {
        this.options = options;
        this.loop = new MediaLoop(options.receiveThreads);
        for (String host : options.serverHosts()) {
            loop.serverAddresses.add(java.net.InetAddress.getByName(host));
        }
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        // Every handshake may compute at once: the clients must answer the server's flights as soon
        // as they can, whatever else the harness's one core is doing (a single permit left a
        // join burst's flights queued behind it for about a second; docs/benchmarks.md "DTLS
        // handshakes: threads that wait are not work").
        this.pool = new DtlsHandshakePool(options.dtlsThreads, 4096, 10_000);
        this.dtls = new DtlsSetup(DtlsCertificate.generate(secure, Instant.now()), pool);
        this.serverPids = options.serverPids.isEmpty() ? findServers(options.target) : options.serverPids;
    }

    /**
     * The server process found by its command line, only when exactly one matches: other people's
     * nodes may run on the same machine, and sampling the wrong one would give a wrong figure.
     */
    private static List<Long> findServers(String target) {
        List<Long> found = switch (target) {
            case "floor" -> ProcStats.find("io.relaycast.load.FloorRelay");
            case "janus" -> ProcStats.find("janus -C");
            default -> ProcStats.find("relaycast-node.jar");
        };
        if (found.size() != 1) {
            System.err.println("server CPU not sampled: " + found.size() + " candidate processes " + found
                    + "; pass --server-pid");
            return List.of();
        }
        return found;
    }

    SecureRandom random() {
        return secure;
    }

    /** A fast per-client generator for packet sizes (seeded from the secure one). */
    Random mediaRandom() {
        return new Random(secure.nextLong());
    }

    void joined(String peerId, long nanos) {
        joinTimes.put(peerId, nanos);
    }

    long joinTimeOf(String peerId) {
        return joinTimes.getOrDefault(peerId, 0L);
    }

    Result run() throws Exception {
        long[] udpBefore = ProcStats.udpErrors();
        loop.start();
        if (!serverPids.isEmpty()) {
            serverSeconds = new ServerSeconds(serverPids, options.serverQueuePeriodMillis);
        }
        sampler = new Thread(this::sampleLoop, "load-sampler");
        sampler.setDaemon(true);
        sampler.start();
        Result.Window window;
        long maxUnder = -1;
        if (!options.ramp) {
            startRooms(options.rooms);
            awaitConnected(options.awaitConnectedSeconds);
            double from = seconds() + options.warmupSeconds;
            if (options.stormPeers > 0) {
                sleepSeconds(options.warmupSeconds);
                storm();
                sleepSeconds(Math.max(0, from + options.durationSeconds - seconds()));
            } else {
                sleepSeconds(options.warmupSeconds + options.durationSeconds);
            }
            window = new Result.Window(from, seconds());
            drain(options.drainSeconds);
        } else {
            double from = 0;
            for (int step = 1; step <= options.rampMaxSteps; step++) {
                startRooms(options.rooms);
                double stepStart = seconds();
                sleepSeconds(options.rampStepSeconds);
                double half = stepStart + options.rampStepSeconds / 2.0;
                double loss = lossBetween(half, seconds());
                long streams = options.subscriberStreams(roomsStarted);
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("step", step);
                s.put("rooms", roomsStarted);
                s.put("subscriberStreams", streams);
                s.put("loss", loss);
                s.put("cpuMicrosPerForwardedPacket", cpuPerForwarded(half, seconds()));
                s.put("cpuMicrosPerReceivedPacket", cpuPerReceived(half, seconds()));
                rampSteps.add(s);
                if (loss > options.lossThreshold || Double.isNaN(loss)) {
                    break;
                }
                maxUnder = streams;
                from = half;
            }
            window = new Result.Window(from, seconds());
        }
        sampling = false;
        sampler.join(3000);
        CompletableFuture<Result> result = new CompletableFuture<>();
        long maxStreams = maxUnder;
        Result.Window w = window;
        loop.execute(() -> {
            try {
                Result built = Result.build(options, loop.stats, peers, snapshotSamples(), rampSteps, maxStreams, w,
                        serverPids, rssMax, peers.size());
                if (options.stormPeers > 0) {
                    built.tree.put("storm", stormResult());
                }
                built.tree.put("perSecond", perSecond);
                result.complete(built);
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        Result r = result.get(30, TimeUnit.SECONDS);
        long[] udpAfter = ProcStats.udpErrors();
        r.quality().put("udpRcvbufErrors", udpBefore[0] < 0 ? null : udpAfter[0] - udpBefore[0]);
        r.quality().put("udpSndbufErrors", udpBefore[1] < 0 ? null : udpAfter[1] - udpBefore[1]);
        // The clients' sockets are still open: their kernel drop counters are the harness's own.
        long harnessDrops = ProcStats.socketDrops(loop.localPorts);
        r.judgeHarness(harnessDrops, loop.ringFullWaits(), gcPauses.within(0, seconds()),
                Runtime.getRuntime().availableProcessors());
        // Over the receiving thread's life (this run's: the prewarm's thread has ended).
        double wait = ProcStats.waitPerSliceMicros(new long[] {0, 0},
                ProcStats.runQueue(MediaLoop.RECEIVER_THREAD_PREFIX));
        r.putHarness("receiverWaitPerWakeupMicros", Double.isNaN(wait) ? null : round1(wait));
        r.putHarness("gcCycles", Result.gcCycles(gcPauses.cyclesWithin(0, seconds())));
        return r;
    }

    private synchronized List<Sample> snapshotSamples() {
        return new ArrayList<>(samples);
    }

    // ------------------------------------------------------------------ join storm

    private double stormStart = -1;
    private double stormEnd = -1;
    private double baselineStart = -1;
    private int stormFirstPeer;
    private double stormHarnessCpu = Double.NaN;
    private double stormHarnessLoopCpu = Double.NaN;
    /** The receiving threads' mean wait for the harness's core per wake-up (run queue), per phase. */
    private long[] receiverWaitAtBaseline;
    private double stormBaselineReceiverWait = Double.NaN;
    private double stormReceiverWait = Double.NaN;
    /** The nodes' forwarding-delay histograms (summed) at the phase boundaries, and their loop delay. */
    private final NodeDelays nodeDelays = new NodeDelays();

    /**
     * Measures the calls in progress for --storm-after seconds, then starts --storm peers within
     * --storm-seconds, and keeps the "during" phase open until every joiner receives media (at
     * least 5 s after the last start, at most 20 s), so the set-up work of the whole storm is inside
     * it. The joiners' set-up runs on this harness's loop thread, which also handles the calls in
     * progress; their packets' arrival is stamped on the receiving thread, so a busy loop does not
     * add to their latency. The harness's CPU during the storm is in the result, and the nodes' own
     * delay figures beside the client-side latency say which side a stall was on.
     */
    private void storm() throws Exception {
        int inProgressRooms = options.rooms;
        loop.execute(() -> loop.stats.inProgressReceiver = name -> roomOf(name) < inProgressRooms);
        baselineStart = seconds();
        receiverWaitAtBaseline = ProcStats.runQueue(MediaLoop.RECEIVER_THREAD_PREFIX);
        stormPhase(RunStats.STORM_BASELINE);
        nodeDelays.mark(scrapeNodes(), 0);
        sleepSeconds(options.stormAfterSeconds);
        stormFirstPeer = peers.size();
        long[] cpuBefore = harnessCpu();
        long[] receiverWaitBefore = ProcStats.runQueue(MediaLoop.RECEIVER_THREAD_PREFIX);
        stormStart = seconds();
        stormPhase(RunStats.STORM_DURING);
        nodeDelays.mark(scrapeNodes(), 1);
        startRooms(options.stormRooms(), options.stormPeers / options.stormSeconds);
        double lastStart = seconds();
        while (seconds() < lastStart + 20) {
            if (seconds() >= lastStart + 5 && stormJoinersReceiving()) {
                break;
            }
            sleepSeconds(0.2);
        }
        stormEnd = seconds();
        stormPhase(RunStats.STORM_AFTER);
        nodeDelays.mark(scrapeNodes(), 2);
        long[] cpuAfter = harnessCpu();
        long[] receiverWaitAfter = ProcStats.runQueue(MediaLoop.RECEIVER_THREAD_PREFIX);
        stormReceiverWait = ProcStats.waitPerSliceMicros(receiverWaitBefore, receiverWaitAfter);
        stormBaselineReceiverWait = ProcStats.waitPerSliceMicros(receiverWaitAtBaseline, receiverWaitBefore);
        double wall = (stormEnd - stormStart) * 1e6;
        stormHarnessCpu = cpuBefore[0] < 0 || cpuAfter[0] < 0 ? Double.NaN : (cpuAfter[0] - cpuBefore[0]) / wall;
        stormHarnessLoopCpu = cpuBefore[1] < 0 || cpuAfter[1] < 0 ? Double.NaN : (cpuAfter[1] - cpuBefore[1]) / wall;
    }

    private void stormPhase(int phase) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            loop.stats.stormPhase = phase;
            loop.stats.stormInterval.clear();
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
    }

    private boolean stormJoinersReceiving() throws Exception {
        boolean publishersReceive = options.publishersPerRoom() >= 2;
        CompletableFuture<Boolean> all = new CompletableFuture<>();
        loop.execute(() -> all.complete(peers.subList(stormFirstPeer, peers.size()).stream()
                .filter(p -> !p.publishes() || publishersReceive)
                .allMatch(p -> p.firstPacketNanos() != 0)));
        return all.get(5, TimeUnit.SECONDS);
    }

    /** This process's CPU µs and its media loop thread's (-1 unknown). */
    private long[] harnessCpu() throws Exception {
        ProcStats.Sample own = ProcStats.read(ProcessHandle.current().pid());
        CompletableFuture<Long> loopCpu = new CompletableFuture<>();
        loop.execute(() -> loopCpu.complete(loop.threadCpuMicros()));
        return new long[] {own == null ? -1 : own.cpuMicros(), loopCpu.get(5, TimeUnit.SECONDS)};
    }

    /** Loop thread: the "storm" part of the result. */
    private Map<String, Object> stormResult() {
        RunStats st = loop.stats;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("callsInProgress", options.rooms);
        m.put("joiners", options.stormPeers);
        m.put("joinSeconds", options.stormSeconds);
        m.put("baselineFromSeconds", round1(baselineStart));
        m.put("stormFromSeconds", round1(stormStart));
        m.put("stormToSeconds", round1(stormEnd));
        m.put("inProgressBaselineP50Ms", Result.ms(st.stormBaseline.quantile(0.5)));
        m.put("inProgressBaselineP99Ms", Result.ms(st.stormBaseline.quantile(0.99)));
        m.put("inProgressBaselineMaxMs", Result.ms(st.stormBaseline.max()));
        m.put("inProgressStormP50Ms", Result.ms(st.stormDuring.quantile(0.5)));
        m.put("inProgressStormP99Ms", Result.ms(st.stormDuring.quantile(0.99)));
        m.put("inProgressStormMaxMs", Result.ms(st.stormDuring.max()));
        m.put("inProgressStormWorstSecondP99Ms", Result.ms(st.stormWorstSecondP99Micros));
        m.put("addedP99Ms", Result.ms(st.stormDuring.quantile(0.99) - st.stormBaseline.quantile(0.99)));
        // Join -> first packet of every stream a joiner receives (from the later of its two ends' joins).
        Histogram setup = new Histogram();
        long withoutMedia = 0;
        boolean publishersReceive = options.publishersPerRoom() >= 2;
        java.util.Set<String> joiners = new java.util.HashSet<>();
        for (LoadPeer p : peers.subList(stormFirstPeer, peers.size())) {
            joiners.add(p.name());
            if ((!p.publishes() || publishersReceive) && p.firstPacketNanos() == 0) {
                withoutMedia++;
            }
        }
        for (StreamStats s : st.streams) {
            if (joiners.contains(s.receiverId) && s.setupStartNanos > 0) {
                setup.record((s.firstPacketNanos - s.setupStartNanos) / 1000);
            }
        }
        m.put("joinersWithoutMedia", withoutMedia);
        m.put("joinerStreams", setup.count());
        m.put("joinToFirstPacketP50Ms", Result.ms(setup.quantile(0.5)));
        m.put("joinToFirstPacketP99Ms", Result.ms(setup.quantile(0.99)));
        m.put("joinToFirstPacketMaxMs", Result.ms(setup.max()));
        // The node side, from its own metrics (relaycast only): per-datagram forwarding delay inside
        // the node and the media loop's worst lateness, before and during the storm.
        nodeDelays.putInto(m);
        // The harness stamps arrivals on its receiving thread, apart from the loop that does the
        // joiners' set-up; but when its core is saturated during the storm even that thread waits
        // for the CPU, and the client-side latency is partly the harness's own.
        m.put("harnessCpuPercentDuringStorm", Double.isNaN(stormHarnessCpu) ? null : round1(stormHarnessCpu * 100));
        m.put("harnessLoopCpuPercentDuringStorm",
                Double.isNaN(stormHarnessLoopCpu) ? null : round1(stormHarnessLoopCpu * 100));
        // How long the receiving thread, woken by a datagram, waited for the harness's core: the
        // part of the client-side latency that is the harness's scheduling, not the server.
        m.put("harnessReceiverWaitPerWakeupMicrosBaseline",
                Double.isNaN(stormBaselineReceiverWait) ? null : round1(stormBaselineReceiverWait));
        m.put("harnessReceiverWaitPerWakeupMicrosDuringStorm",
                Double.isNaN(stormReceiverWait) ? null : round1(stormReceiverWait));
        return m;
    }

    /** The room number in a harness name "r<room>p<peer>" (MAX_VALUE if it is not one). */
    static int roomOf(String name) {
        int p = name.indexOf('p');
        try {
            return Integer.parseInt(name.substring(1, p));
        } catch (RuntimeException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private void startRooms(int count) throws InterruptedException {
        startRooms(count, options.rampUpPerSecond);
    }

    private void startRooms(int count, double perSecond) throws InterruptedException {
        List<URI> urls = options.target.equals("floor") ? List.of() : options.uris();
        long gapNanos = (long) (1e9 / perSecond);
        if (options.target.equals("janus")) {
            List<Long> ids = new ArrayList<>();
            for (int r = 0; r < count; r++) {
                ids.add(janusRoom(roomsStarted + r));
            }
            try {
                JanusPeer.createRooms(http, urls.get(0), ids, options.peers);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create the Janus rooms: " + e.getMessage(), e);
            }
        }
        long next = System.nanoTime();
        for (int r = 0; r < count; r++) {
            int room = roomsStarted++;
            String roomId = "load-" + room;
            for (int i = 0; i < options.peers; i++) {
                boolean publish = i < options.publishersPerRoom();
                String name = "r" + room + "p" + i;
                URI url = options.target.equals("floor") ? null : urls.get(peers.size() % urls.size());
                LoadPeer peer = switch (options.target) {
                    case "floor" -> new FloorPeer(this, name, roomId, floorAddress(), publish);
                    case "janus" -> new JanusPeer(this, name, janusRoom(room), url, publish);
                    default -> new RelaycastPeer(this, name, roomId, wsUri(url), publish);
                };
                peers.add(peer);
                loop.execute(peer::start);
                next += gapNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
    }

    /**
     * Waits until every client's transport is connected, at most {@code seconds} (0: not at all),
     * so a test's warmup and measurement start with media flowing even when the machine is slow.
     */
    private void awaitConnected(int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            CompletableFuture<Boolean> all = new CompletableFuture<>();
            loop.execute(() -> all.complete(peers.stream().allMatch(LoadPeer::connected)));
            if (all.get(5, TimeUnit.SECONDS)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    /**
     * Stops the publishers' media but keeps every client up for {@code seconds} (0: no drain), so
     * repairs still in flight when the run ends reach the receivers before their loss is counted.
     */
    private void drain(int seconds) throws Exception {
        if (seconds <= 0) {
            return;
        }
        loop.execute(() -> peers.forEach(LoadPeer::stopMedia));
        sleepSeconds(seconds);
    }

    /** VideoRoom room ids are numbers; 1234 is the demo room of a default Janus config, so start above. */
    private static long janusRoom(int index) {
        return 5000 + index;
    }

    /** The floor relay's {@code host:port} (the first --url). */
    InetSocketAddress floorAddress() {
        String[] hp = options.urls.get(0).replaceFirst("^udp://", "").split(":");
        return new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
    }

    private static URI wsUri(URI base) {
        String scheme = "https".equals(base.getScheme()) ? "wss" : "ws";
        return URI.create(scheme + "://" + base.getHost() + ":" + base.getPort() + "/ws");
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static void sleepSeconds(double s) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep((long) (s * 1000));
    }

    // ------------------------------------------------------------------ sampling

    private void sampleLoop() {
        long prevCpu = -1;
        double prevT = 0;
        long self = ProcessHandle.current().pid();
        while (sampling) {
            try {
                TimeUnit.MILLISECONDS.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            double t = seconds();
            long cpu = 0;
            long rss = 0;
            boolean known = !serverPids.isEmpty();
            for (long pid : serverPids) {
                ProcStats.Sample s = ProcStats.read(pid);
                if (s == null) {
                    known = false;
                    continue;
                }
                cpu += s.cpuMicros();
                rss += s.rssKiB();
            }
            rssMax = Math.max(rssMax, rss);
            long forwarded = forwarded();
            ProcStats.Sample own = ProcStats.read(self);
            long cpuTotal = known ? cpu : -1;
            double pct = prevCpu >= 0 && cpuTotal >= 0 ? (cpuTotal - prevCpu) / 1e4 / (t - prevT) : 0;
            prevCpu = cpuTotal;
            prevT = t;
            long serverRss = rss;
            long ownCpu = own == null ? -1 : own.cpuMicros();
            // The harness's own limit in this second: its receiving threads found the loop behind.
            long waits = loop.ringFullWaits();
            long waitsThisSecond = waits - ringFullWaitsBefore;
            ringFullWaitsBefore = waits;
            String server = waitsThisSecond > 0 ? "HARNESS waited " + waitsThisSecond + "x  " : "";
            if (serverSeconds != null) {
                Map<String, Object> second = new LinkedHashMap<>();
                second.put("t", round1(t));
                second.put("harnessRingFullWaits", waitsThisSecond);
                second.putAll(serverSeconds.second());
                perSecond.add(second);
                server += ServerSeconds.summary(second);
            }
            String serverSummary = server;
            loop.execute(() -> {
                clientSide(t, cpuTotal, serverRss, forwarded, pct, ownCpu, serverSummary);
                loop.stats.stormSecond();
            });
        }
    }

    /** Loop thread: adds the clients' side of one sample. */
    private void clientSide(double t, long cpu, long rss, long forwarded, double pct, long ownCpu,
                            String serverSummary) {
        RunStats st = loop.stats;
        long expected = 0;
        long received = 0;
        long totalReceived = 0;
        for (StreamStats s : st.streams) {
            long e = s.reception.expected();
            long r = s.reception.received();
            expected += e - s.expectedMark;
            received += r - s.receivedMark;
            s.expectedMark = e;
            s.receivedMark = r;
            totalReceived += s.packets;
        }
        double loss = expected > 0 ? Math.max(0, (double) (expected - received) / expected) : 0;
        double p50 = st.intervalLatency.quantile(0.5) / 1000.0;
        double p99 = st.intervalLatency.quantile(0.99) / 1000.0;
        st.intervalLatency.clear();
        long connected = 0;
        for (LoadPeer p : peers) {
            if (p.connected()) {
                connected++;
            }
        }
        Sample s = new Sample(t, cpu, rss, forwarded, totalReceived, st.packetsSent, loss, p50, p99, connected,
                st.streams.size(), pct, ownCpu, loop.threadCpuMicros());
        synchronized (this) {
            samples.add(s);
        }
        if (options.progress) {
            System.err.printf("\r[%5.0fs] clients %d/%d  streams %d  loss %.3f%%  latency p50 %.2f ms p99 %.2f ms  server cpu %.0f%%  fwd %d  errors %d  %s   ",
                    t, connected, peers.size(), st.streams.size(), loss * 100, Math.max(0, p50), Math.max(0, p99), pct,
                    forwarded, st.errors.values().stream().mapToLong(Long::longValue).sum(),
                    serverSummary);
        }
    }

    private long forwarded() {
        switch (options.target) {
            case "floor" -> {
                return FloorRelay.queryForwarded(floorAddress());
            }
            case "janus" -> {
                return -1;
            }
            default -> {
                List<String> bodies = scrapeNodes();
                if (options.stormPeers > 0) {
                    nodeDelays.sample(bodies);
                }
                if (bodies == null) {
                    return -1;
                }
                long sum = 0;
                for (String body : bodies) {
                    long n = forwardedIn(body);
                    if (n < 0) {
                        return -1;
                    }
                    sum += n;
                }
                return sum;
            }
        }
    }

    /** Every node's /metrics text; null when one cannot be read (or the target is not Relaycast). */
    List<String> scrapeNodes() {
        if (!options.target.equals("relaycast")) {
            return null;
        }
        List<String> bodies = new ArrayList<>();
        for (URI u : options.uris()) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(u.resolve("/metrics"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    return null;
                }
                bodies.add(r.body());
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return bodies;
    }

    /** {@code relaycast_forwarded_packets_total} summed over its series (one per media worker); -1 none. */
    private static long forwardedIn(String body) {
        double sum = 0;
        boolean found = false;
        for (String line : body.split("\n")) {
            if (line.startsWith("relaycast_forwarded_packets_total")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? (long) sum : -1;
    }

    private synchronized double lossBetween(double from, double to) {
        double lost = 0;
        int n = 0;
        for (Sample s : samples) {
            if (s.t() >= from && s.t() <= to) {
                lost += s.intervalLoss();
                n++;
            }
        }
        return n == 0 ? Double.NaN : lost / n;
    }

    /** Server CPU µs per packet received by subscribers in [from, to]; NaN if unknown. */
    private synchronized double cpuPerReceived(double from, double to) {
        Sample a = null;
        Sample b = null;
        for (Sample s : samples) {
            if (s.t() >= from && s.t() <= to && s.serverCpuMicros() >= 0) {
                a = a == null ? s : a;
                b = s;
            }
        }
        if (a == null || b == a || b.received() == a.received()) {
            return Double.NaN;
        }
        return (double) (b.serverCpuMicros() - a.serverCpuMicros()) / (b.received() - a.received());
    }

    private synchronized double cpuPerForwarded(double from, double to) {
        return Result.cpuPerForwarded(samples, new Result.Window(from, to));
    }

    @Override
    public void close() throws Exception {
        sampling = false;
        if (serverSeconds != null) {
            serverSeconds.close();
        }

        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            List<CompletableFuture<?>> goodbyes = new ArrayList<>();
            for (LoadPeer p : peers) {
                try {
                    p.close();
                    goodbyes.add(p.closed());
                } catch (RuntimeException e) {
                    // best effort at the end of a run
                }
            }
            CompletableFuture.allOf(goodbyes.toArray(CompletableFuture[]::new))
                    .orTimeout(5, TimeUnit.SECONDS).whenComplete((v, e) -> done.complete(null));
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } finally {
            loop.stop();
            pool.close();
            gcPauses.close();
        }
    }
}
