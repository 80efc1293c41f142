package io.relaycast.sdp;

import io.relaycast.testing.TestVectors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The browser offers in {@code test-vectors/sdp}, read through {@link TestVectors}. */
final class SdpVectors {
    static final String CHROME_120 = "chrome-120-offer-audio-video.sdp";
    static final String CHROME_SIMULCAST_4M = "chrome-offer-simulcast-4m-candidates.sdp";
    static final String CHROME_SIMULCAST_AV = "chrome-offer-simulcast-av.sdp";
    static final String FIREFOX_48 = "firefox-48-offer-audio-video-candidates.sdp";
    static final String FIREFOX_60_SIMULCAST = "firefox-60-offer-simulcast.sdp";
    static final String FIREFOX = "firefox-offer-audio-video.sdp";

    private SdpVectors() {
    }

    static String text(String file) {
        return TestVectors.text("sdp/" + file);
    }

    static SessionDescription parse(String file) {
        try {
            return SessionDescription.parse(text(file));
        } catch (SdpException e) {
            throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
        }
    }

    /** Every {@code *.sdp} file of the folder, sorted by name. */
    static List<String> files() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(TestVectors.path("sdp"), "*.sdp")) {
            for (Path p : dir) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }
}
