package io.relaycast.load;

import com.fasterxml.jackson.databind.ObjectMapper;

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
