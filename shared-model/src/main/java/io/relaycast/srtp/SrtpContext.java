package io.relaycast.srtp;

import java.util.Objects;

/**
 * SRTP and SRTCP protection for one direction of one DTLS-SRTP association (RFC 3711, RFC 7714).
 *
 * <p>Use one context for what a peer sends you ({@code unprotect*}) and another, with the other
 * half of the exported keying material, for what you send ({@code protect*}); a single context
 * must not do both, since both directions would then share replay state. Per-SSRC state (the
 * ROC and replay window of RFC 3711 §3.3.1/§3.3.2, the SRTCP index and its window) lives in an
 * int-keyed map, created on first use and bounded: past {@code maxSsrcs} SSRCs new ones are
 * refused with {@link SrtpException.Reason#SSRC_LIMIT}. On the receiving side an SSRC's state
 * is only created, and windows only move, once a packet has authenticated (§3.3), so forged
 * packets cannot fill the map or shift a window.
 *
 * <p>On the sending side the same index estimate and window apply, so the context refuses to
 * protect an index it has already used (keystream reuse, RFC 3711 §9.1): a packet that must be
 * sent again is to be kept in its protected form.
 *
 * <p>All operations work in place and allocate nothing per packet apart from what JCA itself
 * allocates: 40 bytes inside {@code Mac.doFinal} for HMAC-SHA1, and for AES-GCM nothing where
 * the JDK's GHASH kernel is reachable, else about 1 KB for the per-packet {@code Cipher.init}
 * JCA's GCM needs ({@link #aesGcmImplementation()} says which). A receiving context also
 * allocates once per new SSRC.
 * MKIs are not supported (WebRTC does not use them). Not thread-safe: a context belongs to the
 * thread that owns its transport.
 */
public final class SrtpContext {
    /** Default bound on the number of SSRCs a context keeps state for. */
    public static final int DEFAULT_MAX_SSRCS = 1024;
    /**
     * Packets of one SSRC remembered for replay protection (RFC 3711 §3.3.2), when receiving and
     * when sending: a packet further behind the newest one of its stream is refused either way
     * ({@code TOO_OLD}), so a forwarder gains nothing from sending it later than that.
     */
    public static final int REPLAY_WINDOW = ReplayWindow.SIZE;

    /** RFC 3711 §3.3.1: the SRTP index is 48 bits. */
    private static final long MAX_RTP_INDEX = (1L << 48) - 1;
    /** RFC 3711 §3.4: the SRTCP index is 31 bits. */
    private static final long MAX_RTCP_INDEX = 0x7fffffffL;
    private static final int RTP_HEADER = 12;
    private static final int RTCP_HEADER = 8;

    private final SrtpProfile profile;
    private final SrtpTransform transform;
    private final SsrcStateMap states;
    private final int rtpTag;
    private final int rtcpTag;

