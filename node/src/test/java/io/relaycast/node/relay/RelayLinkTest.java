package io.relaycast.node.relay;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The link alone, sans-IO: two links wired back to back through lists of frames, time passed in. */
class RelayLinkTest {
    private static final long MS = 1_000_000L;
    private static final int BUDGET = 256 * 1024;

    /** Collects what a link sends and how often it asks to be flushed. */
    private static final class Wire implements RelayLink.Output {
        final List<RelayFrame> sent = new ArrayList<>();
        int dirtyCalls;

        @Override
        public void send(RelayLink link, RelayFrame frame) {
            sent.add(frame);
        }

        @Override
        public void dirty(RelayLink link) {
            dirtyCalls++;
        }
    }

    private static RelayLink link(Wire w, String self) {
        return new RelayLink("remote-bus", 0, "remote", "addr",
                new RelayFrameWriter(RelayLink.MAX_FRAME_BYTES, 0, 0, self + "-bus", self), BUDGET, w);
    }

    /** Delivers every frame in {@code from} to {@code to} as the endpoint would. */
    private static void deliver(Wire from, RelayLink to, long now) throws RelayFrameException {
        RelayFrameReader r = new RelayFrameReader();
        for (RelayFrame f : from.sent) {
            r.wrap(f.bytes(), 0, f.length());
            to.onFrame(r.frameSeq(), r.ackSeq(), r.ackDelayMicros(), f.length(), now);
        }
        from.sent.clear();
    }

    @Test
    void oneTurnOfPacketsIsOneFrame() throws Exception {
        Wire w = new Wire();
        RelayLink l = link(w, "a");
        byte[] p = new byte[1000];
        for (int i = 0; i < 20; i++) {
            assertTrue(l.packet(RelayFrame.RTP, 1, true, p, 0, p.length, 0));
        }
        assertEquals(1, w.dirtyCalls, "dirty once per turn");
        assertTrue(w.sent.isEmpty(), "nothing leaves before the end of the turn");
        l.flush(0);
        assertEquals(1, w.sent.size());
        RelayFrameReader r = new RelayFrameReader();
        r.wrap(w.sent.get(0).bytes(), 0, w.sent.get(0).length());
        int n = 0;
        while (r.next()) {
            n++;
        }
        assertEquals(20, n);
        assertEquals(20, l.packetsOut);
        assertEquals(1, l.framesOut);
    }

    @Test
    void aFullBatchLeavesAtOnce() {
        Wire w = new Wire();
        RelayLink l = link(w, "a");
        byte[] p = new byte[1200];
        for (int i = 0; i < 60; i++) {
            l.packet(RelayFrame.RTP, 1, false, p, 0, p.length, 0);
        }
        assertEquals(2, w.sent.size(), "60 x 1.2 KB is two full 32 KiB frames and a partial one");
        assertTrue(w.sent.get(0).length() <= RelayLink.MAX_FRAME_BYTES);
    }

    @Test
    void acknowledgementsFreeTheBudgetAndMeasureTheRtt() throws Exception {
        Wire ab = new Wire();
        Wire ba = new Wire();
        RelayLink a = link(ab, "a");
        RelayLink b = link(ba, "b");
        byte[] p = new byte[1000];
        a.packet(RelayFrame.RTP, 1, true, p, 0, p.length, 0);
        a.flush(0);
        assertTrue(a.queuedBytes() > 1000, "in flight until acknowledged");
        deliver(ab, b, 10 * MS);     // one-way 10 ms
        b.flush(12 * MS);            // held 2 ms, then an acknowledgement-only frame
        assertEquals(1, ba.sent.size());
        deliver(ba, a, 22 * MS);     // back after another 10 ms
        assertEquals(0, a.queuedBytes());
        assertEquals(20 * MS, a.rttNanos(), "RTT excludes the time the acknowledgement was held");
        // An acknowledgement-only frame is never acknowledged itself.
        a.flush(30 * MS);
        assertTrue(ab.sent.isEmpty());
    }

