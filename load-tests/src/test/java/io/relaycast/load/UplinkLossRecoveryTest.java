package io.relaycast.load;

import io.relaycast.node.RelaycastNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 9, loss recovery in the SFU: a publisher on node A sends through an uplink that loses 5%
 * of its RTP (seeded, on the client's send side); one subscriber sits on A, one on node B of the
 * cluster. The subscribers do not NACK here, so every repair they get comes from the node's own
 * NACK generator: A notices the gaps, NACKs the publisher, forwards each RTX that fills a hole
 * once, to its local subscriber and over the relay to B. Audio (Opus negotiates no NACK, as in
 * browsers) is the control: its loss stays near 5%.
 */
class UplinkLossRecoveryTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void subscribersOnBothNodesGetThePublishersLostVideoBack(@TempDir Path out) throws Exception {
        try (InProcessCluster c = InProcessCluster.start(2)) {
            // The publisher r0p0 and subscriber r0p1 on A, subscriber r0p2 on B.
            Options o = c.roomOptions(3, 3, 10, out, 0, 0, 1);
            o.publishers = 1;
            o.bitrate = 1_000_000;
            o.sendLoss = 0.05;
            o.lossSeed = 9;
            o.receiverNacks = false;
            // Residual loss is what is left once recovery had its chance: repairs in flight when
            // the run ends get two seconds to arrive before the receivers' loss is counted.
            o.drainSeconds = 2;
            Result r = LoadTest.run(o);
            Map<String, Object> q = r.quality();
            assertEquals(0L, ((Number) q.get("clientsWithoutMedia")).longValue(), () -> "quality " + q);
            long lostVideo = ((Number) q.get("uplinkLostVideo")).longValue();
            long lostAudio = ((Number) q.get("uplinkLostAudio")).longValue();
            // Everything is printed before anything is asserted: a failure then explains itself.
            InProcessNode a = c.node(0);
            double nacks = a.metricSum("relaycast_nacks_sent_total");
            double recovered = a.metricSum("relaycast_uplink_recovered_packets_total");
            double givenUp = a.metricSum("relaycast_uplink_given_up_packets_total");
            System.out.printf("uplink loss recovery: video lost on the uplink %d (rtx lost %d, audio lost %d),"
                            + " publisher sent %s RTX for %s NACKs; node A sent %.0f NACKs, recovered %.0f, gave up %.0f%n",
                    lostVideo, q.get("uplinkLostRtx"), lostAudio, q.get("retransmissionsSent"), q.get("nacksReceived"),
                    nacks, recovered, givenUp);
            System.out.println("  client drops " + q.get("dropsByOutcome") + ", udp receive buffer errors "
                    + q.get("udpRcvbufErrors"));
            for (int n = 0; n < 2; n++) {
                // What the nodes dropped, paused or switched: where a subscriber's hole came from.
                for (String line : c.node(n).node.metrics().scrape().split("\n")) {
                    if (line.matches("relaycast_(drops_total|layer_pauses_total|layer_switches_total"
                            + "|socket_receive_drops_total|relay_drops_total)\\{.*") && !line.endsWith(" 0.0")) {
                        System.out.println("  node " + (char) ('A' + n) + " " + line);
                    }
                }
            }
            for (Map<String, Object> s : r.streams()) {
                System.out.printf("  stream %s <- %s %s: expected %s, loss %s, latency p50 %s ms, p99 %s ms,"
                                + " setup to first packet %s ms, holes %s%n",
                        s.get("receiver"), s.get("publisher"), s.get("kind"), s.get("expected"), s.get("loss"),
                        s.get("latencyP50Ms"), s.get("latencyP99Ms"), s.get("setupToFirstPacketMs"),
                        s.getOrDefault("holes", "none"));
            }
            assertTrue(lostVideo > 30 && lostAudio > 10, () -> "the uplink lost packets: " + q);
            assertTrue(((Number) q.get("retransmissionsSent")).longValue() >= lostVideo,
                    () -> "the publisher answered the node's NACKs with RTX: " + q);
            assertEquals(0L, ((Number) q.get("nacksSent")).longValue(), "receivers did not NACK");
            @SuppressWarnings("unchecked")
            Map<String, Long> drops = (Map<String, Long>) q.get("dropsByOutcome");
            assertFalse(drops.containsKey("DROPPED_SRTP_REPLAY"), () -> "no packet reached a subscriber twice: " + q);
            assertTrue(nacks > 10, () -> "A NACKed the publisher: " + nacks);
            // The lost video packets are repaired, and each repair is forwarded once: never more
            // repairs than losses. (Losses in the run's last moments may still be in flight.)
            assertTrue(recovered >= lostVideo * 0.9 && recovered <= lostVideo,
                    () -> "A recovered " + recovered + " of " + lostVideo + " lost video packets, gave up " + givenUp);
            assertEquals(0.0, c.node(1).metricSum("relaycast_uplink_recovered_packets_total"),
                    "B repairs nothing itself: the repairs come over the relay");

            List<Map<String, Object>> streams = r.streams();
            int videoStreams = 0;
            for (Map<String, Object> s : streams) {
                double loss = ((Number) s.get("loss")).doubleValue();
                long expected = ((Number) s.get("expected")).longValue();
                if ("video".equals(s.get("kind"))) {
                    videoStreams++;
                    assertTrue(expected > 800, () -> "enough video to measure: " + s);
                    assertTrue(loss < 0.005, () -> "residual video loss after recovery under 0.5%: " + s);
                } else {
                    assertTrue(loss > 0.02, () -> "audio is not NACKed, its uplink loss shows: " + s);
                }
            }
            assertEquals(2, videoStreams, () -> "video at r0p1 (node A) and r0p2 (node B): " + streams);
        }
    }
}
