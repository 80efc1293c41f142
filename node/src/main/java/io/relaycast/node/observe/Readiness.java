package io.relaycast.node.observe;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The node's lifecycle as {@code /ready} and the join path see it (OPERATIONS.md): starting until
 * media sockets are bound (and the cluster joined), serving, then draining after SIGTERM.
 */
public final class Readiness {

    /** Lifecycle states in order. */
    public enum State { STARTING, SERVING, DRAINING }

    private final AtomicReference<State> state = new AtomicReference<>(State.STARTING);

    public State state() {
        return state.get();
    }

    /** True once the node accepts joins and until it starts draining. */
    public boolean acceptsJoins() {
        return state.get() == State.SERVING;
    }

    public void serving() {
        state.compareAndSet(State.STARTING, State.SERVING);
    }

    public void draining() {
        state.set(State.DRAINING);
    }
}
