package io.relaycast.bench;

import io.relaycast.dtls.DtlsCertificate;
import io.relaycast.dtls.DtlsEndpoint;
import io.relaycast.dtls.DtlsEvent;
import io.relaycast.dtls.DtlsHandshakePool;
import io.relaycast.dtls.DtlsRole;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A burst of DTLS handshakes against one server-side {@link DtlsHandshakePool}, over a network
 * with a round-trip time: how long joins wait for DTLS with the pool's bounds.
 *
 * <p>Why a benchmark of its own: BouncyCastle's handshake holds its pool thread while it waits a
 * round trip for the peer's next flight. Over loopback (every bench.sh scenario) a round trip is
 * a few microseconds, so a pool bounded by threads looks like a pool bounded by CPU; over the
 * 50-300 ms of real clients, four threads per core carry at most four handshakes per couple of
 * round trips, whatever the CPU. Here the clients (a pool that never limits them) and the server
 * endpoints run in one process, joined by a delay line on one driver thread that plays the
 * caller of every endpoint (their inputs, outputs and timers, as the node's media worker does).
 *
 * <p>Run: {@code java -cp load-tests/target/relaycast-benchmarks.jar io.relaycast.bench.DtlsJoinBurst
 * [--handshakes 200] [--rtt-ms 100] [--server 4/4,128/C]} where each {@code threads/computing}
 * pair is one server pool to measure (C: the process's core count). Prints one line per pool:
 * the clients' start -> connected p50/p95/p99/max, flights resent, the pool's peak.
 */
public final class DtlsJoinBurst {
    private DtlsJoinBurst() {
    }

    private record Delivery(long at, long order, int endpoint, byte[] data) {
    }

    public static void main(String[] args) throws Exception {
        int handshakes = 200;
        int rttMillis = 100;
        String servers = "4/4,128/C";
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--handshakes" -> handshakes = Integer.parseInt(args[i + 1]);
                case "--rtt-ms" -> rttMillis = Integer.parseInt(args[i + 1]);
                case "--server" -> servers = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (--handshakes N, --rtt-ms MS, --server threads/computing,...)");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        SecureRandom random = new SecureRandom();
        Instant now = Instant.now();
        DtlsCertificate clientCert = DtlsCertificate.generate(random, now);
        DtlsCertificate serverCert = DtlsCertificate.generate(random, now);
        System.out.println(handshakes + " handshakes started at once, round trip " + rttMillis + " ms, " + cores
                + " core(s); clients on a pool that never limits them");
        // A first pass warms the JIT, as a node that has run for a while is warm.
        run(Math.min(50, handshakes), rttMillis, 64, 64, clientCert, serverCert, false);
        for (String spec : servers.split(",")) {
            String[] p = spec.split("/");
            int threads = Integer.parseInt(p[0]);
            int computing = p[1].equals("C") ? cores : Integer.parseInt(p[1]);
            run(handshakes, rttMillis, threads, computing, clientCert, serverCert, true);
        }
    }

    private static void run(int n, int rttMillis, int threads, int computing, DtlsCertificate clientCert,
                            DtlsCertificate serverCert, boolean print) throws InterruptedException {
        long oneWay = TimeUnit.MILLISECONDS.toNanos(rttMillis) / 2;
        Thread driver = Thread.currentThread();
        ConcurrentLinkedQueue<Integer> woken = new ConcurrentLinkedQueue<>();
        // Endpoint 2i is client i, 2i+1 its server.
        DtlsEndpoint[] endpoints = new DtlsEndpoint[2 * n];
        try (DtlsHandshakePool clientPool = new DtlsHandshakePool(n, 4 * n, 60_000);
             DtlsHandshakePool serverPool = new DtlsHandshakePool(threads, computing, 4 * n, 60_000)) {
            for (int i = 0; i < 2 * n; i++) {
                int index = i;
                Runnable wakeup = () -> {
                    woken.add(index);
                    LockSupport.unpark(driver);
                };
                endpoints[i] = i % 2 == 0
                        ? new DtlsEndpoint(DtlsRole.CLIENT, clientCert, serverCert.fingerprint(), clientPool, wakeup,
                                new SecureRandom())
                        : new DtlsEndpoint(DtlsRole.SERVER, serverCert, clientCert.fingerprint(), serverPool, wakeup,
                                new SecureRandom());
            }
            long cpuBefore = processCpuNanos();
            long start = System.nanoTime();
            for (int i = 0; i < 2 * n; i++) {
                endpoints[i].start(start);
                woken.add(i);
            }
            long[] connectedAfter = new long[n];
            Arrays.fill(connectedAfter, -1);
            int ended = 0;
            int failed = 0;
            int peakRunning = 0;
            int peakQueued = 0;
            PriorityQueue<Delivery> inFlight = new PriorityQueue<>(
                    (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
            long order = 0;
            long deadline = start + TimeUnit.SECONDS.toNanos(120);
            long nextTimerSweep = start;
            while (ended < n && System.nanoTime() < deadline) {
                long t = System.nanoTime();
                for (Integer i = woken.poll(); i != null; i = woken.poll()) {
                    DtlsEndpoint e = endpoints[i];
                    for (byte[] d = e.pollTransmit(); d != null; d = e.pollTransmit()) {
                        inFlight.add(new Delivery(t + oneWay, order++, i ^ 1, d));
                    }
                    for (DtlsEvent ev = e.pollEvent(); ev != null; ev = e.pollEvent()) {
                        if (i % 2 == 0 && connectedAfter[i / 2] < 0) {
                            if (ev instanceof DtlsEvent.Connected) {
                                connectedAfter[i / 2] = t - start;
                                ended++;
                            } else if (ev instanceof DtlsEvent.Failed || ev instanceof DtlsEvent.Closed) {
                                connectedAfter[i / 2] = Long.MAX_VALUE;
                                ended++;
                                failed++;
                            }
                        }
                    }
                }
                while (!inFlight.isEmpty() && inFlight.peek().at <= t) {
                    Delivery d = inFlight.poll();
                    endpoints[d.endpoint].handleDatagram(t, d.data, 0, d.data.length);
                }
                if (t >= nextTimerSweep) {
                    for (DtlsEndpoint e : endpoints) {
                        if (e.nextTimeoutNanos() <= t) {
                            e.handleTimeout(t);
                        }
                    }
                    nextTimerSweep = t + TimeUnit.MILLISECONDS.toNanos(5);
                    peakRunning = Math.max(peakRunning, serverPool.activeCount());
                    peakQueued = Math.max(peakQueued, serverPool.queuedCount());
                }
                long wake = Math.min(nextTimerSweep, inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().at);
                if (woken.isEmpty() && wake > System.nanoTime()) {
                    LockSupport.parkNanos(wake - System.nanoTime());
                }
            }
            long cpu = processCpuNanos() - cpuBefore;
            long clientResends = 0;
            long serverResends = 0;
            for (int i = 0; i < 2 * n; i++) {
                long r = endpoints[i].stats().timerRetransmissions();
                if (i % 2 == 0) {
                    clientResends += r;
                } else {
                    serverResends += r;
                }
                endpoints[i].close();
            }
            if (print) {
                long[] sorted = connectedAfter.clone();
                Arrays.sort(sorted);
                System.out.printf("server pool %3d threads, %3d computing: connected p50 %6.0f  p95 %6.0f  p99 %6.0f"
                                + "  max %6.0f ms; %d failed or unfinished; flights resent: server %d, clients %d;"
                                + " pool peak %d running, %d queued; process CPU %.0f ms%n",
                        threads, computing, ms(quantile(sorted, 0.50)), ms(quantile(sorted, 0.95)),
                        ms(quantile(sorted, 0.99)), ms(sorted[n - 1]), failed + (n - ended), serverResends,
                        clientResends, peakRunning, peakQueued, cpu / 1e6);
            }
        }
    }

    private static long quantile(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
        return nanos < 0 || nanos == Long.MAX_VALUE ? -1 : nanos / 1e6;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
