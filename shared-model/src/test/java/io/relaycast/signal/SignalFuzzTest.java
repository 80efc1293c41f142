package io.relaycast.signal;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.testing.FuzzBudget;
import io.relaycast.testing.TestVectors;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the signaling JSON codec (docs/fuzzing.md, PROTOCOL.md). Every
 * input is decoded as a client frame (what the node does with a WebSocket text frame) and as a
 * server frame (what a Java client does). Promised: a frame decodes or is refused with {@link
 * SignalException}, nothing else; a decoded message encodes to a frame that decodes to the same
 * message.
 */
class SignalFuzzTest {
    private static final SignalCodec CODEC = new SignalCodec();

    /** One frame of every message type both ways, the offers carrying the SDP test vectors. */
    static List<byte[]> seeds() {
        String sdp = TestVectors.text("sdp/chrome-120-offer-audio-video.sdp");
        List<String> frames = new ArrayList<>();
        for (ClientMessage m : List.of(new ClientMessage.Join("room-1.a_B", "Ann ✓", "t0k"),
                new ClientMessage.Join("r", null, null), new ClientMessage.Offer(sdp), new ClientMessage.Answer(sdp),
                new ClientMessage.IceCandidate(new CandidateInit("candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0)),
                new ClientMessage.IceCandidate(null), new ClientMessage.Leave(), new ClientMessage.Ping())) {
            frames.add(CODEC.encode(m));
        }
        for (ServerMessage m : List.of(new ServerMessage.Welcome("p1", "r", List.of(new PeerInfo("p0", "Bo")), "n1"),
                new ServerMessage.Answer(sdp), new ServerMessage.Offer(sdp),
                new ServerMessage.IceCandidate(new CandidateInit("c", null, null)),
                new ServerMessage.PeerJoined(new PeerInfo("p2", null)), new ServerMessage.PeerLeft("p2"),
                new ServerMessage.Pong(), new ServerMessage.Error(ErrorCode.ROOM_FULL, "full"))) {
            frames.add(CODEC.encode(m));
        }
        frames.add("{\"type\":\"join\",\"roomId\":\"r\",\"extra\":[1,{\"a\":[null,true,1.5e3]}]}");
        List<byte[]> seeds = new ArrayList<>();
        for (String f : frames) {
            seeds.add(f.getBytes(StandardCharsets.UTF_8));
        }
        return seeds;
    }

    @MethodSource("seeds")
    @FuzzTest
    void decode(byte[] input) {
        String frame = new String(input, StandardCharsets.UTF_8);
        FuzzBudget.run(input.length, FuzzBudget.TEXT_BYTES_PER_INPUT_BYTE, () -> {
            try {
                ClientMessage m = CODEC.decodeClient(frame);
                String again = CODEC.encode(m);
                if (!m.equals(CODEC.decodeClient(again))) {
                    throw new AssertionError("client message does not survive encode/decode: " + again);
                }
            } catch (SignalException refused) {
                // bad_request for the peer
            }
            try {
                ServerMessage m = CODEC.decodeServer(frame);
                String again = CODEC.encode(m);
                if (!m.equals(CODEC.decodeServer(again))) {
                    throw new AssertionError("server message does not survive encode/decode: " + again);
                }
            } catch (SignalException refused) {
                // a client drops it
            }
        });
    }
}
