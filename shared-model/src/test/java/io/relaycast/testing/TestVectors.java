package io.relaycast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Access to the shared protocol test vectors in {@code ../shared/test-vectors}.
 *
 * <p>The folder is found through the {@code relaycast.testVectors} system property (set by the
 * parent pom's Surefire configuration) or, failing that, by walking up from the working
 * directory until a {@code shared/test-vectors} sibling appears. A missing folder fails the
 * test loudly: a vector test that silently skips could never fail.
 */
public final class TestVectors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private TestVectors() {
    }

    public static Path dir() {
        String prop = System.getProperty("relaycast.testVectors");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolveSibling("shared").resolve("test-vectors");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("test vectors not found: set -Drelaycast.testVectors or check out ../shared");
    }

    public static Path path(String relative) {
        return dir().resolve(relative);
    }

    public static JsonNode json(String relative) {
        try {
            return JSON.readTree(path(relative).toFile());
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
