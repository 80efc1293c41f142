package io.relaycast.load;

import java.nio.file.Path;
import java.util.List;

/** The harness options of the speaker tests: one audio-only room in which only one client speaks. */
final class SpeakingRoom {
    private SpeakingRoom() {
    }

    /**
     * {@code peers} clients spread round-robin over {@code urls}, audio only, 5 s measured after
     * 1 s of warm-up; only {@code speaker}'s packets carry a speech level (-20 dBov).
     */
    static Options options(List<String> urls, int peers, String speaker, Path out) {
        Options o = new Options();
        o.urls = urls;
        o.rooms = 1;
        o.peers = peers;
        o.video = false;
        o.speaker = speaker;
        o.awaitConnectedSeconds = 60;
        o.warmupSeconds = 1;
        o.durationSeconds = 5;
        o.serverPids = List.of(ProcessHandle.current().pid());
        o.out = out;
        o.progress = false;
        return o;
    }
}
