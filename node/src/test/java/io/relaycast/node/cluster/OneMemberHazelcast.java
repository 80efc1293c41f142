package io.relaycast.node.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.relaycast.node.Settings;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A real Hazelcast cluster of one member on a free loopback port, as the node configures it. */
final class OneMemberHazelcast {
    private OneMemberHazelcast() {
    }

    static HazelcastInstance start(String nodeId) throws Exception {
        int port = io.relaycast.testing.LoopbackPorts.freeTcpPort();
        Settings settings = Settings.from(Map.of("RELAYCAST_CLUSTER_HOST", "127.0.0.1",
                "RELAYCAST_CLUSTER_PORT", Integer.toString(port), "RELAYCAST_NODE_ID", nodeId)::get);
        return ClusterBootstrap.start(settings);
    }

    /** A test's teardown: terminates the member and closes Vert.x, either of which may be null. */
    static void stop(HazelcastInstance hazelcast, Vertx vertx) throws Exception {
        if (hazelcast != null) {
            hazelcast.getLifecycleService().terminate();
        }
        if (vertx != null) {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
