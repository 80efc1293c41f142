package io.relaycast.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 10, dominant speaker across nodes: a room of four real clients over two nodes (two on
 * each), where only r0p1 (on node B) speaks: its audio packets carry RFC 6464 level -20 dBov,
 * everyone else's silence. Every member, on both nodes and the speaker included, must be told
 * that r0p1 is the dominant speaker, and nobody else is ever named.
 */
class DominantSpeakerTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyMemberOnEveryNodeHearsWhoSpeaks(@TempDir Path out) throws Exception {
        int[] cluster = InProcessNode.freeTcpPorts(2);
        List<InProcessNode> nodes = new ArrayList<>();
        try {
            nodes.add(InProcessNode.startClustered("node-a", cluster[0], cluster, Map.of()));
            nodes.add(InProcessNode.startClustered("node-b", cluster[1], cluster, Map.of()));
            // Round-robin: r0p0 and r0p2 on A, r0p1 and r0p3 on B.
            Result r = LoadTest.run(SpeakingRoom.options(List.of(nodes.get(0).url(), nodes.get(1).url()), 4, "r0p1", out));
            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            @SuppressWarnings("unchecked")
            Map<String, List<String>> told = (Map<String, List<String>>) q.get("dominantSpeakers");
            System.out.println("dominantSpeaker messages per member: " + told);
            for (String member : List.of("r0p0", "r0p1", "r0p2", "r0p3")) {
                List<String> seen = told.getOrDefault(member, List.of());
                assertFalse(seen.isEmpty(), () -> member + " was never told who speaks: " + told);
                assertEquals(List.of("r0p1"), seen.stream().distinct().toList(),
                        () -> member + " was told of someone else: " + told);
            }
        } finally {
            for (InProcessNode n : nodes) {
                n.close();
            }
        }
    }
}
