package io.relaycast.srtp;

/**
 * AES-GCM with one fixed 128-bit key, a 12-byte IV and a 16-byte tag (NIST SP 800-38D), one
 * packet at a time: {@link #start}, any number of {@link #aad} calls, then {@link #seal} or
 * {@link #open}. Two implementations: {@link IntrinsicGcmEngine} (no per-packet init, no
 * allocation) where the JDK's GHASH kernel is reachable, else {@link JcaGcmEngine}. Not
 * thread-safe.
 */
interface GcmEngine {
    /** System property that picks the implementation: {@code auto} (the default) or {@code jca}. */
    String PROPERTY = "relaycast.srtp.gcm";

    int TAG_LENGTH = 16;

    static GcmEngine forKey(byte[] key) {
        return intrinsicChosen() ? new IntrinsicGcmEngine(key) : new JcaGcmEngine(key);
    }

    /** Which implementation {@link #forKey} builds and, for JCA, why: for a log line at start. */
    static String description() {
        if (intrinsicChosen()) {
            return "AES-GCM on the JDK's AES and GHASH kernels, no per-packet init";
        }
        String why = "jca".equals(System.getProperty(PROPERTY))
                ? "-D" + PROPERTY + "=jca"
                : "the JDK's GHASH kernel is not reachable (needs --add-opens "
                        + "java.base/com.sun.crypto.provider=ALL-UNNAMED): " + Ghash.unavailableReason();
        return "AES-GCM through JCA's Cipher, one init and about 1 KB of garbage per packet (" + why + ")";
    }

    /** Whether {@link #forKey} builds {@link IntrinsicGcmEngine}s. */
    static boolean intrinsicChosen() {
        return !"jca".equals(System.getProperty(PROPERTY)) && Ghash.available();
    }

    /** Begins a packet with this 12-byte IV, for sealing (encrypting) or opening. */
    void start(byte[] iv, boolean seal);

    /** Adds {@code b[off, off + len)} to the associated data; all of it comes before the text. */
    void aad(byte[] b, int off, int len);

    /**
     * Encrypts {@code buf[off, off + len)} in place and writes the tag after it; returns
     * {@code len + 16}. {@code buf} must have room for the tag.
     */
    int seal(byte[] buf, int off, int len);

    /**
     * Checks the tag at the end of {@code buf[off, off + len)} (ciphertext then tag) and, only if
     * it matches, decrypts the ciphertext in place; returns the plaintext length, or -1 when the
     * tag does not match (then {@code buf} is untouched).
     */
    int open(byte[] buf, int off, int len);
}
