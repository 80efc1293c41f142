package io.relaycast.node.observe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogFormatsTest {

    private static LogRecord record(String message) {
        LogRecord r = new LogRecord(Level.INFO, message);
        r.setLoggerName("io.relaycast.node.room.Room");
        r.setMillis(1_700_000_000_000L);
        return r;
    }

    @Test
    void jsonLinesCarryNodeAndPeerAndEscapeTheMessage() throws Exception {
        String line = LogFormats.json("node-7").format(record("peer 0123456789abcdef joined room \"a\"\n\tnext"));
        assertTrue(line.endsWith(System.lineSeparator()));
        assertEquals(1, line.strip().split("\n").length, "one line per record");
        JsonNode j = new ObjectMapper().readTree(line);
        assertEquals("node-7", j.get("node").asText());
        assertEquals("0123456789abcdef", j.get("peer").asText());
        assertEquals("info", j.get("level").asText());
        assertEquals("2023-11-14T22:13:20Z", j.get("time").asText());
        assertEquals("peer 0123456789abcdef joined room \"a\"\n\tnext", j.get("message").asText());
    }

    @Test
    void linesWithoutAPeerHaveNoPeerField() throws Exception {
        JsonNode j = new ObjectMapper().readTree(LogFormats.json("n").format(record("media worker 0 listening")));
        assertFalse(j.has("peer"));
        JsonNode err = new ObjectMapper().readTree(LogFormats.json("n").format(withError()));
        assertTrue(err.get("error").asText().contains("IllegalStateException: boom"));
    }

    @Test
    void textLinesCarryTheNodeId() {
        String line = LogFormats.text("node-7").format(record("peer 0123456789abcdef left"));
        assertTrue(line.contains(" node-7 [Room] peer 0123456789abcdef left"), line);
    }

    @Test
    void levelsPrintAsTheSettingNamesThem() throws Exception {
        Map<Level, String> expected = Map.of(Level.SEVERE, "error", Level.WARNING, "warn", Level.INFO, "info",
                Level.CONFIG, "debug", Level.FINE, "debug", Level.FINER, "trace", Level.FINEST, "trace");
        for (Map.Entry<Level, String> e : expected.entrySet()) {
            LogRecord r = record("a message");
            r.setLevel(e.getKey());
            String text = LogFormats.text("n").format(r);
            assertTrue(text.startsWith("2023-11-14T22:13:20Z " + String.format("%-5s", e.getValue()) + " n [Room] "),
                    e.getKey() + " printed as: " + text);
            assertEquals(e.getValue(), new ObjectMapper().readTree(LogFormats.json("n").format(r)).get("level").asText());
        }
    }

    private static LogRecord withError() {
        LogRecord r = record("failed");
        r.setThrown(new IllegalStateException("boom"));
        return r;
    }
}