    @Test
    void acknowledgementsRideOnDataAndAloneAtMostEveryFewMs() throws Exception {
        Wire ab = new Wire();
        Wire ba = new Wire();
        RelayLink a = link(ab, "a");
        RelayLink b = link(ba, "b");
        byte[] p = new byte[100];
        for (int t = 0; t < 100; t++) {
            long now = t * MS;
            a.packet(RelayFrame.RTP, 1, false, p, 0, p.length, now);
            a.flush(now);
            deliver(ab, b, now);
            b.flush(now); // b has nothing to send: acknowledgements alone, rate-limited
            deliver(ba, a, now);
        }
        assertTrue(b.framesOut <= 100 / 5 + 1, "ack-only frames at most every 5 ms: " + b.framesOut);
        assertTrue(a.queuedBytes() < 10 * 150, "the budget keeps being freed: " + a.queuedBytes());
        // With data going back, the acknowledgement rides along.
        b.packet(RelayFrame.RTP, 1, false, p, 0, p.length, 200 * MS);
        a.packet(RelayFrame.RTP, 1, false, p, 0, p.length, 200 * MS);
        a.flush(200 * MS);
        deliver(ab, b, 200 * MS);
        b.flush(200 * MS);
        deliver(ba, a, 201 * MS);
        assertEquals(0, a.queuedBytes());
    }

    @Test
    void aSilentRemoteBoundsTheQueueVideoFirst() {
        Wire w = new Wire();
        RelayLink l = link(w, "a");
        byte[] video = new byte[1200];
        byte[] audio = new byte[120];
        int videoSent = 0;
        int audioSent = 0;
        int audioAfterVideoStopped = 0;
        boolean videoStopped = false;
        // Nobody acknowledges: 40 s of 1.4 Mbps video and 50 pps audio into a dead link.
        for (int ms = 0; ms < 40_000; ms++) {
            long now = ms * MS;
            if (ms % 7 == 0) {
                if (l.packet(RelayFrame.RTP, 1, true, video, 0, video.length, now)) {
                    videoSent++;
                    assertFalse(videoStopped, "no video once the video budget is used");
                } else {
                    videoStopped = true;
                }
            }
            if (ms % 20 == 0 && l.packet(RelayFrame.RTP, 2, false, audio, 0, audio.length, now)) {
                audioSent++;
                if (videoStopped) {
                    audioAfterVideoStopped++;
                }
            }
            l.flush(now);
            assertTrue(l.queuedBytes() <= BUDGET + RelayLink.MAX_FRAME_BYTES, "queue bounded: " + l.queuedBytes());
        }
        assertTrue(videoStopped);
        assertTrue(videoSent * 1203L <= BUDGET / 2 + 2000, "video used at most half the budget: " + videoSent);
        assertTrue(audioAfterVideoStopped > 0, "audio kept going after video was shed");
        assertTrue(audioSent < 40_000 / 20, "and stopped at the budget too: " + audioSent);
        assertFalse(l.recovered());
    }

    @Test
    void manySmallFramesToASilentRemoteNeverOverrunTheRing() throws Exception {
        Wire ab = new Wire();
        Wire ba = new Wire();
        RelayLink a = link(ab, "a");
        RelayLink b = link(ba, "b");
        byte[] audio = new byte[100];
        // A turn per packet (the worst case for frames), plus sender reports, nobody answering.
        for (int t = 0; t < 5000; t++) {
            a.packet(RelayFrame.RTP, 1, false, audio, 0, audio.length, t * MS);
            if (t % 3 == 0) {
                a.senderReport(1, t, t, t * MS);
            }
            a.flush(t * MS);
        }
        assertTrue(a.drops[RelayDrop.BUDGET_CONTROL.ordinal()] > 0, "control stopped at the ring's end too");
        assertFalse(a.recovered());
        // The remote worker wakes up: everything it got is acknowledged and the link recovers.
        deliver(ab, b, 6000 * MS);
        b.flush(6000 * MS);
        deliver(ba, a, 6001 * MS);
        assertEquals(0, a.queuedBytes());
        assertTrue(a.recovered());
    }
}
