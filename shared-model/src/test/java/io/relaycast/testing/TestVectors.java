package io.relaycast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;

/**
 * Access to the protocol test vectors in {@code src/test/resources/test-vectors} (their sources
 * are named in that folder's README.md).
 *
 * <p>They are read from the test classpath, so they are found both in this module (a folder of
 * test classes) and in the other modules' tests (inside shared-model's test jar). Nothing is
 * looked up outside the repository. A missing vector fails the test loudly: a vector test that
 * silently skips could never fail.
 */
public final class TestVectors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final String ROOT = "test-vectors";
    private static Path dir;

    private TestVectors() {
    }

    /** The vectors folder: a directory on disk, or a folder inside the test jar. */
    public static synchronized Path dir() {
        if (dir == null) {
            dir = locate();
        }
        return dir;
    }

    private static Path locate() {
        URL marker = TestVectors.class.getClassLoader().getResource(ROOT + "/README.md");
        if (marker == null) {
            throw new IllegalStateException("test vectors not found on the test classpath ("
                    + ROOT + "/README.md); they live in shared-model/src/test/resources/" + ROOT);
        }
        try {
            URI uri = marker.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem jar;
                try {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    jar = FileSystems.getFileSystem(uri);
                }
                return jar.getPath("/" + ROOT);
            }
            return Path.of(uri).getParent();
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("test vectors not readable at " + marker, e);
        }
    }

    public static Path path(String relative) {
        return dir().resolve(relative);
    }

    public static JsonNode json(String relative) {
        try {
            return JSON.readTree(Files.readAllBytes(path(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] hex(String hex) {
        return HEX.parseHex(hex);
    }

    public static byte[] hex(JsonNode node) {
        return HEX.parseHex(node.asText());
    }

    public static String toHex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    public static String toHex(byte[] bytes, int off, int len) {
        return HEX.formatHex(bytes, off, off + len);
    }
}
