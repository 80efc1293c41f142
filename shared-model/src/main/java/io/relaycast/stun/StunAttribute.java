package io.relaycast.stun;

/**
 * Where one attribute sits in a parsed message: its type, the offset of its 4-byte
 * type-length header from the start of the message, and its value length without padding
 * (RFC 8489 §14). Every attribute is listed, including ones this code does not understand.
 */
public record StunAttribute(int type, int offset, int length) {

    /** Offset of the value from the start of the message. */
    public int valueOffset() {
        return offset + 4;
    }

    /** Length on the wire: header, value and padding to a multiple of four bytes. */
    public int paddedLength() {
        return 4 + ((length + 3) & ~3);
    }

    @Override
    public String toString() {
        return StunAttributeType.name(type) + "@" + offset + "[" + length + "]";
    }
}
