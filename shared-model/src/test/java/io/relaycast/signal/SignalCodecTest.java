package io.relaycast.signal;

import io.relaycast.testing.HostileInputs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalCodecTest {
    private final SignalCodec codec = new SignalCodec();

    @Test
    void decodesEveryClientMessage() throws Exception {
        ClientMessage.Join join = (ClientMessage.Join) codec.decodeClient(
                "{\"type\":\"join\",\"roomId\":\"room-1.a_B\",\"name\":\"Ann\",\"token\":\"t\",\"extra\":[1,2]}");
        assertEquals(new ClientMessage.Join("room-1.a_B", "Ann", "t"), join);
        assertEquals(new ClientMessage.Join("r", null, null), codec.decodeClient("{\"type\":\"join\",\"roomId\":\"r\"}"));
        assertEquals(new ClientMessage.Offer("v=0\r\n"), codec.decodeClient("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n\"}"));
        assertEquals(new ClientMessage.Answer("v=0"), codec.decodeClient("{\"type\":\"answer\",\"sdp\":\"v=0\"}"));
        ClientMessage.IceCandidate ice = (ClientMessage.IceCandidate) codec.decodeClient(
                "{\"type\":\"iceCandidate\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 1 127.0.0.1 5000 typ host\","
                        + "\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
        assertEquals(new CandidateInit("candidate:1 1 udp 1 127.0.0.1 5000 typ host", "0", 0), ice.candidate());
        ClientMessage.IceCandidate end = (ClientMessage.IceCandidate) codec.decodeClient(
                "{\"type\":\"iceCandidate\",\"candidate\":null}");
        assertNull(end.candidate());
        assertInstanceOf(ClientMessage.Leave.class, codec.decodeClient("{\"type\":\"leave\"}"));
        assertInstanceOf(ClientMessage.Ping.class, codec.decodeClient("{\"type\":\"ping\"}"));
    }

    @Test
    void encodesServerMessagesAsTheProtocolSpells_them() {
        assertEquals("{\"type\":\"welcome\",\"peerId\":\"p1\",\"roomId\":\"r\",\"peers\":[{\"peerId\":\"p0\",\"name\":\"Bo\"}],\"nodeId\":\"n1\"}",
                codec.encode(new ServerMessage.Welcome("p1", "r", List.of(new PeerInfo("p0", "Bo")), "n1")));
        assertEquals("{\"type\":\"error\",\"code\":\"not_joined\",\"message\":\"join first\"}",
                codec.encode(new ServerMessage.Error(ErrorCode.NOT_JOINED, "join first")));
        assertEquals("{\"type\":\"iceCandidate\",\"candidate\":null}", codec.encode(new ServerMessage.IceCandidate(null)));
        assertEquals("{\"type\":\"pong\"}", codec.encode(new ServerMessage.Pong()));
        assertEquals("{\"type\":\"peerLeft\",\"peerId\":\"p2\"}", codec.encode(new ServerMessage.PeerLeft("p2")));
        assertEquals("{\"type\":\"dominantSpeaker\",\"peerId\":\"p3\"}", codec.encode(new ServerMessage.DominantSpeaker("p3")));
        assertEquals("{\"type\":\"dominantSpeaker\",\"peerId\":null}", codec.encode(new ServerMessage.DominantSpeaker(null)));
        assertEquals("{\"type\":\"peerJoined\",\"peer\":{\"peerId\":\"p2\",\"name\":\"x\"}}",
                codec.encode(new ServerMessage.PeerJoined(new PeerInfo("p2", "x"))));
    }

    @Test
    void serverMessagesRoundTripThroughTheClientSideDecoder() throws Exception {
        List<ServerMessage> all = List.of(
                new ServerMessage.Welcome("p1", "r", List.of(), "n"), new ServerMessage.Answer("a"),
                new ServerMessage.Offer("o"), new ServerMessage.IceCandidate(new CandidateInit("c", "0", 0)),
                new ServerMessage.PeerJoined(new PeerInfo("p", "n")), new ServerMessage.PeerLeft("p"),
                new ServerMessage.Pong(), new ServerMessage.Error(ErrorCode.ROOM_FULL, "full"),
                new ServerMessage.DominantSpeaker("p"), new ServerMessage.DominantSpeaker(null));
        for (ServerMessage m : all) {
            assertEquals(m, codec.decodeServer(codec.encode(m)));
        }
    }

    @Test
    void malformedFramesAreBadRequests() {
        for (String frame : List.of("not json", "[1,2]", "42", "\"join\"", "{}", "{\"type\":5}", "{\"type\":null}",
                "{\"type\":\"join\"}", "{\"type\":\"join\",\"roomId\":\"\"}", "{\"type\":\"join\",\"roomId\":\"a b\"}",
                "{\"type\":\"join\",\"roomId\":5}", "{\"type\":\"join\",\"roomId\":\"" + "x".repeat(129) + "\"}",
                "{\"type\":\"join\",\"roomId\":\"r\",\"name\":\"" + "n".repeat(65) + "\"}",
                "{\"type\":\"offer\"}", "{\"type\":\"offer\",\"sdp\":{}}", "{\"type\":\"answer\",\"sdp\":\"\"}",
                "{\"type\":\"iceCandidate\",\"candidate\":\"x\"}", "{\"type\":\"iceCandidate\",\"candidate\":{}}",
                "{\"type\":\"join\",\"roomId\":\"r\"", "{\"type\":\"join\",\"roomId\":\"r\"} trailing")) {
            SignalException e = assertThrows(SignalException.class, () -> codec.decodeClient(frame), frame);
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), frame);
        }
    }

    @Test
    void unknownTypeIsReportedDistinctly() {
        SignalException e = assertThrows(SignalException.class, () -> codec.decodeClient("{\"type\":\"dance\"}"));
        assertInstanceOf(SignalCodec.UnknownTypeException.class, e);
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("dance"));
    }

    @Test
    void framesOver64KiBAreRefusedBeforeParsing() {
        String big = "{\"type\":\"offer\",\"sdp\":\"" + "a".repeat(SignalCodec.MAX_FRAME_BYTES) + "\"}";
        SignalException e = assertThrows(SignalException.class, () -> codec.decodeClient(big));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("64 KiB"));
        // Multi-byte characters count in bytes, as the WebSocket frame does.
        String wide = "{\"type\":\"offer\",\"sdp\":\"" + "\u00e9".repeat(SignalCodec.MAX_FRAME_BYTES / 2) + "\"}";
        assertThrows(SignalException.class, () -> codec.decodeClient(wide));
    }

    @Test
    void deeplyNestedJsonIsRefusedCheaply() {
        String deep = "{\"type\":\"ping\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        SignalException e = assertThrows(SignalException.class, () -> codec.decodeClient(deep));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }

    @Test
    void hostileFramesAreParsedOrRefusedWithSignalException() {
        List<String> corpus = List.of(
                "{\"type\":\"join\",\"roomId\":\"room-1\",\"name\":\"Ann\",\"token\":\"abc.def.ghi\"}",
                "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}",
                "{\"type\":\"iceCandidate\",\"candidate\":{\"candidate\":\"candidate:1 1 udp 2122260223 10.0.0.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}",
                "{\"type\":\"iceCandidate\",\"candidate\":null}", "{\"type\":\"leave\"}", "{\"type\":\"ping\"}",
                "{\"type\":\"answer\",\"sdp\":\"v=0\"}");
        HostileInputs.Outcome outcome = HostileInputs.checkText(20261122L, 100_000, corpus, SignalException.class,
                codec::decodeClient);
        assertTrue(outcome.accepted() > 1000, "valid and lightly mutated frames must still be accepted: " + outcome);
        assertTrue(outcome.rejected() > 10_000, "most mutations must be rejected: " + outcome);
    }

    @Test
    void setPreferencesKeepsOmittedFieldsNullAndRefusesWrongTypes() throws Exception {
        ClientMessage.SetPreferences p = (ClientMessage.SetPreferences) codec.decodeClient(
                "{\"type\":\"setPreferences\",\"trackId\":\"t1\",\"maxHeight\":180}");
        assertEquals(new ClientMessage.SetPreferences("t1", 180, null, null), p);
        p = (ClientMessage.SetPreferences) codec.decodeClient(
                "{\"type\":\"setPreferences\",\"trackId\":\"t1\",\"paused\":true,\"maxFps\":15}");
        assertEquals(new ClientMessage.SetPreferences("t1", null, 15, true), p);
        for (String bad : List.of(
                "{\"type\":\"setPreferences\"}",
                "{\"type\":\"setPreferences\",\"trackId\":\"\"}",
                "{\"type\":\"setPreferences\",\"trackId\":\"t\",\"maxHeight\":-1}",
                "{\"type\":\"setPreferences\",\"trackId\":\"t\",\"maxHeight\":180.5}",
                "{\"type\":\"setPreferences\",\"trackId\":\"t\",\"maxHeight\":\"180\"}",
                "{\"type\":\"setPreferences\",\"trackId\":\"t\",\"maxFps\":0}",
                "{\"type\":\"setPreferences\",\"trackId\":\"t\",\"paused\":\"yes\"}",
                "{\"type\":\"setPreferences\",\"trackId\":\"t\",\"paused\":1}")) {
            SignalException e = assertThrows(SignalException.class, () -> codec.decodeClient(bad), bad);
            assertEquals(ErrorCode.BAD_REQUEST, e.code(), bad);
        }
    }

    @Test
    void layerMessagesSpellANullRid() throws Exception {
        assertEquals("{\"type\":\"layer\",\"trackId\":\"t1\",\"rid\":null}",
                codec.encode(new ServerMessage.Layer("t1", null)));
        assertEquals(new ServerMessage.Layer("t1", "q"),
                codec.decodeServer("{\"type\":\"layer\",\"trackId\":\"t1\",\"rid\":\"q\"}"));
    }
}
