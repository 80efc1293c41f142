package io.relaycast.node.cluster;

import com.hazelcast.config.Config;
import io.relaycast.node.Settings;
import io.relaycast.node.SettingsException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The split-brain merge delays reach Hazelcast's config: short by default, settable, validated. */
class ClusterBootstrapTest {

    private static Config config(Map<String, String> env) throws SettingsException {
        return ClusterBootstrap.config(Settings.from(env::get));
    }

    @Test
    void mergeChecksRunEveryFewSecondsByDefault() throws Exception {
        Config c = config(Map.of());
        assertEquals("5", c.getProperty("hazelcast.merge.first.run.delay.seconds"));
        assertEquals("5", c.getProperty("hazelcast.merge.next.run.delay.seconds"));
    }

    @Test
    void mergeDelaysAreSettings() throws Exception {
        Config c = config(Map.of("RELAYCAST_CLUSTER_MERGE_FIRST_DELAY_SECONDS", "12",
                "RELAYCAST_CLUSTER_MERGE_NEXT_DELAY_SECONDS", "30"));
        assertEquals("12", c.getProperty("hazelcast.merge.first.run.delay.seconds"));
        assertEquals("30", c.getProperty("hazelcast.merge.next.run.delay.seconds"));
        assertThrows(SettingsException.class, () -> config(Map.of("RELAYCAST_CLUSTER_MERGE_NEXT_DELAY_SECONDS", "0")));
    }
}
