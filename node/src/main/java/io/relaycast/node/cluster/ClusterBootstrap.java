package io.relaycast.node.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.relaycast.node.Settings;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

/**
 * The Hazelcast member a clustered node runs (settings in OPERATIONS.md, the set-up checked in
 * ../shared/CHECKED.md): TCP-IP join to the configured members (or Kubernetes discovery), bound
 * to the cluster host only, no multicast, no auto-detection, no phone-home.
 */
public final class ClusterBootstrap {
    private ClusterBootstrap() {
    }

    /** The member attribute the Vert.x cluster manager reads its node id from (the event bus's node id). */
    public static final String VERTX_NODE_ID = "__vertx.nodeId";

    public static Config config(Settings settings) {
        // ConfigUtil keeps the maps and settings the Vert.x cluster manager needs.
        Config config = ConfigUtil.loadConfig();
        // Vert.x takes its node id from this attribute when it is handed a running instance.
        config.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID, java.util.UUID.randomUUID().toString());
        config.setClusterName("relaycast");
        config.setInstanceName("relaycast-" + settings.nodeId());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "0");
        // OPERATIONS.md: a killed node's peers are reported gone within 15 s. Heartbeats every
        // second and a member declared dead after 8 s without one leave room for the rest. Not
        // less: heartbeats ride TCP, and a segment lost in a 3 s network blip is resent on TCP's
        // doubling timer (about 0.2, 0.6, 1.4, 3, 6.2 s after the loss), so the heartbeats queued
        // behind it can arrive 6 s late; a 5 s timeout turned such blips into partitions.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        // After a partition heals, the two sides become one cluster again only when the split-brain
        // check runs (Hazelcast's defaults: 300 s after start, then every 120 s); until then each
        // side's members stay invisible to the other's. A few seconds bounds the time to heal.
        config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(settings.clusterMergeFirstDelaySeconds()));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(settings.clusterMergeNextDelaySeconds()));
        config.setProperty("hazelcast.logging.type", "jdk");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.clusterPort()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).clear().addInterface(settings.clusterHost());
        network.setPublicAddress(settings.clusterHost() + ":" + settings.clusterPort());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (settings.clusterDiscovery().equals("kubernetes")) {
            join.getTcpIpConfig().setEnabled(false);
            join.getKubernetesConfig().setEnabled(true)
                    .setProperty("service-dns", settings.clusterK8sService());
        } else {
            join.getTcpIpConfig().setEnabled(true).setMembers(settings.clusterMembers().isEmpty()
                    ? java.util.List.of(settings.clusterHost() + ":" + settings.clusterPort())
                    : settings.clusterMembers());
        }
        return config;
    }

    public static HazelcastInstance start(Settings settings) {
        return Hazelcast.newHazelcastInstance(config(settings));
    }

    /** The event-bus node id of a member. */
    public static String busNodeId(com.hazelcast.cluster.Member member) {
        return member.getAttribute(VERTX_NODE_ID);
    }
}
