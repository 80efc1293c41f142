package io.relaycast.node.cluster;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.Set;

/**
 * Which nodes this node's event bus reaches: {@link BusReachability} in the node (a probe over
 * the bus), the simulated bus in the deterministic simulation.
 */
public interface Reachability {

    /** The nodes among {@code busNodeIds} that answer; never fails. Any thread. */
    Future<Set<String>> reachable(Collection<String> busNodeIds);
}
