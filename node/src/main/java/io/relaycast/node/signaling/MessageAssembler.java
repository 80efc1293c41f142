package io.relaycast.node.signaling;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Joins a WebSocket text message's frames (RFC 6455 §5.4) into one string, keeping at most
 * {@code maxBytes} of it: a larger message is dropped as it arrives, never buffered whole, and
 * reported as {@link Outcome#TOO_LARGE}. The bytes are decoded strictly, so a message that is not
 * UTF-8 is {@link Outcome#INVALID_UTF8} (RFC 6455 §8.1: the endpoint must fail the connection, 1007)
 * rather than a string with replacement characters. Sans-IO: frames are handed in by the caller.
 */
final class MessageAssembler {
    enum Outcome { INCOMPLETE, MESSAGE, TOO_LARGE, INVALID_UTF8 }

    private final int maxBytes;
    private byte[] buffer = new byte[256];
    private int length;
    private boolean tooLarge;
    private String message;

    MessageAssembler(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Adds one text or continuation frame's payload. {@code oversized} marks a frame whose payload
     * was dropped before it reached here because it alone was over the limit.
     */
    Outcome add(byte[] payload, boolean oversized, boolean fin) {
        if (oversized || length + payload.length > maxBytes) {
            tooLarge = true;
            length = 0;
        }
        if (!tooLarge) {
            if (length + payload.length > buffer.length) {
                byte[] bigger = new byte[Math.min(maxBytes, Math.max(buffer.length * 2, length + payload.length))];
                System.arraycopy(buffer, 0, bigger, 0, length);
                buffer = bigger;
            }
            System.arraycopy(payload, 0, buffer, length, payload.length);
            length += payload.length;
        }
        if (!fin) {
            return Outcome.INCOMPLETE;
        }
        boolean wasTooLarge = tooLarge;
        int n = length;
        byte[] data = buffer;
        tooLarge = false;
        length = 0;
        if (buffer.length > 4096) {
            buffer = new byte[256]; // one big message does not pin its buffer for the socket's life
        }
        if (wasTooLarge) {
            return Outcome.TOO_LARGE;
        }
        try {
            CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            message = strict.decode(ByteBuffer.wrap(data, 0, n)).toString();
            return Outcome.MESSAGE;
        } catch (CharacterCodingException e) {
            return Outcome.INVALID_UTF8;
        }
    }

    /** The message completed by the last {@link #add} that returned {@link Outcome#MESSAGE}. */
    String message() {
        return message;
    }
}
