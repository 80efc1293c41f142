package io.relaycast.sdp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Checks that a parsed description is one a Relaycast peer can act on, beyond being well-formed
 * SDP. The node (an ICE-lite agent and DTLS server) checks browser offers with
 * {@link #checkOffer}; load-test clients (ICE controlling, DTLS client) check the node's answers
 * with {@link #checkAnswer}. Each failure is an {@link SdpException} naming the m= line.
 *
 * <p>Checked for every m-line that is not rejected (port 0 without {@code a=bundle-only}):
 * <ul>
 *   <li>it has a unique {@code a=mid} (RFC 8829 §5.2.1; BUNDLE identifies m-lines by mid);</li>
 *   <li>ICE ufrag and password and a usable DTLS fingerprint apply to it, at media level, from
 *       its BUNDLE-tagged m-line, or at session level (RFC 8839 §5.4, RFC 8842 §5);</li>
 *   <li>an RTP m-line has {@code a=rtcp-mux}: browsers require it by default and BUNDLE relies
 *       on it (RFC 8843 §9.3);</li>
 *   <li>the DTLS role fits (RFC 8842 §5.2, §5.3);</li>
 *   <li>every rid of {@code a=simulcast} has a matching {@code a=rid} line (RFC 8853 §5.2).</li>
 * </ul>
 * Across the description: BUNDLE groups name existing m-lines, and one payload type means one
 * codec throughout a BUNDLE group (RFC 8843 §9.1); in an offer, throughout the m-lines that are
 * not rejected, grouped or not, because the node answers them all on one BUNDLE transport.
 *
 * <p>Malformed values, an {@code a=setup} outside RFC 4145's four roles among them, and the
 * size limits of {@link SdpLimits} are refused earlier, by {@link SessionDescription#parse}.
 */
public final class SdpValidator {
    private SdpValidator() {
    }

    /**
     * Checks a remote offer the node will answer. The node is the DTLS server, so the offer's
     * {@code a=setup} must leave it the passive role: {@code actpass} (what JSEP offers write,
     * RFC 8842 §5.2) or {@code active}.
     */
    public static void checkOffer(SessionDescription offer) throws SdpException {
        checkCommon(offer);
        // The node answers every m-line it accepts on one BUNDLE transport, whether or not the
        // offer grouped them, so its answer's group holds all of them: one payload type must mean
        // one codec across them all (RFC 8843 §9.1), or the answer would break that rule itself.
        checkPayloadTypes(offer, acceptedMids(offer), "; the node carries every m-line on one BUNDLE transport, "
                + "where a payload type means one codec (RFC 8843 §9.1)");
        for (MediaDescription m : offer.media()) {
            if (m.isRejected()) {
                continue;
            }
            Setup setup = requireSetup(offer, m);
            if (setup != Setup.ACTPASS && setup != Setup.ACTIVE) {
                throw fail(offer, m, "a=setup:" + setup.value() + " in an offer; the node is the DTLS server, "
                        + "so the offer must say actpass or active (RFC 8842 §5.2)");
            }
        }
    }

    /**
     * Checks a remote answer. An answer takes a DTLS role, {@code active} or {@code passive},
     * never {@code actpass} (RFC 8842 §5.3).
     */
    public static void checkAnswer(SessionDescription answer) throws SdpException {
        checkCommon(answer);
        for (MediaDescription m : answer.media()) {
            if (m.isRejected()) {
                continue;
            }
            Setup setup = requireSetup(answer, m);
            if (setup != Setup.ACTIVE && setup != Setup.PASSIVE) {
                throw fail(answer, m, "a=setup:" + setup.value() + " in an answer; it must be active or passive (RFC 8842 §5.3)");
            }
        }
    }

    private static void checkCommon(SessionDescription sdp) throws SdpException {
        if (sdp.media().isEmpty()) {
            throw new SdpException("the description has no m= sections");
        }
        Set<String> mids = new HashSet<>();
        for (MediaDescription m : sdp.media()) {
            Optional<String> mid = m.mid();
            if (mid.isEmpty()) {
                if (!m.isRejected()) {
                    throw fail(sdp, m, "no a=mid (RFC 8829 §5.2.1 gives every m-line one)");
                }
            } else if (!mids.add(mid.get())) {
                throw fail(sdp, m, "a=mid:" + mid.get() + " is used by an earlier m-line too");
            }
        }
        for (Group g : sdp.groups()) {
            if (g.isBundle()) {
                for (String mid : g.mids()) {
                    if (!mids.contains(mid)) {
                        throw new SdpException("a=group:BUNDLE names mid " + mid + ", which no m-line has (RFC 8843 §7.2)");
                    }
                }
            }
        }
        for (MediaDescription m : sdp.media()) {
            if (m.isBundleOnly() && (m.mid().isEmpty() || !inBundle(sdp, m.mid().get()))) {
                throw fail(sdp, m, "a=bundle-only on an m-line outside every BUNDLE group (RFC 8843 §6)");
            }
            if (m.isRejected()) {
                continue;
            }
            checkTransport(sdp, m);
            if (m.isRtp() && !m.rtcpMux()) {
                throw fail(sdp, m, "no a=rtcp-mux; RTP and RTCP must share the transport (RFC 5761, RFC 8843 §9.3)");
            }
            checkSimulcast(sdp, m);
        }
        checkBundlePayloadTypes(sdp);
    }

    private static void checkTransport(SessionDescription sdp, MediaDescription m) throws SdpException {
        if (sdp.iceUfragFor(m).isEmpty()) {
            throw fail(sdp, m, "no a=ice-ufrag at media or session level (RFC 8839 §5.4)");
        }
        if (sdp.icePwdFor(m).isEmpty()) {
            throw fail(sdp, m, "no a=ice-pwd at media or session level (RFC 8839 §5.4)");
        }
        List<Fingerprint> fingerprints = sdp.fingerprintsFor(m);
        if (fingerprints.isEmpty()) {
            throw fail(sdp, m, "no a=fingerprint at media or session level (RFC 8842 §5)");
        }
        boolean usable = false;
        for (Fingerprint f : fingerprints) {
            OptionalInt len = Fingerprint.digestLength(f.hashFunction());
            if (len.isPresent() && len.getAsInt() != f.bytes().length) {
                throw fail(sdp, m, "a=fingerprint:" + f.hashFunction() + " has " + f.bytes().length
                        + " bytes, the hash gives " + len.getAsInt());
            }
            String h = f.normalizedHashFunction();
            // RFC 8122 §5: SHA-1 and the SHA-2 family; MD2/MD5 are not to be used.
            usable |= len.isPresent() && !h.equals("md2") && !h.equals("md5");
        }
        if (!usable) {
            throw fail(sdp, m, "no a=fingerprint with a supported hash function (sha-1, sha-224, sha-256, sha-384, sha-512)");
        }
    }

    private static Setup requireSetup(SessionDescription sdp, MediaDescription m) throws SdpException {
        return sdp.setupFor(m).orElseThrow(() ->
                fail(sdp, m, "no a=setup at media or session level (RFC 8842 §5.1)"));
    }

    private static void checkSimulcast(SessionDescription sdp, MediaDescription m) throws SdpException {
        Optional<Simulcast> sc = m.simulcast();
        if (sc.isEmpty()) {
            return;
        }
        Map<String, RidDirection> rids = new HashMap<>();
        for (Rid r : m.rids()) {
            rids.put(r.id(), r.direction());
        }
        for (String rid : sc.get().sendRids()) {
            if (rids.get(rid) != RidDirection.SEND) {
                throw fail(sdp, m, "a=simulcast sends rid " + rid + " without an a=rid:" + rid + " send line (RFC 8853 §5.2)");
            }
        }
        for (String rid : sc.get().recvRids()) {
            if (rids.get(rid) != RidDirection.RECV) {
                throw fail(sdp, m, "a=simulcast receives rid " + rid + " without an a=rid:" + rid + " recv line (RFC 8853 §5.2)");
            }
        }
    }

    /** RFC 8843 §9.1: within a BUNDLE group a payload type may describe only one codec. */
    private static void checkBundlePayloadTypes(SessionDescription sdp) throws SdpException {
        for (Group g : sdp.groups()) {
            if (g.isBundle()) {
                checkPayloadTypes(sdp, g.mids(), " of the same BUNDLE group (RFC 8843 §9.1)");
            }
        }
    }

    /** The mids of the m-lines that are not rejected, in order. */
    private static List<String> acceptedMids(SessionDescription sdp) {
        List<String> mids = new ArrayList<>();
        for (MediaDescription m : sdp.media()) {
            if (!m.isRejected()) {
                m.mid().ifPresent(mids::add);
            }
        }
        return mids;
    }

    /** That a payload type names one codec in all the m-lines of {@code mids} that are not rejected. */
    private static void checkPayloadTypes(SessionDescription sdp, List<String> mids, String why) throws SdpException {
        Map<Integer, Codec> seen = new HashMap<>();
        Map<Integer, String> seenMid = new HashMap<>();
        for (String mid : mids) {
            Optional<MediaDescription> m = sdp.media(mid);
            if (m.isEmpty() || m.get().isRejected()) {
                continue;
            }
            for (Codec c : m.get().codecs()) {
                Codec prev = seen.putIfAbsent(c.payloadType(), c);
                if (prev == null) {
                    seenMid.put(c.payloadType(), mid);
                } else if (!sameCodec(prev, c)) {
                    throw fail(sdp, m.get(), "payload type " + c.payloadType() + " is " + c.name() + "/" + c.clockRate()
                            + " here but " + prev.name() + "/" + prev.clockRate() + " in mid " + seenMid.get(c.payloadType()) + why);
                }
            }
        }
    }

    private static boolean sameCodec(Codec a, Codec b) {
        return a.normalizedName().equals(b.normalizedName()) && a.clockRate() == b.clockRate()
                && Math.max(a.channels(), 1) == Math.max(b.channels(), 1);
    }

    private static boolean inBundle(SessionDescription sdp, String mid) {
        for (Group g : sdp.groups()) {
            if (g.isBundle() && g.mids().contains(mid)) {
                return true;
            }
        }
        return false;
    }

    private static SdpException fail(SessionDescription sdp, MediaDescription m, String reason) {
        return new SdpException(sdp.lineNumberOf(m), m.label() + ": " + reason);
    }
}
