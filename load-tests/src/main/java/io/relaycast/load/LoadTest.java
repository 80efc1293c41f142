package io.relaycast.load;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.util.Map;

/**
 * The load harness: {@code java -jar load-tests/target/relaycast-load.jar --help}. Starts the
 * scenario's headless clients against Relaycast node(s), Janus or the floor relay, prints a
 * progress line every second, and writes {@code result.json} and {@code report.html} into
 * {@code --out}. Exits 0 when every client connected and received media, 1 otherwise, 2 on a
 * usage error.
 */
public final class LoadTest {
    private LoadTest() {
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        if (o.prewarmSeconds > 0) {
            prewarm(args, o);
        }
        Result r = run(o);
        System.err.println();
        ObjectMapper json = new ObjectMapper();
        System.out.println("headline " + json.writeValueAsString(r.headline()));
        Map<String, Object> q = r.quality();
        System.out.println("quality  " + json.writeValueAsString(q));
        if (r.tree.containsKey("storm")) {
            System.out.println("storm    " + json.writeValueAsString(r.tree.get("storm")));
        }
        if (r.layersSummary() != null) {
            System.out.println("layers   " + r.layersSummary());
        }
        for (String w : r.harnessWarnings()) {
            System.out.println("HARNESS LIMITED: " + w);
        }
        for (String w : r.harnessSetupWarnings()) {
            System.out.println("HARNESS LIMITED DURING SET-UP: " + w);
        }
        System.out.println("wrote " + o.out.resolve("result.json") + " and " + o.out.resolve("report.html"));
        boolean ok = ((Number) q.get("clientsWithoutMedia")).longValue() == 0
                && ((Number) q.get("srtpAuthFailures")).longValue() == 0;
        System.exit(ok ? 0 : 1);
    }

    /**
     * The same scenario for --prewarm seconds, set aside: the server's JIT and this JVM's are warm
     * for the measured run (a harness that starts cold spends most of a big room's set-up
     * compiling itself, and its join times are then its own). Its reports go beside the measured
     * run's, as DIR-prewarm; its clients leave before the measured run starts.
     */
    private static void prewarm(String[] args, Options o) throws Exception {
        Options pre = Options.parse(args);
        pre.prewarmSeconds = 0;
        pre.durationSeconds = o.prewarmSeconds;
        pre.out = Path.of(o.out + "-prewarm");
        pre.label = o.label + " prewarm";
        pre.progress = false;
        System.err.println("prewarm: the same scenario for " + o.prewarmSeconds + " s first, set aside in " + pre.out);
        Result r = run(pre);
        System.err.println("prewarm done: " + new ObjectMapper().writeValueAsString(r.headline()));
        // Collect now, with no client connected, so that the measured run starts with an empty
        // heap: its clients' set-up allocates fast, and with the prewarm's garbage still in the
        // heap that brought a concurrent cycle into the start of the window (fanout200, s17-l:
        // a 1.9 s cycle ending 8.2 s into the run, whose seconds read 135, 48 and 49 ms p99;
        // on its one core the cycle's worker competes with the receiving thread).
        System.gc();
    }

    /** Runs a scenario to the end and writes its reports. */
    static Result run(Options o) throws Exception {
        Result r;
        try (Harness h = new Harness(o)) {
            r = h.run();
        }
        r.write(o.out);
        return r;
    }
}
