package io.relaycast.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate fingerprint as carried in SDP {@code a=fingerprint} (RFC 8122 §5): a hash-function
 * name and the hash of the DER certificate.
 *
 * <p>In WebRTC the fingerprint is the whole trust model: certificates are self-signed and the peer
 * is authenticated by checking that the hash of the certificate it presented in the DTLS handshake
 * equals the fingerprint from its signed-over-signaling SDP (RFC 8827 §6.5, RFC 8842 §5.1).
 * Relaycast computes SHA-256 for its own certificates; parsing also accepts the other SHA-family
 * names RFC 8122 registers so a peer that announces e.g. {@code sha-384} can still be verified.
 * MD5 and MD2 are rejected (RFC 8122 §5 forbids their use for new fingerprints).
 */
public final class DtlsFingerprint {

    /** RFC 8122 §5 hash-func token for SHA-256, the one Relaycast uses. */
    public static final String SHA_256 = "sha-256";

    private final String algorithm;
    private final byte[] value;

    private DtlsFingerprint(String algorithm, byte[] value) {
        this.algorithm = algorithm;
        this.value = value;
    }

    /** The SHA-256 fingerprint of a DER-encoded certificate. */
    public static DtlsFingerprint sha256(byte[] certificateDer) {
        return of(SHA_256, certificateDer);
    }

    /**
     * The fingerprint of a DER-encoded certificate under the named RFC 8122 hash function.
     *
     * @throws IllegalArgumentException if {@code algorithm} is not one of sha-1, sha-224, sha-256,
     *                                  sha-384, sha-512 (a programming error, not an input one)
     */
    public static DtlsFingerprint of(String algorithm, byte[] certificateDer) {
        Objects.requireNonNull(certificateDer, "certificateDer");
        String name = algorithm.toLowerCase(Locale.ROOT);
        if (hashLength(name) < 0) {
            throw new IllegalArgumentException("unsupported fingerprint hash function: " + algorithm);
        }
        return new DtlsFingerprint(name, digest(name, certificateDer));
    }

    /**
     * Parses the value of an SDP {@code a=fingerprint} attribute, e.g.
     * {@code sha-256 AB:CD:...:EF} (RFC 8122 §5). The hash-function token is matched without regard
     * to case; hex digits are accepted in either case although the RFC's grammar says upper case.
     */
    public static DtlsFingerprint parse(String sdpValue) throws DtlsException {
        if (sdpValue == null) {
            throw new DtlsException("fingerprint value is missing");
        }
        String s = sdpValue.strip();
        int space = indexOfWhitespace(s);
        if (space <= 0) {
            throw new DtlsException("fingerprint needs 'hash-func SP fingerprint'");
        }
        String name = s.substring(0, space).toLowerCase(Locale.ROOT);
        int expected = hashLength(name);
        if (expected < 0) {
            throw new DtlsException("unsupported fingerprint hash function: " + truncate(name));
        }
        String hex = s.substring(space).strip();
        // RFC 8122 §5: fingerprint = 2UHEX *(":" 2UHEX), so exactly 3n - 1 characters.
        if (hex.length() != expected * 3 - 1) {
            throw new DtlsException("a " + name + " fingerprint is " + (expected * 3 - 1)
                    + " characters (" + expected + " hex pairs), got " + hex.length());
        }
        byte[] value = new byte[expected];
        for (int i = 0; i < expected; i++) {
            int pos = i * 3;
            int hi = hexDigit(hex.charAt(pos));
            int lo = hexDigit(hex.charAt(pos + 1));
            if (hi < 0 || lo < 0) {
                throw new DtlsException("fingerprint byte " + i + " is not two hex digits");
            }
            if (i + 1 < expected && hex.charAt(pos + 2) != ':') {
                throw new DtlsException("fingerprint bytes must be separated by ':'");
            }
            value[i] = (byte) (hi << 4 | lo);
        }
        return new DtlsFingerprint(name, value);
    }

    /** The RFC 8122 hash-function name, lower case (e.g. {@code sha-256}). */
    public String algorithm() {
        return algorithm;
    }

    /** A copy of the hash bytes. */
    public byte[] bytes() {
        return value.clone();
    }

    /** The SDP attribute value: {@code sha-256 AB:CD:...}, upper-case hex as RFC 8122 §5 writes it. */
    public String toSdpValue() {
        StringBuilder sb = new StringBuilder(algorithm.length() + 1 + value.length * 3);
        sb.append(algorithm).append(' ');
        for (int i = 0; i < value.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.toUpperCase(Character.forDigit((value[i] >> 4) & 0xf, 16)));
            sb.append(Character.toUpperCase(Character.forDigit(value[i] & 0xf, 16)));
        }
        return sb.toString();
    }

    /**
     * Whether the DER certificate hashes to this fingerprint under this fingerprint's hash function.
     * The comparison takes the same time wherever the first difference is.
     */
    public boolean matches(byte[] certificateDer) {
        return MessageDigest.isEqual(value, digest(algorithm, certificateDer));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint other
                && algorithm.equals(other.algorithm) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * algorithm.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toSdpValue();
    }

    /** Digest length in bytes of a supported RFC 8122 hash-func name, or -1. */
    private static int hashLength(String name) {
        return switch (name) {
            case "sha-1" -> 20;
            case "sha-224" -> 28;
            case SHA_256 -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> -1;
        };
    }

    private static byte[] digest(String name, byte[] data) {
        try {
            // The JCA standard names are the RFC 8122 tokens in upper case (SHA-1, SHA-256, ...).
            return MessageDigest.getInstance(name.toUpperCase(Locale.ROOT)).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide " + name, e);
        }
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static String truncate(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }
}
