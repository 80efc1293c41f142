package io.relaycast.sdp;

import io.relaycast.testing.TestVectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every browser offer of the test vectors parses and writes back byte for byte. */
class SdpRoundTripTest {

    static List<String> files() {
        return SdpVectors.files();
    }

    @Test
    void theFolderHoldsExactlyTheFilesSourcesJsonDescribes() {
        List<String> described = new ArrayList<>();
        for (Iterator<String> it = TestVectors.json("sdp/sources.json").get("files").fieldNames(); it.hasNext(); ) {
            described.add(it.next());
        }
        described.sort(null);
        assertEquals(described, SdpVectors.files());
        assertEquals(6, described.size());
    }

    @ParameterizedTest
    @MethodSource("files")
    void writesBackExactlyTheSameText(String file) throws SdpException {
        String text = SdpVectors.text(file);
        assertTrue(text.endsWith("\r\n") && !text.replace("\r\n", "").contains("\n"), "vector is stored with CRLF");
        SessionDescription sdp = SessionDescription.parse(text);
        assertEquals(text, sdp.write());
        assertEquals(text, sdp.toString());
    }

    @ParameterizedTest
    @MethodSource("files")
    void lfLineEndingsAreReadAndWrittenAsCrlf(String file) throws SdpException {
        String crlf = SdpVectors.text(file);
        SessionDescription sdp = SessionDescription.parse(crlf.replace("\r\n", "\n"));
        assertEquals(crlf, sdp.write());
        assertEquals(SessionDescription.parse(crlf), sdp);
    }

    @ParameterizedTest
    @MethodSource("files")
    void sectionsWriteTheirOwnLinesInOrder(String file) throws SdpException {
        String text = SdpVectors.text(file);
        SessionDescription sdp = SessionDescription.parse(text);
        StringBuilder sections = new StringBuilder();
        for (MediaDescription m : sdp.media()) {
            assertTrue(text.startsWith("m=", text.indexOf(m.write())), "section text found at an m= line");
            sections.append(m.write());
        }
        assertTrue(text.endsWith(sections.toString()));
        String[] lines = text.split("\r\n");
        for (MediaDescription m : sdp.media()) {
            assertTrue(lines[sdp.lineNumberOf(m) - 1].startsWith("m=" + m.media() + " "), "lineNumberOf points at the m= line");
        }
    }

    @Test
    void aLastLineWithoutLineEndingIsAccepted() throws SdpException {
        String text = SdpVectors.text(SdpVectors.FIREFOX);
        SessionDescription sdp = SessionDescription.parse(text.substring(0, text.length() - 2));
        assertEquals(text, sdp.write());
    }
}
