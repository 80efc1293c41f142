package io.relaycast.load;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SetupHarnessCpuTest {

    /** One sample a second with the harness's cumulative CPU as given (µs). */
    private static List<Sample> samples(long... harnessCpuMicros) {
        List<Sample> out = new ArrayList<>();
        for (int i = 0; i < harnessCpuMicros.length; i++) {
            out.add(new Sample(i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, harnessCpuMicros[i], -1));
        }
        return out;
    }

    @Test
    void theBusiestSecondBeforeTheWindowCountsNotTheWindowsAverage() {
        // Seconds 0-3 are the set-up (95 %, then 40 %, 30 %), the window from 3 on runs at 30 %.
        List<Sample> s = samples(0, 950_000, 1_350_000, 1_650_000, 1_950_000, 2_250_000);
        assertEquals(95.0, Result.setupHarnessCpuMax(s, new Result.Window(3, 5)));
        // A busier second inside the window is the window's business, not the set-up's.
        List<Sample> later = samples(0, 300_000, 600_000, 900_000, 1_900_000);
        assertEquals(30.0, Result.setupHarnessCpuMax(later, new Result.Window(3, 4)));
    }

    @Test
    void unknownWithoutTwoSamplesBeforeTheWindow() {
        assertNull(Result.setupHarnessCpuMax(samples(0, 500_000), new Result.Window(0, 1)));
        assertNull(Result.setupHarnessCpuMax(List.of(), new Result.Window(0, 1)));
    }
}
