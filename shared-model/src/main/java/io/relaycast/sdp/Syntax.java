package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Shared lexical rules of the SDP grammar (RFC 8866 §9) and of the attribute RFCs. Every method
 * either returns a well-formed value or throws {@link SdpException}; none lets a
 * {@code NumberFormatException} or index error escape.
 */
final class Syntax {
    private Syntax() {
    }

    /** RFC 8866 §9: token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E. */
    static boolean isTokenChar(char c) {
        return c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D || c == 0x2E
                || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x5E && c <= 0x7E);
    }

    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static String token(String s, String what) throws SdpException {
        if (!isToken(s)) {
            throw new SdpException(what + " must be a token, got '" + s + "'");
        }
        return s;
    }

    /** RFC 8839 §5.1: ice-char = ALPHA / DIGIT / "+" / "/". */
    static boolean isIceChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    }

    static String iceChars(String s, int min, int max, String what) throws SdpException {
        if (s == null || s.length() < min || s.length() > max) {
            throw new SdpException(what + " must be " + min + " to " + max + " ice-chars, got "
                    + (s == null ? "nothing" : s.length() + " characters"));
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isIceChar(s.charAt(i))) {
                throw new SdpException(what + " has a character outside ALPHA / DIGIT / '+' / '/': '" + s + "'");
            }
        }
        return s;
    }

    /** A non-empty string without spaces or control characters (addresses, URIs, user names). */
    static boolean isWord(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** RFC 8866 §9: byte-string = 1*(%x01-09/%x0B-0C/%x0E-FF), i.e. no NUL, CR or LF. */
    static boolean isByteString(String s) {
        if (s == null) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    static boolean isDigits(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** 1*DIGIT within [min, max]; leading zeros are allowed as the grammar allows them. */
    static long decimal(String s, long min, long max, String what) throws SdpException {
        if (!isDigits(s)) {
            throw new SdpException(what + " must be a decimal number, got '" + s + "'");
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            v = v * 10 + (s.charAt(i) - '0');
            if (v > max) {
                throw new SdpException(what + " " + s + " is above " + max);
            }
        }
        if (v < min) {
            throw new SdpException(what + " " + s + " is below " + min);
        }
        return v;
    }

    static int integer(String s, int min, int max, String what) throws SdpException {
        return (int) decimal(s, min, max, what);
    }

    /**
     * Splits on single spaces, as the grammar joins fields with exactly one SP: leading,
     * trailing or doubled spaces are an error rather than an empty field silently dropped.
     */
    static List<String> fields(String s, String what) throws SdpException {
        List<String> out = new ArrayList<>();
        if (s.isEmpty()) {
            throw new SdpException(what + " is empty");
        }
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == ' ') {
                if (i == start) {
                    throw new SdpException(what + " has an empty field (stray space) in '" + s + "'");
                }
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /** Splits on {@code sep}, keeping empty pieces. */
    static List<String> split(String s, char sep) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == sep) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }

    /**
     * Runs a typed value's constructor on input the caller has tokenised: the constructors check
     * their fields with {@link IllegalArgumentException} (for code that builds values directly),
     * which for parsed input is a malformed-input case and becomes an {@link SdpException}.
     */
    static <T> T construct(Supplier<T> constructor) throws SdpException {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw new SdpException(e.getMessage());
        }
    }

    /** For constructors: a field check failing with {@link IllegalArgumentException}. */
    static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** As {@link #require(boolean, String)}, naming the offending value; the message is built only on failure. */
    static void require(boolean ok, String message, Object value) {
        if (!ok) {
            throw new IllegalArgumentException(message + ", got '" + value + "'");
        }
    }

    /** UTF-8 length of {@code s[from, to)}: what the wire limits in {@link SdpLimits} count. */
    static int utf8Length(CharSequence s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isSurrogate(c)) {
                n += 2; // each half of a pair: 4 bytes per pair (a lone half is written as '?' = 1, counted high)
            } else {
                n += 3;
            }
        }
        return n;
    }
}
