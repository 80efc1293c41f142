package io.relaycast.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 10, the loudest audio in a large room: a node told that rooms of more than three members
 * forward each subscriber only the loudest audio stream (RELAYCAST_LOUDEST_AUDIO_ROOM_SIZE=3,
 * RELAYCAST_LOUDEST_AUDIO_STREAMS=1), five real clients, only r0p1 speaking (RFC 6464 level
 * -20 dBov; everyone else's packets say silence). Every other member must receive r0p1's audio
 * without loss, and next to nothing of the four silent microphones.
 */
class LoudestAudioRoomTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void onlyTheSpeakersAudioReachesTheOthers(@TempDir Path out) throws Exception {
        try (InProcessNode node = InProcessNode.start(Map.of(
                "RELAYCAST_LOUDEST_AUDIO_ROOM_SIZE", "3", "RELAYCAST_LOUDEST_AUDIO_STREAMS", "1"))) {
            Result r = LoadTest.run(SpeakingRoom.options(List.of(node.url()), 5, "r0p1", out));
            long fromSpeaker = 0;
            long fromSilent = 0;
            int speakerStreams = 0;
            for (Map<String, Object> s : r.streams()) {
                long packets = ((Number) s.get("packets")).longValue();
                if ("r0p1".equals(s.get("publisherName"))) {
                    speakerStreams++;
                    fromSpeaker += packets;
                    assertEquals(0.0, ((Number) s.get("loss")).doubleValue(), () -> "the speaker's audio lost packets: " + s);
                } else {
                    fromSilent += packets;
                }
            }
            System.out.printf("loudest audio: %d streams from the speaker, %d packets; %d packets from the silent microphones%n",
                    speakerStreams, fromSpeaker, fromSilent);
            assertEquals(4, speakerStreams, "every other member receives the speaker");
            assertTrue(fromSpeaker >= 4 * 200, "the speaker's audio, 5 s at 50 packets/s to four members: " + fromSpeaker);
            // At most the first tick (100 ms, 5 packets) of each silent stream before the room
            // grows past three members and its first selection: 4 publishers x 4 receivers.
            assertTrue(fromSilent <= 16 * 10, "silent microphones were forwarded: " + fromSilent + " packets");
        }
    }
}
