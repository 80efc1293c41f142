package io.relaycast.node.signaling;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Frames to messages: the 64 KiB cap over fragments, and strict UTF-8 (RFC 6455 §5.4, §8.1). */
class MessageAssemblerTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fragmentsJoinIntoOneMessageEvenWhenACharacterIsSplit() {
        MessageAssembler a = new MessageAssembler(16);
        byte[] euro = utf8("€"); // three bytes, split across two fragments
        assertEquals(MessageAssembler.Outcome.INCOMPLETE, a.add(new byte[] {'"', euro[0], euro[1]}, false, false));
        assertEquals(MessageAssembler.Outcome.MESSAGE, a.add(new byte[] {euro[2], '"'}, false, true));
        assertEquals("\"€\"", a.message());
    }

    @Test
    void aMessageOverTheCapIsTooLargeAndTheNextOneIsServed() {
        MessageAssembler a = new MessageAssembler(16);
        assertEquals(MessageAssembler.Outcome.INCOMPLETE, a.add(utf8("0123456789"), false, false));
        assertEquals(MessageAssembler.Outcome.INCOMPLETE, a.add(utf8("0123456789"), false, false));
        assertEquals(MessageAssembler.Outcome.TOO_LARGE, a.add(utf8("x"), false, true));
        assertEquals(MessageAssembler.Outcome.TOO_LARGE, a.add(new byte[0], true, true));
        assertEquals(MessageAssembler.Outcome.MESSAGE, a.add(utf8("{}"), false, true));
        assertEquals("{}", a.message());
        assertEquals(MessageAssembler.Outcome.MESSAGE, a.add(utf8("0123456789abcdef"), false, true));
    }

    @Test
    void bytesThatAreNotUtf8AreReportedNotReplaced() {
        MessageAssembler a = new MessageAssembler(16);
        assertEquals(MessageAssembler.Outcome.INVALID_UTF8, a.add(new byte[] {'{', (byte) 0xC3, 0x28, '}'}, false, true));
        assertEquals(MessageAssembler.Outcome.INVALID_UTF8, a.add(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, false, true));
        assertEquals(MessageAssembler.Outcome.INVALID_UTF8, a.add(new byte[] {'"', (byte) 0xE2, (byte) 0x82}, false, true));
    }
}
