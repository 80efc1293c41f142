package io.relaycast.node.bwe;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ProbeCluster}'s reading of a probe's arrivals, with arrival times as Chromium reported
 * them for probes of the node through a 300 kbit/s tc token bucket (node/e2e/simulcast.test.mjs,
 * 15 packets of 275 bytes, the last 170, sent at once).
 */
class ProbeClusterTest {
    private static final long US = 1_000L;

    private static long judge(long targetBps, long... arrivalMicros) {
        ProbeCluster probe = new ProbeCluster();
        probe.start(1, targetBps, 0);
        for (int i = 0; i < arrivalMicros.length; i++) {
            probe.onSent();
        }
        for (int i = 0; i < arrivalMicros.length; i++) {
            probe.onReport(true, 1_000_000_000L + arrivalMicros[i] * US, i == arrivalMicros.length - 1 ? 170 : 275);
        }
        assertTrue(probe.readyToJudge(0));
        return probe.judge();
    }

    @Test
    void readsTheBottleneckBehindTheBucketsCredit() {
        long bps = judge(582_000, 0, 500, 500, 500, 1750, 9750, 18000, 26000, 35000, 42000, 50250, 58250, 66250,
                74500, 80000);
        assertTrue(bps > 240_000 && bps < 300_000, "read " + bps);
    }

    /**
     * The receiver stamped a run of arrivals late and together (busy for ~30 ms): read from the
     * middle arrival alone, which was among the late ones, this probe came out at 451 kbit/s.
     */
    @Test
    void aReceiverThatStampedARunOfArrivalsLateDoesNotInflateTheReading() {
        long bps = judge(2_000_000, 0, 0, 0, 0, 1750, 9750, 47500, 47500, 47500, 47500, 71000, 71000, 71000, 74500,
                79750);
        assertTrue(bps < 300_000, "read " + bps);
    }

    @Test
    void aProbeThatArrivedAtOnceReadsAsItsTarget() {
        assertEquals(3_712_000, judge(3_712_000, 0, 0, 0, 0, 0, 250, 250, 250, 250, 250, 250, 250, 250, 250, 250));
    }

    @Test
    void tooFewArrivalsSayNothing() {
        assertEquals(-1, judge(600_000, 0, 8000, 16000, 24000));
    }
}