    /** A context deriving its session keys from the master key and salt (RFC 3711 §4.3, kdr = 0). */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(SrtpSessionKeys.derive(profile, masterKey, masterSalt), DEFAULT_MAX_SSRCS);
    }

    /** As {@link #SrtpContext(SrtpProfile, byte[], byte[])} with a different SSRC bound. */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, int maxSsrcs) {
        this(SrtpSessionKeys.derive(profile, masterKey, masterSalt), maxSsrcs);
    }

    /** A context over already derived session keys. */
    public SrtpContext(SrtpSessionKeys keys, int maxSsrcs) {
        this.profile = keys.profile();
        this.transform = SrtpTransform.create(keys);
        this.states = new SsrcStateMap(maxSsrcs);
        this.rtpTag = transform.rtpTagLength();
        this.rtcpTag = transform.rtcpTagLength();
    }

    /**
     * Which AES-GCM this JVM's contexts use, and why if it is JCA's (which allocates per packet):
     * the node logs it at start.
     */
    public static String aesGcmImplementation() {
        return GcmEngine.description();
    }

    /** Whether this JVM's AES-GCM is the one without a per-packet init and garbage. */
    public static boolean aesGcmAllocationFree() {
        return GcmEngine.intrinsicChosen();
    }

    public SrtpProfile profile() {
        return profile;
    }

    /** Bytes {@link #protectRtp} appends. */
    public int rtpOverhead() {
        return rtpTag;
    }

    /** Bytes {@link #protectRtcp} appends (E flag + index word, tag). */
    public int rtcpOverhead() {
        return 4 + rtcpTag;
    }

    // ------------------------------------------------------------------ SRTP

    /**
     * Encrypts and authenticates the RTP packet at {@code buf[off, off + len)} in place and
     * appends the tag; the caller guarantees {@code len + rtpOverhead()} bytes of room.
     *
     * @return the protected length
     * @throws SrtpException {@code MALFORMED} when the header is not RTP version 2 or runs past
     *                       {@code len}; {@code REPLAYED}/{@code TOO_OLD} when this SSRC and
     *                       index were already used or fall behind the window;
     *                       {@code SSRC_LIMIT}; {@code INDEX_EXHAUSTED}
     */
    public int protectRtp(byte[] buf, int off, int len) throws SrtpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.checkFromIndexSize(off, len + rtpTag, buf.length);
        int headerLen = rtpHeaderLength(buf, off, len);
        int ssrc = readInt(buf, off + 8);
        int seq = readU16(buf, off + 2);
        SsrcState state = states.get(ssrc);
        if (state == null) {
            state = newState(ssrc);
        }
        long index = estimateIndex(state.rtp, seq);
        checkWindow(state.rtp, index, "protect SRTP");
        int out = transform.protectRtp(buf, off, len, headerLen, ssrc, index);
        state.rtp.accept(index);
        return out;
    }

    /**
     * Authenticates and decrypts the SRTP packet at {@code buf[off, off + len)} in place.
     *
     * @return the RTP packet length (the tag removed)
     * @throws SrtpException {@code TOO_SHORT}, {@code MALFORMED}, {@code AUTH_FAILED},
     *                       {@code REPLAYED}, {@code TOO_OLD}, {@code SSRC_LIMIT} or
     *                       {@code INDEX_EXHAUSTED}; the buffer is then unchanged
     */
    public int unprotectRtp(byte[] buf, int off, int len) throws SrtpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < RTP_HEADER + rtpTag) {
            throw new SrtpException(SrtpException.Reason.TOO_SHORT, len + " bytes cannot hold an RTP header and tag");
        }
        int headerLen = rtpHeaderLength(buf, off, len - rtpTag);
        int ssrc = readInt(buf, off + 8);
        int seq = readU16(buf, off + 2);
        SsrcState state = states.get(ssrc);
        if (state == null && states.full()) {
            throw ssrcLimit(ssrc);
        }
        // RFC 3711 §3.3.1: a stream's first packet gets ROC 0 and sets s_l.
        long index = state == null ? seq : estimateIndex(state.rtp, seq);
        if (state != null) {
            checkWindow(state.rtp, index, "SRTP");
        }
        int plainLen = transform.unprotectRtp(buf, off, len, headerLen, ssrc, index);
        if (state == null) {
            state = states.create(ssrc);
        }
        state.rtp.accept(index);
        return plainLen;
    }

    /**
     * RFC 3711 Appendix A: the index whose ROC puts SEQ closest to the highest index seen,
     * so a packet from just before a wrap gets ROC - 1 and one just after gets ROC + 1.
     */
    private static long estimateIndex(ReplayWindow window, int seq) {
        if (!window.started()) {
            return seq;
        }
        long highest = window.highest();
        long roc = highest >>> 16;
        int sl = (int) (highest & 0xffff);
        long v;
        if (sl < 0x8000) {
            v = seq - sl > 0x8000 ? roc - 1 : roc;
        } else {
            v = sl - 0x8000 > seq ? roc + 1 : roc;
        }
        // v = -1 (a "late" packet before the first ROC) makes the index negative: too old.
        return (v << 16) | seq;
    }

    private static void checkWindow(ReplayWindow window, long index, String what) throws SrtpException {
        if (index < 0) {
            throw new SrtpException(SrtpException.Reason.TOO_OLD, what + " index before the stream's first rollover");
        }
        if (index > MAX_RTP_INDEX) {
            throw new SrtpException(SrtpException.Reason.INDEX_EXHAUSTED, what + " index past 2^48; rekey");
        }
        switch (window.check(index)) {
            case ReplayWindow.REPLAYED:
                throw new SrtpException(SrtpException.Reason.REPLAYED, what + " index " + index + " already seen");
            case ReplayWindow.TOO_OLD:
                throw new SrtpException(SrtpException.Reason.TOO_OLD, what + " index " + index
                        + " behind the " + ReplayWindow.SIZE + "-packet window (highest " + window.highest() + ")");
            default:
                break;
        }
    }

    private int rtpHeaderLength(byte[] buf, int off, int len) throws SrtpException {
        if (len < RTP_HEADER) {
            throw new SrtpException(SrtpException.Reason.TOO_SHORT, len + " bytes cannot hold an RTP header");
        }
        if ((buf[off] & 0xc0) != 0x80) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "not RTP version 2");
        }
        // RFC 3711 §3.1: the header (CSRCs and extension included) stays in the clear.
        int pos = RTP_HEADER + 4 * (buf[off] & 0x0f);
        if ((buf[off] & 0x10) != 0) {
            if (pos + 4 > len) {
                throw new SrtpException(SrtpException.Reason.MALFORMED, "RTP extension header runs past the packet");
            }
            pos += 4 + 4 * readU16(buf, off + pos + 2);
        }
        if (pos > len) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "RTP header runs past the packet");
        }
        return pos;
    }

    // ------------------------------------------------------------------ SRTCP

    /**
     * Protects the RTCP (compound) packet at {@code buf[off, off + len)} in place with the next
     * SRTCP index of its sender SSRC (starting at 0, RFC 3711 §3.4) and the E flag set; the
     * caller guarantees {@code len + rtcpOverhead()} bytes of room.
     *
     * @return the protected length
     */
    public int protectRtcp(byte[] buf, int off, int len) throws SrtpException {
        return protectRtcpAt(buf, off, len, -1);
    }

    /**
     * As {@link #protectRtcp(byte[], int, int)} with an explicit SRTCP index, for resuming a
     * stream; later calls without an index continue after the highest one used.
     *
     * @throws IllegalArgumentException when {@code srtcpIndex} is negative (it is 31 bits)
     */
    public int protectRtcp(byte[] buf, int off, int len, int srtcpIndex) throws SrtpException {
        if (srtcpIndex < 0) {
            throw new IllegalArgumentException("SRTCP index is 31 bits: " + srtcpIndex);
        }
        return protectRtcpAt(buf, off, len, srtcpIndex);
    }

    /** {@code srtcpIndex} -1 means the SSRC's next index. */
    private int protectRtcpAt(byte[] buf, int off, int len, int srtcpIndex) throws SrtpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        Objects.checkFromIndexSize(off, len + 4 + rtcpTag, buf.length);
        checkRtcpHeader(buf, off, len, RTCP_HEADER);
        int ssrc = readInt(buf, off + 4);
        SsrcState state = states.get(ssrc);
        if (state == null) {
            state = newState(ssrc);
        }
        long index = srtcpIndex >= 0 ? srtcpIndex : state.nextRtcpIndex;
        if (index > MAX_RTCP_INDEX) {
            throw new SrtpException(SrtpException.Reason.INDEX_EXHAUSTED, "SRTCP index past 2^31; rekey");
        }
        checkRtcpWindow(state.rtcp, index, "protect SRTCP");
        int out = transform.protectRtcp(buf, off, len, ssrc, (int) index);
        state.rtcp.accept(index);
        state.nextRtcpIndex = Math.max(state.nextRtcpIndex, index + 1);
        return out;
    }

    /**
     * Authenticates and (when its E flag is set) decrypts the SRTCP packet at
     * {@code buf[off, off + len)} in place.
     *
     * @return the RTCP length (index word and tag removed)
     * @throws SrtpException {@code TOO_SHORT}, {@code MALFORMED}, {@code AUTH_FAILED},
     *                       {@code REPLAYED}, {@code TOO_OLD} or {@code SSRC_LIMIT}
     */
    public int unprotectRtcp(byte[] buf, int off, int len) throws SrtpException {
        Objects.checkFromIndexSize(off, len, buf.length);
        checkRtcpHeader(buf, off, len, RTCP_HEADER + 4 + rtcpTag);
        int ssrc = readInt(buf, off + 4);
        int word = readInt(buf, off + transform.rtcpIndexPosition(len));
        boolean encrypted = word < 0;
        long index = word & 0x7fffffff;
        SsrcState state = states.get(ssrc);
        if (state == null && states.full()) {
            throw ssrcLimit(ssrc);
        }
        if (state != null) {
            checkRtcpWindow(state.rtcp, index, "SRTCP");
        }
        int plainLen = transform.unprotectRtcp(buf, off, len, ssrc, (int) index, encrypted);
        if (state == null) {
            state = states.create(ssrc);
        }
        state.rtcp.accept(index);
        return plainLen;
    }

    private static void checkRtcpHeader(byte[] buf, int off, int len, int minimum) throws SrtpException {
        if (len < Math.max(minimum, RTCP_HEADER)) {
            throw new SrtpException(SrtpException.Reason.TOO_SHORT, len + " bytes cannot hold an SRTCP packet");
        }
        if ((buf[off] & 0xc0) != 0x80) {
            throw new SrtpException(SrtpException.Reason.MALFORMED, "not RTCP version 2");
        }
    }

    private static void checkRtcpWindow(ReplayWindow window, long index, String what) throws SrtpException {
        switch (window.check(index)) {
            case ReplayWindow.REPLAYED:
                throw new SrtpException(SrtpException.Reason.REPLAYED, what + " index " + index + " already seen");
            case ReplayWindow.TOO_OLD:
                throw new SrtpException(SrtpException.Reason.TOO_OLD, what + " index " + index
                        + " behind the " + ReplayWindow.SIZE + "-packet window (highest " + window.highest() + ")");
            default:
                break;
        }
    }

    // ------------------------------------------------------------------ per-SSRC state

    private SsrcState newState(int ssrc) throws SrtpException {
        if (states.full()) {
            throw ssrcLimit(ssrc);
        }
        return states.create(ssrc);
    }

    private SrtpException ssrcLimit(int ssrc) {
        return new SrtpException(SrtpException.Reason.SSRC_LIMIT, "no room for SSRC "
                + Integer.toUnsignedString(ssrc) + " beyond " + states.size());
    }

    /** Number of SSRCs with state. */
    public int ssrcCount() {
        return states.size();
    }

    /**
     * Forgets an SSRC (after an RTCP BYE or a track's end), freeing room under the bound. On the
     * sending side never reuse the SSRC afterwards with the same keys: indices would repeat.
     *
     * @return false when the SSRC had no state
     */
    public boolean removeSsrc(int ssrc) {
        return states.remove(ssrc);
    }

    /** The SSRC's current rollover counter, or -1 when no SRTP packet of it was accepted yet. */
    public long rolloverCounter(int ssrc) {
        SsrcState state = states.get(ssrc);
        return state == null || !state.rtp.started() ? -1 : state.rtp.highest() >>> 16;
    }

    /** The highest SRTCP index accepted or sent for the SSRC, or -1 when none. */
    public long highestSrtcpIndex(int ssrc) {
        SsrcState state = states.get(ssrc);
        return state == null || !state.rtcp.started() ? -1 : state.rtcp.highest();
    }

    private static int readU16(byte[] b, int i) {
        return ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }

    private static int readInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }
}
