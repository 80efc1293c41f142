package io.relaycast.load;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line settings of one load run; see {@link #USAGE}. */
final class Options {
    static final String USAGE = """
            usage: java -jar relaycast-load.jar [options]
              --target relaycast|floor|janus   server kind (default relaycast)
              --url URL[,URL...]               relaycast: node base URLs (http://127.0.0.1:3000), clients round-robin;
                                               janus: http://127.0.0.1:8088/janus; floor: udp relay host:port
              --rooms N                        rooms (default 1)
              --peers N                        peers per room (default 3)
              --publishers N                   publishing peers per room (default: all)
              --duration S                     seconds of measurement after the last client started (default 30)
              --ramp-up N                      clients started per second (default 20)
              --dtls-threads N                 the clients' DTLS handshakes at once (default 256): BouncyCastle holds
                                               a thread for a whole handshake, mostly waiting for the server, so
                                               this bounds joins in flight
              --receive-threads N              threads reading the clients' sockets and stamping arrivals
                                               (default 1; more only help a harness with cores to spare)
              --bitrate BPS                    video bitrate per publisher (default 1500000)
              --no-video                       audio only
              --bind ADDR                      local address of client sockets (default 127.0.0.1)
              --server-pid PID[,PID]           server processes to sample (default: found by command line)
              --server-queue-period MS         read the server's UDP receive queues this often for the
                                               per-second record (default 0 = not read: at 50 ms the reads
                                               slowed the harness's set-up of fanout200
                                               several times over)
              --ramp                           add --rooms rooms per step until loss > --loss-threshold
              --ramp-step S                    seconds per ramp step (default 15)
              --ramp-max-steps N               (default 20)
              --loss-threshold F               (default 0.005)
              --receive-loss F                 fraction of received media each client throws away (default 0)
              --send-loss F                    fraction of RTP each publisher throws away before sending: a lossy
                                               uplink, seeded by --loss-seed (default 0)
              --loss-seed N                    seed of the simulated uplink loss (default 1)
              --no-receiver-nacks              receivers do not NACK their gaps
              --await-connected S              before the warmup, wait up to S seconds for every client to connect
              --drain S                        after the run, stop media and wait S seconds for late repairs (default 0)
              --storm N                        a join storm: N more peers (a multiple of --peers, in new rooms)
                                               join within --storm-seconds after --storm-after seconds of the
                                               calls in progress; the result's "storm" part compares those
                                               calls' latency (client side, and the node's own forwarding
                                               delay and loop delay) before and during it, and gives the
                                               joiners' join -> first packet
              --storm-seconds S                (default 2)
              --storm-after S                  seconds of the calls in progress measured before the storm (default 10)
              --speaker NAME                   only the client NAME (e.g. r0p1) speaks: its audio carries level
                                               -20 dBov, everyone else's silence (default: all talk, -30..-69)
              --simulcast                      relaycast only: every video publisher sends three layers q, h, f (rid
                                               header extensions, no a=ssrc for them) at 1/16, 1/4 and all of
                                               --bitrate, 320x180, 640x360 and 1280x720; the result's "layers" part
                                               says which layer each subscriber got, from the node's layer messages
                                               and from the layer marked in each packet
              --simulcast-top-silent           with --simulcast: the top layer f is offered but never sent, as
                                               Chromium does while its estimate cannot carry it
              --prefer-height H                a share of the subscribers (--prefer-fraction) sends setPreferences
                                               {maxHeight: H} for every remote video track (e.g. 180: layer q)
              --prefer-fraction F              that share, spread evenly over each room's peers (default 0.5)
              --warmup S                       seconds excluded from the CPU figure after the last start (default 5)
              --prewarm S                      first run the same scenario S seconds in this JVM and set it aside
                                               (its result goes to DIR-prewarm): warms the server and this
                                               harness's own JIT, so set-up is not timed on cold code (default 0)
              --out DIR                        where result.json and report.html go (default load-results)
              --label TEXT                     a name for the run in the report
            """;

    String target = "relaycast";
    List<String> urls = new ArrayList<>(List.of("http://127.0.0.1:3000"));
    int rooms = 1;
    int peers = 3;
    int publishers = -1;
    int durationSeconds = 30;
    double rampUpPerSecond = 20;
    /** Threads of the clients' shared DTLS handshake pool: how many handshakes run at once. */
    int dtlsThreads = 256;
    int receiveThreads = 1;
    int serverQueuePeriodMillis = 0;
    int bitrate = 1_500_000;
    boolean video = true;
    InetAddress bind;
    List<Long> serverPids = new ArrayList<>();
    boolean ramp;
    int rampStepSeconds = 15;
    int rampMaxSteps = 20;
    double lossThreshold = 0.005;
    /**
     * Fraction of received media packets each client throws away before looking at them: a lossy
     * downlink, so receivers NACK and the node's retransmission path is exercised (0 = off).
     */
    double receiveLoss = 0;
    /**
     * Fraction of the RTP packets (media and RTX, audio and video) each publisher throws away
     * instead of sending: a lossy uplink, so the node's own NACKs are exercised (0 = off).
     * Deterministic: each client's draw is seeded from {@link #lossSeed} and its name.
     */
    double sendLoss = 0;
    long lossSeed = 1;
    /** Whether receivers NACK the gaps they see (browsers do). */
    boolean receiverNacks = true;
    int warmupSeconds = 5;
    /** Seconds of the same scenario run first in this JVM and set aside (0: none). */
    int prewarmSeconds = 0;
    /** Peers joining in the storm (0: no storm), within this many seconds, after this many of calls. */
    int stormPeers = 0;
    double stormSeconds = 2;
    int stormAfterSeconds = 10;
    /** The one client whose audio is loud (others silent); null: every publisher talks. */
    String speaker;
    /** Before the warmup, wait up to this long for every client to connect (0 = start the clock at once). */
    int awaitConnectedSeconds = 0;
    /** After the measurement, publishers stop and the clients stay up this long before the result (0 = none). */
    int drainSeconds = 0;
    /** Video publishers send three simulcast layers (relaycast only). */
    boolean simulcast;
    /** With {@link #simulcast}: the top layer is offered but not sent. */
    boolean simulcastTopSilent;
    /** maxHeight that {@link #preferFraction} of the subscribers ask for (-1: nobody asks). */
    int preferHeight = -1;
    double preferFraction = 0.5;
    Path out = Path.of("load-results");
    String label = "";
    boolean progress = true;

    Options() {
        try {
            bind = InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    int publishersPerRoom() {
        return publishers < 0 ? peers : Math.min(publishers, peers);
    }

    /** Subscriber streams (publisher, subscriber) pairs in {@code rooms} rooms; audio and video count once. */
    long subscriberStreams(int roomCount) {
        long p = publishersPerRoom();
        return roomCount * (p * (peers - 1L));
    }

    List<URI> uris() {
        return urls.stream().map(URI::create).toList();
    }

    /**
     * The host of each --url: Relaycast and Janus take URLs ({@code http://host:port/...}), the
     * floor relay {@code host:port}.
     */
    List<String> serverHosts() {
        return urls.stream().map(u -> u.contains("://") ? URI.create(u).getHost()
                : u.substring(0, Math.max(0, u.lastIndexOf(':')))).filter(h -> h != null && !h.isEmpty()).toList();
    }

    static Options parse(String[] args) throws UnknownHostException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            java.util.function.Supplier<String> next = nextOf(args, i);
            switch (a) {
                case "--target" -> o.target = next.get();
                case "--url" -> o.urls = List.of(next.get().split(","));
                case "--rooms" -> o.rooms = Integer.parseInt(next.get());
                case "--peers" -> o.peers = Integer.parseInt(next.get());
                case "--publishers" -> o.publishers = Integer.parseInt(next.get());
                case "--duration" -> o.durationSeconds = Integer.parseInt(next.get());
                case "--ramp-up" -> o.rampUpPerSecond = Double.parseDouble(next.get());
                case "--dtls-threads" -> o.dtlsThreads = Integer.parseInt(next.get());
                case "--receive-threads" -> o.receiveThreads = Integer.parseInt(next.get());
                case "--server-queue-period" -> o.serverQueuePeriodMillis = Integer.parseInt(next.get());
                case "--bitrate" -> o.bitrate = Integer.parseInt(next.get());
                case "--no-video" -> o.video = false;
                case "--bind" -> o.bind = InetAddress.getByName(next.get());
                case "--server-pid", "--node-pid" -> {
                    for (String p : next.get().split(",")) {
                        o.serverPids.add(Long.parseLong(p.trim()));
                    }
                }
                case "--ramp" -> o.ramp = true;
                case "--ramp-step" -> o.rampStepSeconds = Integer.parseInt(next.get());
                case "--ramp-max-steps" -> o.rampMaxSteps = Integer.parseInt(next.get());
                case "--loss-threshold" -> o.lossThreshold = Double.parseDouble(next.get());
                case "--receive-loss" -> o.receiveLoss = Double.parseDouble(next.get());
                case "--send-loss" -> o.sendLoss = Double.parseDouble(next.get());
                case "--loss-seed" -> o.lossSeed = Long.parseLong(next.get());
                case "--no-receiver-nacks" -> o.receiverNacks = false;
                case "--storm" -> o.stormPeers = Integer.parseInt(next.get());
                case "--storm-seconds" -> o.stormSeconds = Double.parseDouble(next.get());
                case "--storm-after" -> o.stormAfterSeconds = Integer.parseInt(next.get());
                case "--speaker" -> o.speaker = next.get();
                case "--warmup" -> o.warmupSeconds = Integer.parseInt(next.get());
                case "--prewarm" -> o.prewarmSeconds = Integer.parseInt(next.get());
                case "--await-connected" -> o.awaitConnectedSeconds = Integer.parseInt(next.get());
                case "--drain" -> o.drainSeconds = Integer.parseInt(next.get());
                case "--out" -> o.out = Path.of(next.get());
                case "--label" -> o.label = next.get();
                case "--no-progress" -> o.progress = false;
                case "--simulcast" -> o.simulcast = true;
                case "--simulcast-top-silent" -> o.simulcastTopSilent = true;
                case "--prefer-height" -> o.preferHeight = Integer.parseInt(next.get());
                case "--prefer-fraction" -> o.preferFraction = Double.parseDouble(next.get());
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
            if (a.startsWith("--") && !a.equals("--no-video") && !a.equals("--ramp") && !a.equals("--no-progress")
                    && !a.equals("--no-receiver-nacks") && !a.equals("--simulcast")
                    && !a.equals("--simulcast-top-silent")) {
                i++;
            }
        }
        if (!List.of("relaycast", "floor", "janus").contains(o.target)) {
            throw new IllegalArgumentException("--target must be relaycast, floor or janus");
        }
        if (o.peers < 2 || o.rooms < 1) {
            throw new IllegalArgumentException("--peers must be at least 2 and --rooms at least 1");
        }
        if (o.prewarmSeconds < 0) {
            throw new IllegalArgumentException("--prewarm must not be negative");
        }
        if (o.receiveThreads < 1 || o.receiveThreads > 64) {
            throw new IllegalArgumentException("--receive-threads must be within 1..64");
        }
        if (o.serverQueuePeriodMillis < 0) {
            throw new IllegalArgumentException("--server-queue-period must not be negative");
        }
        if (o.dtlsThreads < 1 || o.dtlsThreads > 1024) {
            throw new IllegalArgumentException("--dtls-threads must be within 1..1024");
        }
        if (o.stormPeers > 0 && (o.ramp || o.stormSeconds <= 0 || o.stormAfterSeconds < 1
                || o.stormPeers % o.peers != 0 || o.target.equals("floor"))) {
            throw new IllegalArgumentException("--storm needs a multiple of --peers, --storm-seconds > 0,"
                    + " --storm-after >= 1, no --ramp and a relaycast or janus target");
        }
        if ((o.simulcast || o.preferHeight >= 0) && !o.target.equals("relaycast")) {
            throw new IllegalArgumentException("--simulcast and --prefer-height need --target relaycast: the "
                    + o.target + " client of this harness publishes a single layer and sends no setPreferences");
        }
        if (o.simulcastTopSilent && !o.simulcast) {
            throw new IllegalArgumentException("--simulcast-top-silent needs --simulcast");
        }
        if (o.simulcast && !o.video) {
            throw new IllegalArgumentException("--simulcast needs video (no --no-video)");
        }
        if (o.preferFraction < 0 || o.preferFraction > 1 || o.preferHeight < -1) {
            throw new IllegalArgumentException("--prefer-fraction must be within 0..1 and --prefer-height >= 0");
        }
        if (!WebRtcSession.isLocal(o.bind)) {
            throw new IllegalArgumentException("--bind must be loopback or an address of this host/namespace");
        }
        return o;
    }

    /**
     * Whether the client named "r<room>p<i>" asks for lower layers: in every room the same
     * {@link #preferFraction} of the peers, spread evenly (0.5 of 10: p1, p3, p5, p7, p9).
     */
    boolean prefers(String name) {
        if (preferHeight < 0) {
            return false;
        }
        int i;
        try {
            i = Integer.parseInt(name.substring(name.indexOf('p') + 1));
        } catch (RuntimeException e) {
            return false;
        }
        return Math.floor((i + 1) * preferFraction) > Math.floor(i * preferFraction);
    }

    /** Rooms the storm's peers join: new rooms of {@link #peers}. */
    int stormRooms() {
        return stormPeers / peers;
    }

    private static java.util.function.Supplier<String> nextOf(String[] args, int i) {
        return () -> {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            return args[i + 1];
        };
    }
}
