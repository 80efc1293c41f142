package io.relaycast.stun;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Random;

/**
 * The 96-bit STUN transaction ID (RFC 8489 §5), an immutable value usable as a map key.
 */
public final class TransactionId {
    /** Length in bytes. */
    public static final int LENGTH = 12;

    private final byte[] bytes;

    private TransactionId(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * A fresh ID. RFC 8489 §5 wants it uniformly random so that off-path attackers cannot
     * forge responses: pass a {@link java.security.SecureRandom} in production.
     */
    public static TransactionId random(Random random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new TransactionId(b);
    }

    /** Copies 12 bytes from {@code buf} at {@code off}. */
    public static TransactionId of(byte[] buf, int off) {
        Objects.checkFromIndexSize(off, LENGTH, buf.length);
        return new TransactionId(Arrays.copyOfRange(buf, off, off + LENGTH));
    }

    /** Writes the 12 bytes into {@code buf} at {@code off}. */
    public void writeTo(byte[] buf, int off) {
        System.arraycopy(bytes, 0, buf, off, LENGTH);
    }

    /** A copy of the 12 bytes. */
    public byte[] toByteArray() {
        return bytes.clone();
    }

    /** Byte {@code i} of the ID (0..11), unsigned. */
    int byteAt(int i) {
        return bytes[i] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionId && Arrays.equals(bytes, ((TransactionId) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
