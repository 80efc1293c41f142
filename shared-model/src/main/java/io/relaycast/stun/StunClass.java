package io.relaycast.stun;

/**
 * The class of a STUN message, the two C bits of the message type (RFC 8489 §5).
 */
public enum StunClass {
    /** C1C0 = 0b00. */
    REQUEST(0b00),
    /** C1C0 = 0b01. */
    INDICATION(0b01),
    /** C1C0 = 0b10. */
    SUCCESS_RESPONSE(0b10),
    /** C1C0 = 0b11. */
    ERROR_RESPONSE(0b11);

    private static final StunClass[] BY_BITS = values();

    private final int bits;

    StunClass(int bits) {
        this.bits = bits;
    }

    /** The two-bit class value, C1 in bit 1 and C0 in bit 0. */
    public int bits() {
        return bits;
    }

    /** True for success and error responses. */
    public boolean isResponse() {
        return this == SUCCESS_RESPONSE || this == ERROR_RESPONSE;
    }

    static StunClass ofBits(int bits) {
        return BY_BITS[bits & 0b11];
    }
}
