package io.relaycast.sdp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.testing.FuzzBudget;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the SDP parser, the validator and the answer builder
 * (docs/fuzzing.md), seeded with the browser offers of the test vectors.
 *
 * <p>{@link #parseAndValidate}: the promises {@link SdpHostileInputTest} checks on mutated
 * offers (accept or {@link SdpException}; an accepted text writes back exactly; every typed view
 * reads; every typed value formats and parses back to itself; the validator only throws
 * {@link SdpException}), on inputs the fuzzer steers by coverage.
 *
 * <p>{@link #answer}: for every offer the validator accepts, an answer built from the offer's
 * own values, as the node's answer does (its mids, codecs with their feedback and parameters,
 * extension ids, the reversed direction; rejected m-lines echoed with port 0), must build without
 * an unchecked exception, parse back to the same model and pass {@link SdpValidator#checkAnswer}.
 * A value the parser accepts in an offer but the builder cannot write back is a crash in the
 * node's answer path.
 */
class SdpFuzzTest {
    private static final Fingerprint FINGERPRINT = Fingerprint.of("sha-256", new byte[32]);
    private static final Candidate HOST = Candidate.host("1", 2130706431L, "198.51.100.20", 40000);

    /** The browser offers of test-vectors/sdp, as UTF-8 bytes. */
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        for (String file : SdpVectors.files()) {
            seeds.add(SdpVectors.text(file).getBytes(StandardCharsets.UTF_8));
        }
        return seeds;
    }

    @MethodSource("seeds")
    @FuzzTest
    void parseAndValidate(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        FuzzBudget.run(input.length, FuzzBudget.TEXT_BYTES_PER_INPUT_BYTE, () -> {
            try {
                SdpHostileInputTest.parseAndCheck(text);
            } catch (SdpException refused) {
                // a clear refusal is what bad input deserves
            }
        });
    }

    @MethodSource("seeds")
    @FuzzTest
    void answer(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        FuzzBudget.run(input.length, FuzzBudget.TEXT_BYTES_PER_INPUT_BYTE, () -> {
            SessionDescription offer;
            try {
                offer = SessionDescription.parse(text);
                SdpValidator.checkOffer(offer);
            } catch (SdpException refused) {
                return;
            }
            SessionDescription built = answerTo(offer);
            SessionDescription reparsed;
            try {
                reparsed = SessionDescription.parse(built.write());
                SdpValidator.checkAnswer(reparsed);
            } catch (SdpException e) {
                throw new AssertionError("the answer to an accepted offer is refused:\n" + built.write(), e);
            }
            if (!reparsed.equals(built)) {
                throw new AssertionError("the answer does not parse back to itself:\n" + built.write());
            }
        });
    }

    private static SessionDescription answerTo(SessionDescription offer) {
        SessionDescriptionBuilder s = SessionDescription.builder()
                .origin(Origin.of("-", 1, 1, "127.0.0.1"))
                .iceLite()
                .msidSemantic(MsidSemantic.wms(List.of("*")));
        List<String> bundle = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            MediaDescriptionBuilder b = MediaDescriptionBuilder.of(m.media(), m.proto());
            m.mid().ifPresent(b::mid);
            if (m.isRejected()) {
                m.formats().forEach(b::addFormat);
                s.addMedia(b.port(0).build());
                continue;
            }
            m.mid().ifPresent(bundle::add);
            b.port(40000)
                    .connection(Connection.of("198.51.100.20"))
                    .addCandidate(HOST)
                    .endOfCandidates()
                    .iceCredentials("Rc4sWq9z", "p2Xk9bYvQ0tL7mN4sJ1hG8fD")
                    .addFingerprint(FINGERPRINT)
                    .setup(Setup.PASSIVE)
                    .rtcpMux();
            List<Codec> codecs = m.isRtp() ? m.codecs() : List.of();
            if (codecs.isEmpty()) {
                m.formats().forEach(b::addFormat);
            } else {
                codecs.forEach(b::addCodec);
            }
            m.extmaps().forEach(b::addExtmap);
            b.direction(offer.directionOf(m).reversed());
            if (m.rtcpRsize()) {
                b.rtcpRsize();
            }
            s.addMedia(b.build());
        }
        if (!bundle.isEmpty()) {
            s.bundle(bundle);
        }
        return s.build();
    }
}
