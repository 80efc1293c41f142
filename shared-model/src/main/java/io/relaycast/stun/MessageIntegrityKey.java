package io.relaycast.stun;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A MESSAGE-INTEGRITY key with its HMAC-SHA1 engine initialised once (RFC 8489 §14.5).
 *
 * <p>An ICE agent checks every request with the same local password and signs every request
 * with the same remote one, so it keeps one instance per key and pays for {@code Mac}
 * lookup and key setup once instead of per message. Not thread-safe: one owner at a time,
 * like the agent that holds it.
 */
public final class MessageIntegrityKey {
    static final int HMAC_LENGTH = 20;

    private final Mac mac;

    private MessageIntegrityKey(byte[] key) {
        this.mac = Hmac.newInitialised(key);
    }

    /** A key made of raw bytes (for instance a long-term key printed in RFC 5769 §2.4). */
    public static MessageIntegrityKey of(byte[] key) {
        Objects.requireNonNull(key, "key");
        return new MessageIntegrityKey(key);
    }

    /**
     * RFC 8489 §9.1.1: the short-term key is the password itself. ICE passwords are made of
     * ice-chars (RFC 8839 §5.4), plain ASCII, on which the OpaqueString profile is the
     * identity, so the UTF-8 bytes are the key.
     */
    public static MessageIntegrityKey shortTerm(String password) {
        return new MessageIntegrityKey(password.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * RFC 5389 §15.4 / RFC 8489 §9.2.2: the long-term key is MD5(username ":" realm ":"
     * password). The password must already be SASLprep/OpaqueString-processed by the caller;
     * this class does no string preparation.
     */
    public static byte[] longTermKeyBytes(String username, String realm, String password) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return md5.digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("MD5 is a mandatory JCA algorithm", e);
        }
    }

    /** {@link #of} applied to {@link #longTermKeyBytes}. */
    public static MessageIntegrityKey longTerm(String username, String realm, String password) {
        return new MessageIntegrityKey(longTermKeyBytes(username, realm, password));
    }

    /**
     * HMAC-SHA1 over {@code buf[off, off+len)} with the header's length field (bytes 2–3)
     * replaced by {@code lengthField}, written into {@code out} at {@code outOff}.
     */
    void compute(byte[] buf, int off, int len, int lengthField, byte[] out, int outOff) {
        Hmac.compute(mac, buf, off, len, lengthField, out, outOff);
    }

    /** Constant-time check of the 20 bytes at {@code expected[expectedOff]}. */
    boolean matches(byte[] buf, int off, int len, int lengthField, byte[] expected, int expectedOff) {
        return Hmac.matches(mac, buf, off, len, lengthField, expected, expectedOff);
    }

    /** HMAC-SHA1 helpers shared with the byte[]-key path of {@link StunMessage}. */
    static final class Hmac {
        /**
         * For {@link StunMessage#verifyMessageIntegrity(byte[])}: a Mac per thread, re-keyed per
         * call, so callers that do not keep a {@link MessageIntegrityKey} still avoid a
         * provider lookup per message.
         */
        private static final ThreadLocal<Mac> PER_THREAD = ThreadLocal.withInitial(Hmac::newMac);

        private Hmac() {
        }

        static Mac newMac() {
            try {
                return Mac.getInstance("HmacSHA1");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA1 is a mandatory JCA algorithm", e);
            }
        }

        static Mac newInitialised(byte[] key) {
            Mac mac = newMac();
            init(mac, key);
            return mac;
        }

        static Mac perThread(byte[] key) {
            Mac mac = PER_THREAD.get();
            init(mac, key);
            return mac;
        }

        private static void init(Mac mac, byte[] key) {
            try {
                // HMAC accepts any key length, including empty; SecretKeySpec does not.
                mac.init(key.length == 0 ? EmptyKey.INSTANCE : new SecretKeySpec(key, "HmacSHA1"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA1 rejected a raw key", e);
            }
        }

        static void compute(Mac mac, byte[] buf, int off, int len, int lengthField, byte[] out, int outOff) {
            // RFC 8489 §14.5: the HMAC input is the message up to MESSAGE-INTEGRITY with the
            // length field already counting MESSAGE-INTEGRITY (but not what follows it).
            mac.update(buf, off, 2);
            mac.update((byte) (lengthField >>> 8));
            mac.update((byte) lengthField);
            mac.update(buf, off + 4, len - 4);
            try {
                mac.doFinal(out, outOff);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC output buffer too short", e);
            }
        }

        static boolean matches(Mac mac, byte[] buf, int off, int len, int lengthField, byte[] expected, int expectedOff) {
            byte[] actual = new byte[HMAC_LENGTH];
            compute(mac, buf, off, len, lengthField, actual, 0);
            int diff = 0;
            for (int i = 0; i < HMAC_LENGTH; i++) {
                diff |= actual[i] ^ expected[expectedOff + i];
            }
            return diff == 0;
        }
    }

    /** A zero-length HMAC key, which {@link SecretKeySpec} refuses to represent. */
    private static final class EmptyKey implements javax.crypto.SecretKey {
        private static final long serialVersionUID = 1L;
        static final EmptyKey INSTANCE = new EmptyKey();

        @Override
        public String getAlgorithm() {
            return "HmacSHA1";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return new byte[0];
        }
    }
}
