package io.relaycast.bench;

import io.relaycast.sdp.Candidate;
import io.relaycast.sdp.Connection;
import io.relaycast.sdp.Fingerprint;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaDescriptionBuilder;
import io.relaycast.sdp.MsidSemantic;
import io.relaycast.sdp.Origin;
import io.relaycast.sdp.SdpException;
import io.relaycast.sdp.SessionDescription;
import io.relaycast.sdp.SessionDescriptionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a renegotiation costs the node in SDP: building a description of ten m-lines (a member of
 * a room of five: its own audio and video, and four other members' audio and video) with the
 * builders, as the node's {@code SdpWriter} does for every offer and answer, and parsing a
 * client's answer of the same size. Issue 11's join storm spends most of its signaling samples
 * here.
 *
 * <p>Run: {@code java -jar load-tests/target/relaycast-benchmarks.jar SdpBuildBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class SdpBuildBenchmark {
    /** The lines every m-line of the offer repeats (Chrome writes the transport into each). */
    private static final String TRANSPORT = String.join("\r\n",
            "c=IN IP4 0.0.0.0",
            "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Zm9v",
            "a=ice-pwd:YmFyYmFyYmFyYmFyYmFyYmFyYmFy",
            "a=ice-options:trickle",
            "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF",
            "a=setup:actpass");
    /** Chrome's audio and video m-lines (Chrome 120's offer, fewer codecs). */
    private static final String OFFER = String.join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed",
            "a=msid-semantic: WMS stream",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
            TRANSPORT,
            "a=mid:0",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=sendrecv",
            "a=msid:stream audio0",
            "a=rtcp-mux",
            "a=rtpmap:111 opus/48000/2",
            "a=rtcp-fb:111 transport-cc",
            "a=fmtp:111 minptime=10;useinbandfec=1",
            "a=rtpmap:63 red/48000/2",
            "a=fmtp:63 111/111",
            "a=rtpmap:9 G722/8000",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:13 CN/8000",
            "a=rtpmap:110 telephone-event/48000",
            "a=rtpmap:126 telephone-event/8000",
            "a=ssrc:1001 cname:abcdefgh",
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103",
            TRANSPORT,
            "a=mid:1",
            "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset",
            "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
            "a=extmap:13 urn:3gpp:video-orientation",
            "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
            "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
            "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
            "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
            "a=sendrecv",
            "a=msid:stream video0",
            "a=rtcp-mux",
            "a=rtcp-rsize",
            "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 goog-remb",
            "a=rtcp-fb:96 transport-cc",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=rtpmap:97 rtx/90000",
            "a=fmtp:97 apt=96",
            "a=rtpmap:102 H264/90000",
            "a=rtcp-fb:102 goog-remb",
            "a=rtcp-fb:102 transport-cc",
            "a=rtcp-fb:102 ccm fir",
            "a=rtcp-fb:102 nack",
            "a=rtcp-fb:102 nack pli",
            "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f",
            "a=rtpmap:103 rtx/90000",
            "a=fmtp:103 apt=102",
            "a=ssrc-group:FID 2001 2002",
            "a=ssrc:2001 cname:abcdefgh",
            "a=ssrc:2002 cname:abcdefgh",
            "");
    private static final Fingerprint FINGERPRINT = Fingerprint.of("sha-256", new byte[32]);
    private static final Candidate HOST = Candidate.host("1", 2130706431L, "198.51.100.20", 40000);

    private SessionDescription offer;
    private String tenLines;
    private long version;

    @Setup
    public void setUp() throws SdpException {
        offer = SessionDescription.parse(OFFER);
        tenLines = build().write();
    }

    /** Ten m-lines built from the offer's values, as the node answers and offers (5 x audio and video). */
    @Benchmark
    public SessionDescription build() {
        SessionDescriptionBuilder s = SessionDescription.builder()
                .origin(Origin.of("-", 1, ++version, "127.0.0.1"))
                .iceLite()
                .msidSemantic(MsidSemantic.wms(List.of("*")));
        List<String> bundle = new ArrayList<>();
        for (int member = 0; member < 5; member++) {
            for (MediaDescription m : offer.media()) {
                String mid = String.valueOf(bundle.size());
                bundle.add(mid);
                MediaDescriptionBuilder b = MediaDescriptionBuilder.of(m.media(), m.proto())
                        .mid(mid)
                        .port(40000)
                        .connection(Connection.of("198.51.100.20"))
                        .addCandidate(HOST)
                        .endOfCandidates()
                        .iceCredentials("Rc4sWq9z", "p2Xk9bYvQ0tL7mN4sJ1hG8fD")
                        .addFingerprint(FINGERPRINT)
                        .setup(io.relaycast.sdp.Setup.PASSIVE)
                        .rtcpMux();
                m.codecs().forEach(b::addCodec);
                m.extmaps().forEach(b::addExtmap);
                b.direction(offer.directionOf(m).reversed());
                s.addMedia(b.build());
            }
        }
        return s.bundle(bundle).build();
    }

    /** A client's description of the same ten m-lines, parsed (every answer the node receives). */
    @Benchmark
    public SessionDescription parse() throws SdpException {
        return SessionDescription.parse(tenLines);
    }
}
