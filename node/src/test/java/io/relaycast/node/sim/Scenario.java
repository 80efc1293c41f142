package io.relaycast.node.sim;

import java.util.function.Consumer;

/**
 * A named simulation plan: how many nodes, and a short script against the {@link Simulation}
 * DSL. Scripts draw their timings and choices from the run's seed ({@code s.sim.random()}), so
 * every seed plays the plan differently and the same seed plays it the same way.
 */
record Scenario(String name, int nodes, int workersPerNode, long startupMillis, Consumer<Simulation> script) {
    /** With more than one worker per node, a room spreads onto the next worker from this many local peers on. */
    static final int SPREAD_PEERS_PER_WORKER = 2;

    /** Clients arrive a second after the nodes start, when the cluster has settled. */
    Scenario(String name, int nodes, Consumer<Simulation> script) {
        this(name, nodes, 1, 1000, script);
    }

    Scenario(String name, int nodes, long startupMillis, Consumer<Simulation> script) {
        this(name, nodes, 1, startupMillis, script);
    }

    /** Runs this plan under {@code seed} and checks the invariants; returns the finished simulation. */
    Simulation run(long seed) {
        Simulation s = new Simulation(seed, nodes, workersPerNode, startupMillis);
        s.sim.trace("scenario " + name + " seed " + seed);
        try {
            script.accept(s);
        } catch (RuntimeException e) {
            s.sim.fail("the script itself failed: " + e);
        }
        s.settleAndCheck();
        return s;
    }

    @Override
    public String toString() {
        return name;
    }
}
