package io.relaycast.sdp;

import java.security.MessageDigest;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * {@code a=fingerprint:<hash-func> <fingerprint>} (RFC 8122 §5, used for DTLS by RFC 8842 §5):
 * the hash of the certificate the peer will present in the DTLS handshake, e.g.
 * {@code sha-256 A4:67:...:64}.
 *
 * @param hashFunction the hash name as written ({@code sha-256}); compared case-insensitively
 * @param value        the colon-separated hex bytes as written (RFC 8122 asks for upper case;
 *                     lower case is accepted on input)
 */
public record Fingerprint(String hashFunction, String value) {
    public static final String ATTRIBUTE = "fingerprint";

    public Fingerprint {
        Syntax.require(Syntax.isToken(hashFunction), "fingerprint hash function must be a token");
        Syntax.require(isHexPairs(value), "fingerprint must be 2HEX *(\":\" 2HEX)", value);
    }

    /** Fingerprint of {@code digest} computed with {@code hashFunction}, written in upper case as RFC 8122 §5 asks. */
    public static Fingerprint of(String hashFunction, byte[] digest) {
        Syntax.require(digest.length > 0, "empty digest");
        StringBuilder sb = new StringBuilder(digest.length * 3);
        for (int i = 0; i < digest.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.toUpperCase(Character.forDigit((digest[i] >> 4) & 0xF, 16)));
            sb.append(Character.toUpperCase(Character.forDigit(digest[i] & 0xF, 16)));
        }
        return new Fingerprint(hashFunction, sb.toString());
    }

    /** The fingerprint bytes. */
    public byte[] bytes() {
        byte[] out = new byte[(value.length() + 1) / 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((Character.digit(value.charAt(3 * i), 16) << 4) | Character.digit(value.charAt(3 * i + 1), 16));
        }
        return out;
    }

    /** Whether {@code digest} (of the certificate the peer presented) equals this fingerprint, in constant time. */
    public boolean matches(byte[] digest) {
        return MessageDigest.isEqual(bytes(), digest);
    }

    /** The hash function in lower case, e.g. {@code sha-256}. */
    public String normalizedHashFunction() {
        return hashFunction.toLowerCase(Locale.ROOT);
    }

    /**
     * Digest length in bytes of the hash functions in the RFC 8122 §5 / IANA "Hash Function
     * Textual Names" registry, or empty for an unknown name.
     */
    public static OptionalInt digestLength(String hashFunction) {
        return switch (hashFunction.toLowerCase(Locale.ROOT)) {
            case "md2", "md5" -> OptionalInt.of(16);
            case "sha-1" -> OptionalInt.of(20);
            case "sha-224" -> OptionalInt.of(28);
            case "sha-256" -> OptionalInt.of(32);
            case "sha-384" -> OptionalInt.of(48);
            case "sha-512" -> OptionalInt.of(64);
            default -> OptionalInt.empty();
        };
    }

    static Fingerprint parse(String s) throws SdpException {
        int sp = s.indexOf(' ');
        if (sp < 0) {
            throw new SdpException("a=fingerprint must be '<hash-func> <fingerprint>', got '" + s + "'");
        }
        String hash = s.substring(0, sp);
        String fp = s.substring(sp + 1);
        return Syntax.construct(() -> new Fingerprint(hash, fp));
    }

    public String format() {
        return hashFunction + ' ' + value;
    }

    private static boolean isHexPairs(String v) {
        if (v == null || v.length() < 2 || (v.length() + 1) % 3 != 0) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : Character.digit(c, 16) >= 0 && c < 0x80;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
