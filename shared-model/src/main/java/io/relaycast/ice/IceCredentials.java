package io.relaycast.ice;

import java.util.Objects;
import java.util.Random;

/**
 * An ICE username fragment and password (RFC 8445 §5.3, grammar in RFC 8839 §5.4):
 * {@code ice-ufrag = 4*256ice-char}, {@code ice-pwd = 22*256ice-char},
 * {@code ice-char = ALPHA / DIGIT / "+" / "/"}. Since ':' is not an ice-char, a STUN USERNAME
 * "ufragA:ufragB" always splits unambiguously.
 */
public final class IceCredentials {
    public static final int MIN_UFRAG_LENGTH = 4;
    public static final int MIN_PWD_LENGTH = 22;
    public static final int MAX_LENGTH = 256;
    /** Lengths of generated values: 8 × 6 = 48 random bits of ufrag, 24 × 6 = 144 of password. */
    static final int GENERATED_UFRAG_LENGTH = 8;
    static final int GENERATED_PWD_LENGTH = 24;

    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();

    private final String ufrag;
    private final String pwd;

    private IceCredentials(String ufrag, String pwd) {
        this.ufrag = ufrag;
        this.pwd = pwd;
    }

    /**
     * Validates credentials received from the peer (an SDP a=ice-ufrag / a=ice-pwd pair).
     *
     * @throws IceException if either value breaks the RFC 8839 §5.4 grammar
     */
    public static IceCredentials of(String ufrag, String pwd) throws IceException {
        check("ice-ufrag", ufrag, MIN_UFRAG_LENGTH);
        check("ice-pwd", pwd, MIN_PWD_LENGTH);
        return new IceCredentials(ufrag, pwd);
    }

    /**
     * Fresh local credentials. RFC 8445 §5.3 asks for at least 24 random bits in the ufrag
     * and 128 in the password: pass a {@link java.security.SecureRandom} outside tests.
     */
    public static IceCredentials generate(Random random) {
        return new IceCredentials(randomIceChars(random, GENERATED_UFRAG_LENGTH),
                randomIceChars(random, GENERATED_PWD_LENGTH));
    }

    private static String randomIceChars(Random random, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(out);
    }

    private static void check(String what, String value, int minLength) throws IceException {
        if (value == null) {
            throw new IceException(what + " missing");
        }
        if (value.length() < minLength || value.length() > MAX_LENGTH) {
            throw new IceException(what + " length " + value.length() + " outside " + minLength + ".." + MAX_LENGTH);
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isIceChar(value.charAt(i))) {
                throw new IceException(what + " contains a character that is not an ice-char at " + i);
            }
        }
    }

    static boolean isIceChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    public String ufrag() {
        return ufrag;
    }

    public String pwd() {
        return pwd;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IceCredentials && ufrag.equals(((IceCredentials) o).ufrag)
                && pwd.equals(((IceCredentials) o).pwd);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ufrag, pwd);
    }

    /** Shows the ufrag only: the password is a secret and must not reach logs. */
    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + "]";
    }
}
