package io.relaycast.srtp;

/**
 * The per-packet cryptography of one profile, given the index the context has settled on.
 *
 * <p>Implementations work in place on {@code buf[off, off + len)}, reuse their JCA objects and
 * scratch arrays, and are not thread-safe. Indices are passed in already validated: the SRTP
 * index is 48 bits ({@code ROC * 2^16 + SEQ}), the SRTCP index 31 bits.
 */
abstract class SrtpTransform {

    static SrtpTransform create(SrtpSessionKeys keys) {
        return keys.profile().isAead() ? new AesGcmTransform(keys) : new AesCmHmacSha1Transform(keys);
    }

    /** Bytes the RTP tag adds. */
    abstract int rtpTagLength();

    /** Bytes the SRTCP tag adds (the 4-byte E flag + index word comes on top). */
    abstract int rtcpTagLength();

    /** Encrypts the payload after {@code headerLen}, appends the tag, returns the new length. */
    abstract int protectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index);

    /**
     * Checks the tag of a protected packet of {@code len} bytes (tag included), decrypts the
     * payload in place and returns the plaintext length. Nothing is decrypted if the tag is bad.
     */
    abstract int unprotectRtp(byte[] buf, int off, int len, int headerLen, int ssrc, long index)
            throws SrtpException;

    /**
     * Encrypts everything after the first 8 bytes (RFC 3711 §3.4), appends the E flag + index
     * word and the tag in the profile's order, returns the new length.
     */
    abstract int protectRtcp(byte[] buf, int off, int len, int ssrc, int index);

    /** Offset, from the packet start, of the E flag + index word in a protected packet of {@code len} bytes. */
    abstract int rtcpIndexPosition(int len);

    /**
     * Checks the tag of a protected SRTCP packet and, when {@code encrypted} (the E flag),
     * decrypts it in place; returns the plain RTCP length.
     */
    abstract int unprotectRtcp(byte[] buf, int off, int len, int ssrc, int index, boolean encrypted)
            throws SrtpException;

    static void writeInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }
}
