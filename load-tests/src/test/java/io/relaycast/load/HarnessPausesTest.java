package io.relaycast.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The harness's own GC pauses, and how they make it judge a run. */
class HarnessPausesTest {

    @Test
    void aCollectionOfThisJvmIsRecordedAsAPauseAtItsRunTime() throws Exception {
        try (HarnessPauses pauses = new HarnessPauses(() -> 42.0)) {
            System.gc();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (pauses.within(0, 100).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<HarnessPauses.Pause> seen = pauses.within(0, 100);
            assertFalse(seen.isEmpty(), "System.gc() is a stop-the-world collection on every collector a harness runs with");
            assertEquals(42.0, seen.get(0).endSeconds());
            assertTrue(seen.get(0).millis() >= 0);
            assertTrue(pauses.within(50, 100).isEmpty(), "outside the window");
        }
    }

    @Test
    void concurrentCollectorBeansAreNotPauses() {
        assertTrue(HarnessPauses.isConcurrent("ZGC Cycles"));
        assertTrue(HarnessPauses.isConcurrent("G1 Concurrent GC"));
        assertTrue(HarnessPauses.isConcurrent("Shenandoah Cycles"));
        assertFalse(HarnessPauses.isConcurrent("ZGC Pauses"));
        assertFalse(HarnessPauses.isConcurrent("Copy"));
        assertFalse(HarnessPauses.isConcurrent("G1 Young Generation"));
    }

    @Test
    void cyclesAreKeptApartFromPausesAndListedWithTheirEnds() {
        try (HarnessPauses pauses = new HarnessPauses(() -> 7.0)) {
            pauses.recordCycle(12.5, 180.4);
            pauses.recordCycle(40.0, 90.0);
            assertTrue(pauses.within(0, 100).isEmpty(), "a cycle is not a pause");
            List<HarnessPauses.Pause> inWindow = pauses.cyclesWithin(0, 30);
            assertEquals(1, inWindow.size());
            Map<String, Object> listed = Result.gcCycles(inWindow);
            assertEquals(1, listed.get("count"));
            assertEquals(List.of("12.5 s (180.0 ms)"), listed.get("ended"));
        }
    }

    @Test
    void aPauseOverTheLimitMakesTheHarnessLimitedAndIsReported() {
        Result r = new Result(new java.util.LinkedHashMap<>(java.util.Map.of("headline", new java.util.LinkedHashMap<>())));
        r.judgeHarness(0, 0, List.of(new HarnessPauses.Pause(1, 3.0), new HarnessPauses.Pause(2, 25.0)), 1);
        assertEquals(true, r.headline().get("harnessLimited"));
        assertTrue(r.harnessWarnings().get(0).contains("longest 25.0 ms"), r.harnessWarnings().toString());
        Result quiet = new Result(new java.util.LinkedHashMap<>(java.util.Map.of("headline", new java.util.LinkedHashMap<>())));
        quiet.judgeHarness(0, 0, List.of(new HarnessPauses.Pause(1, 3.0)), 1);
        assertEquals(false, quiet.headline().get("harnessLimited"));
    }
}
