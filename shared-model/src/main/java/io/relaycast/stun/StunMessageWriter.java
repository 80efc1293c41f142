package io.relaycast.stun;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds one STUN message attribute by attribute (RFC 8489 §5, §14).
 *
 * <p>Attributes are encoded as they are added, padded with zeros to four bytes, and the
 * header's length field is kept current, so {@link #messageIntegrity} and
 * {@link #fingerprint} can be computed over exactly the bytes that precede them. Call them
 * last, in that order; adding anything after FINGERPRINT, or anything but FINGERPRINT after
 * MESSAGE-INTEGRITY, is a programming error ({@link IllegalStateException}).
 *
 * <p>A writer is single-use and not thread-safe. STUN is not on the forwarding path: the
 * writer owns a small growable array and copies it out.
 */
public final class StunMessageWriter {
    private byte[] buf = new byte[128];
    private int pos;
    private boolean integrityWritten;
    private boolean fingerprintWritten;

    /** Starts a message of the given class and 12-bit method. */
    public StunMessageWriter(StunClass stunClass, int method, TransactionId transactionId) {
        Objects.requireNonNull(stunClass, "stunClass");
        Objects.requireNonNull(transactionId, "transactionId");
        if (method < 0 || method > 0xFFF) {
            throw new IllegalArgumentException("method out of range: " + method);
        }
        int c = stunClass.bits();
        // RFC 8489 §5: method bits are split around C0 (bit 4) and C1 (bit 8).
        int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                | ((c & 0b01) << 4) | ((c & 0b10) << 7);
        putU16(0, type);
        putU32(4, StunMessage.MAGIC_COOKIE);
        transactionId.writeTo(buf, 8);
        pos = StunMessage.HEADER_LENGTH;
        updateLength();
    }

    /** A Binding request (RFC 8489 §3). */
    public static StunMessageWriter bindingRequest(TransactionId transactionId) {
        return new StunMessageWriter(StunClass.REQUEST, StunMessage.BINDING, transactionId);
    }

    /** A Binding indication, ICE's keepalive (RFC 8445 §11). */
    public static StunMessageWriter bindingIndication(TransactionId transactionId) {
        return new StunMessageWriter(StunClass.INDICATION, StunMessage.BINDING, transactionId);
    }

    /** A Binding success response; it must echo the request's transaction ID (RFC 8489 §6.3.1.1). */
    public static StunMessageWriter bindingSuccess(TransactionId transactionId) {
        return new StunMessageWriter(StunClass.SUCCESS_RESPONSE, StunMessage.BINDING, transactionId);
    }

    /** A Binding error response carrying ERROR-CODE {@code code} with its default reason. */
    public static StunMessageWriter bindingError(TransactionId transactionId, int code) {
        return new StunMessageWriter(StunClass.ERROR_RESPONSE, StunMessage.BINDING, transactionId)
                .errorCode(code, StunError.defaultReason(code));
    }

    // ---- attributes ----

    /** USERNAME (RFC 8489 §14.3); for ICE "receiverUfrag:senderUfrag" (RFC 8445 §7.2.2). */
    public StunMessageWriter username(String username) {
        return text(StunAttributeType.USERNAME, username, StunMessage.MAX_USERNAME_BYTES);
    }

    /** SOFTWARE (RFC 8489 §14.14). */
    public StunMessageWriter software(String software) {
        return text(StunAttributeType.SOFTWARE, software, StunMessage.MAX_TEXT_BYTES);
    }

    /** REALM (RFC 8489 §14.9). */
    public StunMessageWriter realm(String realm) {
        return text(StunAttributeType.REALM, realm, StunMessage.MAX_TEXT_BYTES);
    }

    /** NONCE (RFC 8489 §14.10). */
    public StunMessageWriter nonce(String nonce) {
        return text(StunAttributeType.NONCE, nonce, StunMessage.MAX_TEXT_BYTES);
    }

    /** PRIORITY (RFC 8445 §7.1.1), an unsigned 32-bit value. */
    public StunMessageWriter priority(long priority) {
        if (priority < 0 || priority > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("PRIORITY out of range: " + priority);
        }
        int at = beginAttribute(StunAttributeType.PRIORITY, 4);
        putU32(at, (int) priority);
        return this;
    }

    /** USE-CANDIDATE (RFC 8445 §7.1.2), a flag with no value. */
    public StunMessageWriter useCandidate() {
        beginAttribute(StunAttributeType.USE_CANDIDATE, 0);
        return this;
    }

    /** ICE-CONTROLLING with a 64-bit tie-breaker (RFC 8445 §7.1.3). */
    public StunMessageWriter iceControlling(long tieBreaker) {
        return u64(StunAttributeType.ICE_CONTROLLING, tieBreaker);
    }

    /** ICE-CONTROLLED with a 64-bit tie-breaker (RFC 8445 §7.1.3). */
    public StunMessageWriter iceControlled(long tieBreaker) {
        return u64(StunAttributeType.ICE_CONTROLLED, tieBreaker);
    }

    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2) of a resolved IPv4 or IPv6 socket address. */
    public StunMessageWriter xorMappedAddress(InetSocketAddress address) {
        int length = StunAddressCodec.valueLength(address);
        int at = beginAttribute(StunAttributeType.XOR_MAPPED_ADDRESS, length);
        StunAddressCodec.encode(address, buf, true, buf, at);
        return this;
    }

    /** MAPPED-ADDRESS (RFC 8489 §14.1), for compatibility with RFC 3489 clients only. */
    public StunMessageWriter mappedAddress(InetSocketAddress address) {
        int length = StunAddressCodec.valueLength(address);
        int at = beginAttribute(StunAttributeType.MAPPED_ADDRESS, length);
        StunAddressCodec.encode(address, buf, false, buf, at);
        return this;
    }

    /** ERROR-CODE (RFC 8489 §14.8): code 300–699 and a reason phrase. */
    public StunMessageWriter errorCode(int code, String reason) {
        new StunError(code, reason); // validates the range
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > StunMessage.MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("reason longer than " + StunMessage.MAX_TEXT_BYTES + " bytes");
        }
        int at = beginAttribute(StunAttributeType.ERROR_CODE, 4 + text.length);
        buf[at] = 0;
        buf[at + 1] = 0;
        buf[at + 2] = (byte) (code / 100);
        buf[at + 3] = (byte) (code % 100);
        System.arraycopy(text, 0, buf, at + 4, text.length);
        return this;
    }

    /** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13), for a 420 response. */
    public StunMessageWriter unknownAttributes(int... types) {
        int at = beginAttribute(StunAttributeType.UNKNOWN_ATTRIBUTES, 2 * types.length);
        for (int i = 0; i < types.length; i++) {
            putU16(at + 2 * i, types[i]);
        }
        return this;
    }

    /** Any attribute given as raw value bytes (for extensions and tests). */
    public StunMessageWriter attribute(int type, byte[] value) {
        if (type == StunAttributeType.MESSAGE_INTEGRITY || type == StunAttributeType.FINGERPRINT) {
            throw new IllegalArgumentException("use messageIntegrity()/fingerprint() for " + StunAttributeType.name(type));
        }
        int at = beginAttribute(type, value.length);
        System.arraycopy(value, 0, buf, at, value.length);
        return this;
    }

    /**
     * Appends MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over everything so far, the
     * length field counting this attribute but not a FINGERPRINT that may follow.
     */
    public StunMessageWriter messageIntegrity(MessageIntegrityKey key) {
        if (integrityWritten) {
            throw new IllegalStateException("MESSAGE-INTEGRITY already written");
        }
        int start = pos;
        int at = beginAttribute(StunAttributeType.MESSAGE_INTEGRITY, MessageIntegrityKey.HMAC_LENGTH);
        key.compute(buf, 0, start, pos - StunMessage.HEADER_LENGTH, buf, at);
        integrityWritten = true;
        return this;
    }

    /**
     * Appends FINGERPRINT (RFC 8489 §14.7): CRC-32 of everything so far, the length field
     * counting this attribute, XORed with 0x5354554E. Must be last.
     */
    public StunMessageWriter fingerprint() {
        int start = pos;
        int at = beginAttribute(StunAttributeType.FINGERPRINT, StunMessage.FINGERPRINT_LENGTH);
        putU32(at, StunMessage.fingerprint(buf, 0, start));
        fingerprintWritten = true;
        return this;
    }

    // ---- output ----

    /** Length of the message so far, header included. */
    public int length() {
        return pos;
    }

    /** Copies the message into {@code out} at {@code off}; returns the number of bytes written. */
    public int writeTo(byte[] out, int off) {
        Objects.checkFromIndexSize(off, pos, out.length);
        System.arraycopy(buf, 0, out, off, pos);
        return pos;
    }

    /** The message as a new array. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    // ---- encoding helpers ----

    private StunMessageWriter text(int type, String value, int maxBytes) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException(StunAttributeType.name(type) + " longer than " + maxBytes + " bytes");
        }
        int at = beginAttribute(type, bytes.length);
        System.arraycopy(bytes, 0, buf, at, bytes.length);
        return this;
    }

    private StunMessageWriter u64(int type, long value) {
        int at = beginAttribute(type, 8);
        putU32(at, (int) (value >>> 32));
        putU32(at + 4, (int) value);
        return this;
    }

    /** Writes the type-length header, reserves zeroed value and padding, returns the value offset. */
    private int beginAttribute(int type, int length) {
        if (fingerprintWritten) {
            throw new IllegalStateException("FINGERPRINT must be the last attribute");
        }
        if (integrityWritten && type != StunAttributeType.FINGERPRINT) {
            throw new IllegalStateException("only FINGERPRINT may follow MESSAGE-INTEGRITY");
        }
        if (length > 0xFFFF) {
            throw new IllegalArgumentException("attribute value longer than 65535 bytes");
        }
        int padded = (length + 3) & ~3;
        if (pos - StunMessage.HEADER_LENGTH + 4 + padded > 0xFFFF) {
            throw new IllegalStateException("message longer than the 16-bit length field allows");
        }
        ensureCapacity(pos + 4 + padded);
        putU16(pos, type);
        putU16(pos + 2, length);
        int valueOffset = pos + 4;
        // RFC 8489 §14: padding bytes are sent as zero (receivers ignore them).
        Arrays.fill(buf, valueOffset, valueOffset + padded, (byte) 0);
        pos = valueOffset + padded;
        updateLength();
        return valueOffset;
    }

    private void updateLength() {
        putU16(2, pos - StunMessage.HEADER_LENGTH);
    }

    private void ensureCapacity(int needed) {
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
        }
    }

    private void putU16(int at, int v) {
        buf[at] = (byte) (v >>> 8);
        buf[at + 1] = (byte) v;
    }

    private void putU32(int at, int v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }
}
