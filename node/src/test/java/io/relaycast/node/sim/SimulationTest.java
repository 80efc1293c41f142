package io.relaycast.node.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12: every scenario under many seeds, every invariant after each run. A failing seed is
 * printed with the command that reruns exactly it.
 *
 * <p>{@code -Dsim.seeds=N} runs seeds 1..N (default 1000, spread over the scenarios);
 * {@code -Dsim.seed=S -Dsim.scenario="name"} reruns one; add {@code -Dsim.log=FINE} for the
 * node's logs with virtual timestamps and {@code -Dsim.trace=1} for the run's event trace.
 */
class SimulationTest {

    @Test
    void everyScenarioUnderManySeeds() {
        String only = System.getProperty("sim.scenario");
        long seeds = Long.getLong("sim.seeds", 1000);
        Long one = Long.getLong("sim.seed");
        List<String> failed = new ArrayList<>();
        long simulatedMillis = 0;
        long runs = 0;
        long started = System.nanoTime();
        for (long seed = one != null ? one : 1; seed <= (one != null ? one : seeds); seed++) {
            for (Scenario sc : Scenarios.ALL) {
                if (only != null ? !sc.name().equals(only) : one == null && pick(seed) != sc) {
                    continue;
                }
                try (Simulation s = sc.run(seed)) {
                    runs++;
                    simulatedMillis += s.sim.millis();
                    if (System.getProperty("sim.trace") != null) {
                        s.sim.trace().forEach(System.out::println);
                        System.out.println(s.summary());
                    }
                    if (!s.sim.failures().isEmpty()) {
                        String rerun = "mvn -B -pl node test -Dtest=SimulationTest -Dsim.seed=" + seed
                                + " -Dsim.scenario=\"" + sc.name() + "\" -Dsim.trace=1";
                        failed.add("scenario \"" + sc.name() + "\" seed " + seed + ": " + s.sim.failures()
                                + "\n    rerun: " + rerun);
                    }
                }
            }
        }
        long wallMillis = (System.nanoTime() - started) / 1_000_000L;
        System.out.printf("simulation: %d runs over %d scenarios, %d seeds, %.1f simulated minutes in %.1f s of real time, %d failed%n",
                runs, Scenarios.ALL.size(), one != null ? 1 : seeds, simulatedMillis / 60_000.0, wallMillis / 1000.0, failed.size());
        failed.forEach(System.out::println);
        assertTrue(runs > 0, "no scenario matched");
        assertEquals(List.of(), failed);
    }

    /** Seed n plays scenario n mod count: every scenario gets an equal share of the seeds. */
    private static Scenario pick(long seed) {
        return Scenarios.ALL.get((int) (seed % Scenarios.ALL.size()));
    }

    /**
     * The runs that found bugs (docs/simulation.md, "Bugs it found"), each failing before its fix:
     * kept by name and seed, since adding a scenario changes which scenario a seed plays above.
     */
    @Test
    void theSeedsThatFoundBugsStayFixed() {
        Object[][] found = {
                {"clients arrive while the nodes start", 12L}, {"clients arrive while the nodes start", 17L},
                {"clients arrive while the nodes start", 24L}, {"clients arrive while the nodes start", 32L},
                {"leave before the welcome", 53L}, {"leave before the welcome", 69L}, {"leave before the welcome", 77L},
                {"leave before the welcome", 87L}, {"leave before the welcome", 91L},
                {"everyone leaves at once", 2L}, {"everyone leaves at once", 3L}, {"everyone leaves at once", 6L},
                {"a subscriber pauses and resumes remote tracks", 1L}, {"a subscriber pauses and resumes remote tracks", 9L},
        };
        List<String> failed = new ArrayList<>();
        for (Object[] f : found) {
            Scenario sc = Scenarios.ALL.stream().filter(x -> x.name().equals(f[0])).findFirst().orElseThrow();
            try (Simulation s = sc.run((Long) f[1])) {
                if (!s.sim.failures().isEmpty()) {
                    failed.add(f[0] + " seed " + f[1] + ": " + s.sim.failures());
                }
            }
        }
        assertEquals(List.of(), failed);
    }

    @Test
    void theSameSeedGivesTheSameTrace() {
        // -Dsim.sameTrace=all compares every scenario (-Dsim.seed picks the seed; 42 by default).
        List<String> names = System.getProperty("sim.sameTrace") != null
                ? Scenarios.ALL.stream().map(Scenario::name).toList()
                : List.of("a room split over two nodes", "a node crashes during a renegotiation",
                "one of three nodes split off, joins meanwhile, then the heal");
        long seed = Long.getLong("sim.seed", 42);
        for (String name : names) {
            Scenario sc = Scenarios.ALL.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            List<String> first;
            try (Simulation s = sc.run(seed)) {
                first = List.copyOf(s.sim.trace());
            }
            try (Simulation s = sc.run(seed)) {
                assertEquals(first, s.sim.trace(), "scenario \"" + sc.name() + "\": seed " + seed + " ran differently twice");
            }
            assertTrue(first.size() > 10, "a trace that says nothing proves nothing");
        }
    }
}
