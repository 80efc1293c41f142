package io.relaycast.node.room;

import io.relaycast.node.media.DownTrack;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.PeerTransport;
import io.relaycast.sdp.Candidate;

import io.relaycast.sdp.Connection;
import io.relaycast.sdp.Direction;
import io.relaycast.sdp.Extmap;
import io.relaycast.sdp.Fingerprint;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaDescriptionBuilder;
import io.relaycast.sdp.Msid;
import io.relaycast.sdp.MsidSemantic;
import io.relaycast.sdp.Origin;
import io.relaycast.sdp.Rid;
import io.relaycast.sdp.RidDirection;
import io.relaycast.sdp.SessionDescription;
import io.relaycast.sdp.SessionDescriptionBuilder;
import io.relaycast.sdp.Setup;
import io.relaycast.sdp.Simulcast;
import io.relaycast.sdp.SsrcGroup;
import io.relaycast.sdp.Timing;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the node's SDP for one peer session from its m-lines: the answer to each client offer and
 * each node offer. Both describe every m-line in session order (JSEP, RFC 8829 §5.2/5.3), on one
 * BUNDLE transport with rtcp-mux, as an ICE-lite agent (RFC 8445 §2.5) with its host candidates
 * and {@code a=end-of-candidates} inside the SDP.
 */
final class SdpWriter {
    /** RFC 8445 §5.1.2.1 for a host candidate: type preference 126, local preference 65535, component 1. */
    private static final long HOST_PRIORITY = (126L << 24) | (65535L << 8) | 255;

    private final MediaWorker worker;
    private final long sessionId;
    private long version;

    SdpWriter(MediaWorker worker, long sessionId) {
        this.worker = worker;
        this.sessionId = sessionId;
    }

    /** The answer: the node is the DTLS server (RFC 8842 §5.3, {@code a=setup:passive}). */
    SessionDescription answer(List<MLine> lines, PeerTransport transport, boolean allowMixed) {
        return write(lines, transport, allowMixed, Setup.PASSIVE);
    }

    /**
     * A node offer. {@code actpass} is what an offerer must write (RFC 8842 §5.2); the DTLS roles
     * stay as the first exchange set them, because the association is not restarted.
     */
    SessionDescription offer(List<MLine> lines, PeerTransport transport, boolean allowMixed) {
        return write(lines, transport, allowMixed, Setup.ACTPASS);
    }

    private SessionDescription write(List<MLine> lines, PeerTransport transport, boolean allowMixed, Setup setup) {
        version++;
        SessionDescriptionBuilder s = SessionDescription.builder()
                .origin(Origin.of("-", sessionId, version, "127.0.0.1"))
                .sessionName("-")
                .timing(Timing.PERMANENT)
                .iceLite();
        List<String> bundle = new ArrayList<>();
        for (MLine m : lines) {
            if (m.role != MLine.Role.REJECTED && (m.role != MLine.Role.PUBLISH || m.codec != null)) {
                bundle.add(m.mid);
            }
        }
        s.bundle(bundle);
        if (allowMixed) {
            s.extmapAllowMixed();
        }
        s.msidSemantic(MsidSemantic.wms(List.of("*")));
        for (MLine m : lines) {
            s.addMedia(media(m, transport, setup));
        }
        return s.build();
    }

    private MediaDescription media(MLine m, PeerTransport transport, Setup setup) {
        if (m.role == MLine.Role.REJECTED || (m.role == MLine.Role.PUBLISH && m.codec == null)) {
            return rejected(m);
        }
        MediaDescriptionBuilder b = MediaDescription.builder(m.kind)
                .port(worker.port())
                .connection(Connection.of(worker.advertisedIps().get(0)));
        int foundation = 1;
        for (String ip : worker.advertisedIps()) {
            b.addCandidate(Candidate.host(Integer.toString(foundation++), HOST_PRIORITY, ip, worker.port()));
        }
        b.endOfCandidates()
                .iceCredentials(transport.localCredentials().ufrag(), transport.localCredentials().pwd())
                .addFingerprint(fingerprint())
                .setup(setup)
                .mid(m.mid);
        if (m.role == MLine.Role.PUBLISH) {
            m.extmaps.forEach(b::addExtmap);
            b.direction(m.receiving ? Direction.RECVONLY : Direction.INACTIVE).rtcpMux();
            if (m.clientMedia != null && m.clientMedia.rtcpRsize()) {
                b.rtcpRsize();
            }
            b.addCodec(m.codec);
            if (m.rtxCodec != null) {
                b.addCodec(m.rtxCodec);
            }
            if (!m.rids.isEmpty()) {
                // RFC 8853 §5.3: the answer reverses the direction of the simulcast streams it takes.
                m.rids.forEach(rid -> b.addRid(Rid.of(rid, RidDirection.RECV)));
                b.simulcast(Simulcast.recv(m.rids));
            }
            return b.build();
        }
        // SUBSCRIBE: one remote track, or inactive and free for a later one.
        DownTrack d = m.downTrack;
        m.sendExtmaps.forEach(b::addExtmap);
        b.direction(d != null ? Direction.SENDONLY : Direction.INACTIVE);
        Msid msid = d == null ? null : new Msid(d.source().streamId(), d.source().trackId());
        if (msid != null) {
            b.addMsid(msid);
        }
        b.rtcpMux();
        if (m.clientMedia == null || m.clientMedia.rtcpRsize()) {
            // Node offers always propose it; an answer to a WHEP viewer only echoes it (RFC 5506).
            b.rtcpRsize();
        }
        b.addCodec(m.sendCodec);
        if (m.sendRtxCodec != null) {
            b.addCodec(m.sendRtxCodec);
        }
        if (d != null) {
            String cname = d.source().publisherPeerId();
            long ssrc = d.ssrc() & 0xffffffffL;
            if (d.hasRtx()) {
                long rtx = d.rtxSsrc() & 0xffffffffL;
                b.addSsrcGroup(SsrcGroup.fid(ssrc, rtx));
                b.addSsrc(ssrc, cname, msid);
                b.addSsrc(rtx, cname, msid);
            } else {
                b.addSsrc(ssrc, cname, msid);
            }
        }
        return b.build();
    }

    private static MediaDescription rejected(MLine m) {
        String proto = m.clientMedia != null ? m.clientMedia.proto() : "UDP/TLS/RTP/SAVPF";
        String media = m.clientMedia != null ? m.clientMedia.media() : m.kind.sdpName();
        MediaDescriptionBuilder b = MediaDescriptionBuilder.of(media, proto).port(0);
        List<String> formats = m.clientMedia != null ? m.clientMedia.formats() : m.rejectedFormats;
        if (formats.isEmpty()) {
            formats = List.of("0");
        }
        for (String f : formats) {
            b.addFormat(f);
        }
        return b.mid(m.mid).build();
    }

    private Fingerprint fingerprint() {
        String[] parts = worker.shared().certificate().fingerprint().toSdpValue().split(" ", 2);
        return new Fingerprint(parts[0], parts[1]);
    }

}
