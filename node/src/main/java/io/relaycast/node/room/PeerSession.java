package io.relaycast.node.room;

import io.relaycast.dtls.DtlsException;
import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.node.limits.TokenBucket;
import io.relaycast.node.media.DownTrack;
import io.relaycast.node.media.MediaCounters;
import io.relaycast.node.media.MediaWorker;
import io.relaycast.node.media.PeerTransport;
import io.relaycast.node.media.SsrcTable;
import io.relaycast.node.media.TrackCodec;
import io.relaycast.node.media.TwccRecorder;
import io.relaycast.node.media.UpTrack;
import io.relaycast.node.media.Upstream;
import io.relaycast.rtcp.FullIntraRequest;
import io.relaycast.rtcp.GenericNack;
import io.relaycast.rtcp.NtpTime;
import io.relaycast.rtcp.PictureLossIndication;
import io.relaycast.rtcp.ReceiverReport;
import io.relaycast.rtcp.ReportBlock;
import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpException;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.rtcp.SenderReport;
import io.relaycast.rtcp.TransportCcFeedback;
import io.relaycast.rtp.ReceptionStatistics;
import io.relaycast.rtp.RtpException;
import io.relaycast.rtp.RtpExtensionIdMap;
import io.relaycast.rtp.RtpHeader;
import io.relaycast.sdp.Codec;
import io.relaycast.sdp.Direction;
import io.relaycast.sdp.Extmap;
import io.relaycast.sdp.Fingerprint;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaKind;
import io.relaycast.sdp.SdpException;
import io.relaycast.sdp.SdpValidator;
import io.relaycast.sdp.SessionDescription;
import io.relaycast.sdp.SsrcGroup;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.ErrorCode;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One peer's media session in a room on this node: the SDP negotiation of PROTOCOL.md (the
 * client offers first; the node answers as ICE-lite, passive; the node offers when the tracks the
 * client should receive change; glare resolved with the node impolite), its transport, the
 * tracks it publishes and the ones it receives. Runs on the room's worker thread.
 */
final class PeerSession implements PeerTransport.Listener, DownTrack.Sink, Upstream {
    private static final Logger LOG = Logger.getLogger(PeerSession.class.getName());
    /** Receiver reports once a second (RFC 3550 §6.2 allows any interval for an SFU's small RTCP share). */
    private static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;

    private final Peer peer;
    private final Room room;
    private final MediaWorker worker;
    private final SdpWriter writer;
    private final List<MLine> mlines = new ArrayList<>();
    private final Map<String, MLine> byMid = new HashMap<>();
    private final ClientCapabilities caps = new ClientCapabilities();
    private final Set<UpTrack> wanted = new LinkedHashSet<>();
    private final SsrcTable<UpTrack> upBySsrc = new SsrcTable<>();
    private final SsrcTable<UpTrack> rtxBySsrc = new SsrcTable<>();
    private final SsrcTable<DownTrack> downBySsrc = new SsrcTable<>();
    private final byte[] midScratch = new byte[256];
    private final int rtcpSsrc;
    private final TokenBucket packetRate;
    private PeerTransport transport;
    private boolean answered;
    private boolean serverOfferOutstanding;
    private boolean renegotiationWanted;
    /** A renegotiation waits for the end of the current signaling task ({@link #renegotiate}). */
    private boolean renegotiationDeferred;
    private int midExtensionId = -1;
    private int twccExtensionId = -1;
    private int ridExtensionId = -1;
    /** The estimate of this client's downlink, once it receives a track with transport-cc. */
    private DownlinkBandwidth downlink;
    private int repairedRidExtensionId = -1;
    private TwccRecorder twcc;
    private int nextMid;
    private long lastReportNanos;
    private boolean closed;
    /**
     * For a WHEP viewer, the member whose tracks it plays; null for a room member. A viewer's
     * m-lines are its own receive-only ones, filled in the answer, and it is never sent an offer:
     * WHEP has no server-initiated renegotiation.
     */
    private final String watched;

    PeerSession(Peer peer, Room room, MediaWorker worker) {
        this(peer, room, worker, null);
    }

    PeerSession(Peer peer, Room room, MediaWorker worker, String watched) {
        this.watched = watched;
        this.peer = peer;
        this.room = room;
        this.worker = worker;
        this.writer = new SdpWriter(worker, worker.shared().random().nextLong() & Long.MAX_VALUE);
        this.rtcpSsrc = worker.shared().random().nextInt();
        int rate = room.settings().maxPeerPacketsPerSecond();
        // A keyframe arrives as a burst of packets: allow a quarter second of them at once.
        this.packetRate = new TokenBucket(rate, Math.max(64, rate / 4.0));
    }

    Peer peer() {
        return peer;
    }

    /** The member a WHEP viewer plays, or null for a room member. */
    String watched() {
        return watched;
    }

    /** The tracks this peer publishes right now. */
    List<UpTrack> publishedTracks() {
        List<UpTrack> out = new ArrayList<>();
        for (MLine m : mlines) {
            if (m.upTrack != null) {
                out.add(m.upTrack);
            }
        }
        return out;
    }

    // ------------------------------------------------------------ signaling

    /** The client's offer: its first one, or a renegotiation of its own tracks. */
    void onOffer(String sdp, long nowNanos) throws SignalException {
        if (serverOfferOutstanding) {
            // PROTOCOL.md glare rule: the node is impolite; the client rolls back and offers again.
            LOG.fine(() -> "peer " + peer.peerId() + ": glare, ignoring client offer");
            return;
        }
        SessionDescription offer = parse(sdp, "offer");
        try {
            // ICE credentials, fingerprint, rtcp-mux on active m-lines, setup actpass/active, mids.
            SdpValidator.checkOffer(offer);
        } catch (SdpException e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "invalid offer: " + e.getMessage());
        }
        caps.learn(offer);
        if (transport == null) {
            transport = createTransport(offer);
            transport.setListener(this);
        } else {
            String ufrag = firstUfrag(offer);
            if (!ufrag.equals(transport.remoteUfrag())) {
                throw new SignalException(ErrorCode.UNSUPPORTED, "ICE restart is not supported; rejoin instead");
            }
        }
        allowMixed = offer.extmapAllowMixed();
        reconcile(offer, nowNanos);
        if (watched != null && !answered) {
            assignWatchedTracks();
        }
        peer.channel().send(new ServerMessage.Answer(writer.answer(mlines, transport, allowMixed).write()));
        if (!answered) {
            answered = true;
            room.sessionReady(this);
        }
        renegotiate(nowNanos);
    }

    private boolean allowMixed;

    /** The client's answer to the node's offer. */
    void onAnswer(String sdp, long nowNanos) throws SignalException {
        if (!serverOfferOutstanding) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "answer without an outstanding offer from the node");
        }
        SessionDescription answer = parse(sdp, "answer");
        try {
            SdpValidator.checkAnswer(answer);
        } catch (SdpException e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "invalid answer: " + e.getMessage());
        }
        if (answer.media().size() != mlines.size()) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "answer has " + answer.media().size()
                    + " m-lines, the offer had " + mlines.size());
        }
        serverOfferOutstanding = false;
        for (int i = 0; i < mlines.size(); i++) {
            MLine m = mlines.get(i);
            if (m.role != MLine.Role.SUBSCRIBE || !m.awaitingAnswer) {
                continue;
            }
            m.awaitingAnswer = false;
            MediaDescription a = answer.media().get(i);
            boolean accepted = !a.isRejected() && answer.directionOf(a).receives();
            if (m.downTrack != null && accepted) {
                downBySsrc.put(m.downTrack.ssrc(), m.downTrack);
                if (transport.isConnected()) {
                    m.downTrack.activate(nowNanos);
                }
            } else if (m.downTrack != null) {
                LOG.info(() -> "peer " + peer.peerId() + " refused track " + m.downTrack.source());
                dropDownTrack(m);
            }
        }
        if (renegotiationWanted) {
            renegotiationWanted = false;
            renegotiate(nowNanos);
        }
    }

    /** Starts sending a remote track to this peer (by renegotiation). */
    void subscribe(UpTrack track, long nowNanos) {
        if (!peer.canSubscribe() || track.publisherPeerId().equals(peer.peerId())) {
            return;
        }
        if (watched != null && !track.publisherPeerId().equals(watched)) {
            return;
        }
        if (wanted.add(track)) {
            renegotiate(nowNanos);
        }
    }

    /** Stops sending a remote track to this peer (by renegotiation). */
    void unsubscribe(UpTrack track, long nowNanos) {
        if (wanted.remove(track)) {
            renegotiate(nowNanos);
        }
    }

    /**
     * Renegotiates at the end of the signaling task now running (at once outside one): a task
     * often changes several tracks (a publisher's offer adds its audio and its video; a new member
     * must receive every track of the room), and each change used to send an offer of its own,
     * the later ones only after the client's answer to the first. One offer now carries the
     * changes of a task. It runs right after the task, in the same slice of signaling work, not
     * behind the worker's queue of other signaling (6f920cf queued it there and slowed joins).
     */
    private void renegotiate(long nowNanos) {
        if (renegotiationDeferred) {
            return;
        }
        if (worker.afterSignalingTask(() -> {
            renegotiationDeferred = false;
            renegotiateNow(worker.nowNanos());
        })) {
            renegotiationDeferred = true;
            return;
        }
        renegotiateNow(nowNanos);
    }

    /** Sends a node offer when the wanted tracks differ from the negotiated ones and none is outstanding. */
    private void renegotiateNow(long nowNanos) {
        if (!answered || closed) {
            return;
        }
        if (watched != null) {
            // WHEP: the answer fixed what this viewer gets; a track that goes just stops.
            for (MLine m : mlines) {
                if (m.downTrack != null && !wanted.contains(m.downTrack.source())) {
                    dropDownTrack(m);
                }
            }
            return;
        }
        if (serverOfferOutstanding) {
            renegotiationWanted = true;
            return;
        }
        boolean changed = false;
        Set<UpTrack> assigned = new LinkedHashSet<>();
        for (MLine m : mlines) {
            if (m.role == MLine.Role.SUBSCRIBE && m.downTrack != null) {
                if (wanted.contains(m.downTrack.source())) {
                    assigned.add(m.downTrack.source());
                } else {
                    dropDownTrack(m);
                    changed = true;
                }
            }
        }
        for (UpTrack t : wanted) {
            if (assigned.contains(t)) {
                continue;
            }
            if (assignDownTrack(t)) {
                changed = true;
            }
        }
        if (changed) {
            serverOfferOutstanding = true;
            peer.channel().send(new ServerMessage.Offer(writer.offer(mlines, transport, allowMixed).write()));
        }
    }

    private boolean assignDownTrack(UpTrack t) {
        MediaKind kind = t.isVideo() ? MediaKind.VIDEO : MediaKind.AUDIO;
        Optional<Codec> codec = MediaPolicy.matchingCodec(t.codec().sdp(), caps.codecs(kind).stream()
                .filter(c -> !c.isRtx()).toList());
        if (codec.isEmpty()) {
            codec = defaultCodecFor(t);
            if (codec.isEmpty()) {
                LOG.info(() -> "peer " + peer.peerId() + " cannot receive " + t + ": no matching codec");
                return false;
            }
        }
        MLine m = null;
        for (MLine x : mlines) {
            if (x.isFree() && x.kind == kind && !x.awaitingAnswer) {
                m = x;
                break;
            }
        }
        if (m == null) {
            m = new MLine(newMid(), kind, MLine.Role.SUBSCRIBE);
            mlines.add(m);
            byMid.put(m.mid, m);
        }
        attach(m, t, codec.get());
        m.awaitingAnswer = true;
        return true;
    }

    /**
     * WHEP: the watched member's current tracks go into the answer, each on one of the viewer's
     * own receive-only m-lines of its kind whose codecs include the track's (RFC 3264 §6: an
     * answer uses only what that m-line offered). The answer itself is the acceptance.
     */
    private void assignWatchedTracks() {
        for (UpTrack t : room.tracksOf(watched)) {
            wanted.add(t);
            MediaKind kind = t.isVideo() ? MediaKind.VIDEO : MediaKind.AUDIO;
            for (MLine m : mlines) {
                if (!m.isFree() || m.kind != kind || m.clientMedia == null) {
                    continue;
                }
                Optional<Codec> codec = MediaPolicy.matchingCodec(t.codec().sdp(),
                        m.clientMedia.codecs().stream().filter(c -> !c.isRtx()).toList());
                if (codec.isPresent()) {
                    attach(m, t, codec.get());
                    downBySsrc.put(m.downTrack.ssrc(), m.downTrack);
                    break;
                }
            }
        }
    }

    /** Makes {@code m} carry {@code t} to this client with {@code codec} (the client's payload type). */
    private void attach(MLine m, UpTrack t, Codec codec) {
        MediaKind kind = m.kind;
        // transport-cc on the node's own packets (issue 10): the client's feedback about them
        // drives the bandwidth estimate that picks simulcast layers for it.
        Optional<Integer> twccId = caps.extensionId(MediaPolicy.EXT_TWCC);
        boolean countsPackets = codec.hasFeedback("transport-cc", null) && twccId.isPresent();
        Codec send = MediaPolicy.keepFeedback(codec, countsPackets ? Set.of("nack", "ccm", "goog-remb", "transport-cc")
                : Set.of("nack", "ccm", "goog-remb"));
        Optional<Codec> offeredRtx = m.clientMedia != null ? m.clientMedia.rtxFor(send.payloadType())
                : caps.rtxFor(kind, send.payloadType());
        Codec rtx = offeredRtx.map(Codec::withoutFeedback).orElse(null);
        m.sendCodec = send;
        m.sendRtxCodec = rtx;
        m.sendExtmaps = subscriberExtmaps(t, countsPackets);
        if (m.clientMedia != null) {
            // An answer only echoes extensions this m-line offered.
            Set<String> offered = new java.util.HashSet<>();
            m.clientMedia.extmaps().forEach(e -> offered.add(e.uri()));
            m.sendExtmaps = m.sendExtmaps.stream().filter(e -> offered.contains(e.uri())).toList();
        }
        RtpExtensionIdMap map = new RtpExtensionIdMap();
        for (int id = 1; id <= 255; id++) {
            String uri = t.extensionUri(id);
            Integer to = uri != null && (MediaPolicy.FORWARDED_EXTENSIONS.contains(uri)
                    || countsPackets && uri.equals(MediaPolicy.EXT_TWCC)) ? caps.extensionId(uri).orElse(null) : null;
            if (to == null) {
                map.drop(id);
            } else {
                map.map(id, to);
            }
        }
        var random = worker.shared().random();
        m.downTrack = new DownTrack(t, this, worker, random.nextInt(), rtx != null ? random.nextInt() : 0,
                send.payloadType(), rtx != null ? rtx.payloadType() : -1, map, random.nextInt(), random.nextInt(),
                t.publisherPeerId());
        if (countsPackets) {
            m.downTrack.useTransportCc(twccId.get());
            if (downlink == null) {
                downlink = new DownlinkBandwidth(worker.metrics(), peer.peerId());
            }
        }
    }

    private List<Extmap> subscriberExtmaps(UpTrack t, boolean twcc) {
        List<Extmap> out = new ArrayList<>();
        for (String uri : MediaPolicy.FORWARDED_EXTENSIONS) {
            if (uri.equals(MediaPolicy.EXT_AUDIO_LEVEL) && t.isVideo()) {
                continue;
            }
            caps.extensionId(uri).ifPresent(id -> out.add(Extmap.of(id, uri)));
        }
        if (twcc) {
            caps.extensionId(MediaPolicy.EXT_TWCC).ifPresent(id -> out.add(Extmap.of(id, MediaPolicy.EXT_TWCC)));
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    /** A receive-only client never told us its video codecs: use the publisher's with a free payload type. */
    private Optional<Codec> defaultCodecFor(UpTrack t) {
        Integer pt = caps.freePayloadType();
        if (pt == null) {
            return Optional.empty();
        }
        return Optional.of(t.codec().sdp().withPayloadType(pt));
    }

    private void dropDownTrack(MLine m) {
        DownTrack d = m.downTrack;
        d.deactivate();
        downBySsrc.removeValue(d);
        m.downTrack = null;
    }

    private String newMid() {
        for (;;) {
            String mid = Integer.toString(nextMid++);
            if (!byMid.containsKey(mid)) {
                return mid;
            }
        }
    }

    // ------------------------------------------------------------ offer reconciliation

    private void reconcile(SessionDescription offer, long nowNanos) throws SignalException {
        List<MediaDescription> media = offer.media();
        if (media.size() < mlines.size()) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "offer drops m-lines of the negotiated session");
        }
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            String mid = m.mid().orElseThrow(() -> new SignalException(ErrorCode.BAD_REQUEST,
                    "every m-line needs a=mid (RFC 8843)"));
            MLine line;
            if (i < mlines.size()) {
                line = mlines.get(i);
                if (!line.mid.equals(mid)) {
                    throw new SignalException(ErrorCode.BAD_REQUEST, "m-line " + i + " has mid " + mid
                            + ", the session has " + line.mid);
                }
            } else {
                if (byMid.containsKey(mid)) {
                    throw new SignalException(ErrorCode.BAD_REQUEST, "duplicate mid " + mid);
                }
                boolean rtp = m.isRtp() && (m.kind() == MediaKind.AUDIO || m.kind() == MediaKind.VIDEO);
                MLine.Role role = rtp ? MLine.Role.PUBLISH : MLine.Role.REJECTED;
                Optional<Codec> firstCodec = m.codecs().stream().filter(c -> !c.isRtx()).findFirst();
                if (watched != null) {
                    // A WHEP viewer's m-lines receive: each may carry one of the watched member's tracks.
                    boolean receives = offer.directionOf(m).receives() && (!m.isRejected() || m.isBundleOnly());
                    role = rtp && receives && firstCodec.isPresent() ? MLine.Role.SUBSCRIBE : MLine.Role.REJECTED;
                }
                line = new MLine(mid, m.kind(), role);
                line.rejectedFormats = m.formats();
                line.clientMedia = m;
                if (role == MLine.Role.SUBSCRIBE) {
                    // Written inactive with the viewer's first codec until a track is attached.
                    line.sendCodec = firstCodec.get().withoutFeedback();
                }
                mlines.add(line);
                byMid.put(mid, line);
                bumpMidCounter(mid);
            }
            if (line.role == MLine.Role.PUBLISH) {
                reconcilePublish(line, offer, m, nowNanos);
            }
        }
    }

    private void bumpMidCounter(String mid) {
        try {
            nextMid = Math.max(nextMid, Integer.parseInt(mid) + 1);
        } catch (NumberFormatException ignored) {
            // non-numeric mids (Firefox uses {uuid}s in some versions) never clash with ours
        }
    }

    private void reconcilePublish(MLine line, SessionDescription offer, MediaDescription m, long nowNanos)
            throws SignalException {
        line.clientMedia = m;
        Direction dir = offer.directionOf(m);
        boolean sends = dir.sends() && (!m.isRejected() || m.isBundleOnly());
        Optional<Codec> chosen = MediaPolicy.choosePublishCodec(m);
        if (chosen.isEmpty()) {
            if (sends) {
                room.error(peer, ErrorCode.UNSUPPORTED, "no codec the room can forward in m-line " + line.mid
                        + " (Opus for audio; VP8 or H264 packetization-mode 1 for video)");
            }
            line.codec = null;
            line.receiving = false;
            unpublish(line, nowNanos);
            return;
        }
        Set<String> feedback = twccOffered(m) ? Set.of("nack", "ccm", "transport-cc") : Set.of("nack", "ccm", "goog-remb");
        line.codec = MediaPolicy.keepFeedback(chosen.get(), feedback);
        line.rtxCodec = m.rtxFor(line.codec.payloadType()).map(Codec::withoutFeedback).orElse(null);
        line.extmaps = MediaPolicy.extmapsFor(m, MediaPolicy.PUBLISH_EXTENSIONS);
        for (Extmap e : line.extmaps) {
            if (e.uri().equals(MediaPolicy.EXT_MID)) {
                midExtensionId = e.id();
            } else if (e.uri().equals(MediaPolicy.EXT_TWCC)) {
                twccExtensionId = e.id();
            } else if (e.uri().equals(MediaPolicy.EXT_RID)) {
                ridExtensionId = e.id();
            } else if (e.uri().equals(MediaPolicy.EXT_REPAIRED_RID)) {
                repairedRidExtensionId = e.id();
            }
        }
        if (twccExtensionId > 0 && twcc == null) {
            twcc = new TwccRecorder(rtcpSsrc);
        }
        boolean publish = sends && peer.canPublish();
        if (publish && line.upTrack == null && publishedTracks().size() >= room.settings().maxTracksPerPeer()) {
            worker.metrics().limitRejected("tracks_per_peer");
            room.error(peer, ErrorCode.UNSUPPORTED, "track limit: at most " + room.settings().maxTracksPerPeer()
                    + " published tracks per peer (RELAYCAST_MAX_TRACKS_PER_PEER); m-line " + line.mid
                    + " answered inactive");
            publish = false;
        }
        if (sends && !peer.canPublish()) {
            room.error(peer, ErrorCode.FORBIDDEN, "your token does not allow publishing; m-line " + line.mid
                    + " answered recvonly");
        }
        line.receiving = publish;
        if (publish && line.upTrack == null) {
            publish(line, m);
        } else if (!publish) {
            unpublish(line, nowNanos);
        }
    }

    private static boolean twccOffered(MediaDescription m) {
        return m.extmaps().stream().anyMatch(e -> e.uri().equals(MediaPolicy.EXT_TWCC));
    }

    private void publish(MLine line, MediaDescription m) {
        String[] uris = new String[256];
        for (Extmap e : line.extmaps) {
            uris[e.id()] = e.uri();
        }
        String streamId = peer.peerId();
        String trackId = m.msid().flatMap(x -> x.trackIdIfGiven()).orElse(peer.peerId() + "-" + line.mid);
        TrackCodec codec = new TrackCodec(line.codec, line.rtxCodec == null ? -1 : line.rtxCodec.payloadType());
        String key = peer.peerId() + "/" + line.mid;
        line.rids = simulcastRids(line, m);
        UpTrack t;
        if (line.rids.isEmpty()) {
            t = new UpTrack(key, peer.peerId(), streamId, trackId, line.kind == MediaKind.VIDEO, codec, uris, this,
                    worker.counters());
            bindDeclaredSsrcs(t, m);
        } else {
            // Simulcast (RFC 8853): one stream per rid. Their SSRCs are learned from the rid and
            // repaired-rid header extensions of the first packets (RFC 8852 §3), whatever a=ssrc says.
            List<UpTrack> layers = new ArrayList<>();
            for (String rid : line.rids) {
                layers.add(new UpTrack(key + "~" + rid, peer.peerId(), streamId, trackId, true, codec, uris, this,
                        worker.counters()));
            }
            UpTrack.groupLayers(layers, key, line.rids);
            t = layers.get(0);
        }
        if (codec.hasRtx() && line.codec.hasFeedback("nack", null)) {
            // The publisher answers NACKs with RTX (it offered both): its uplink loss is repaired here.
            t.layers().forEach(UpTrack::recoverUplinkLoss);
        }
        line.upTrack = t;
        worker.metrics().tracks(t.isVideo()).incrementAndGet();
        LOG.info(() -> "peer " + peer.peerId() + " publishes " + t
                + (t.isSimulcast() ? " with simulcast layers " + line.rids : ""));
        room.trackPublished(this, t);
    }

    /**
     * The rids of a video m-line's {@code a=simulcast:send} that also have an {@code a=rid ... send}
     * line (RFC 8853 §5.1, RFC 8851 §4), at most three (PROTOCOL.md); the first alternative of
     * each stream; empty without simulcast or with a single rid.
     */
    private static List<String> simulcastRids(MLine line, MediaDescription m) {
        if (line.kind != MediaKind.VIDEO || m.simulcast().isEmpty()) {
            return List.of();
        }
        Set<String> declared = new java.util.HashSet<>();
        for (io.relaycast.sdp.Rid r : m.rids()) {
            if (r.direction() == io.relaycast.sdp.RidDirection.SEND) {
                declared.add(r.id());
            }
        }
        List<String> rids = new ArrayList<>();
        for (String rid : m.simulcast().get().sendRids()) {
            if (declared.contains(rid) && !rids.contains(rid) && rids.size() < 3) {
                rids.add(rid);
            }
        }
        return rids.size() > 1 ? List.copyOf(rids) : List.of();
    }

    /** SSRCs from a=ssrc / a=ssrc-group:FID when the client declared them (RFC 5576). */
    private void bindDeclaredSsrcs(UpTrack t, MediaDescription m) {
        // The rest are learned from the mid header extension of the first packet (RFC 8843 §9.2).
        List<Long> rtx = new ArrayList<>();
        for (SsrcGroup g : m.ssrcGroups()) {
            if (g.semantics().equals(SsrcGroup.FID) && g.ssrcs().size() == 2) {
                t.bindSsrc(g.ssrcs().get(0).intValue());
                t.bindRtxSsrc(g.ssrcs().get(1).intValue());
                rtx.add(g.ssrcs().get(1));
            }
        }
        if (!t.hasSsrc()) {
            for (long s : m.ssrcIds()) {
                if (!rtx.contains(s)) {
                    t.bindSsrc((int) s);
                    break;
                }
            }
        }
        if (t.hasSsrc()) {
            upBySsrc.put(t.ssrc(), t);
        }
        if (!rtx.isEmpty()) {
            rtxBySsrc.put(t.rtxSsrc(), t);
        }
    }

    private void unpublish(MLine line, long nowNanos) {
        UpTrack t = line.upTrack;
        if (t == null) {
            return;
        }
        line.upTrack = null;
        line.rids = List.of();
        worker.metrics().tracks(t.isVideo()).decrementAndGet();
        for (UpTrack l : t.layers()) {
            upBySsrc.removeValue(l);
            rtxBySsrc.removeValue(l);
        }
        room.trackUnpublished(this, t, nowNanos);
    }

    // ------------------------------------------------------------ media

    @Override
    public void onTransportConnected(PeerTransport t) {
        long now = worker.nowNanos();
        for (MLine m : mlines) {
            if (m.role == MLine.Role.SUBSCRIBE && m.downTrack != null && !m.awaitingAnswer) {
                m.downTrack.activate(now);
            }
        }
    }

    @Override
    public void onRtp(PeerTransport t, RtpHeader h, long nowNanos) {
        if (!packetRate.tryTake(nowNanos)) {
            // One publisher must not starve the room: excess packets die here, before any fan-out.
            worker.counters().dropped(MediaCounters.Drop.RATE_LIMITED);
            worker.metrics().limitRejected("peer_packet_rate");
            return;
        }
        if (twcc != null) {
            try {
                int seq = h.transportSequenceNumber(twccExtensionId);
                if (seq >= 0) {
                    twcc.record(seq, nowNanos);
                }
            } catch (RtpException e) {
                // a malformed element only costs this packet its feedback entry
            }
        }
        int ssrc = h.ssrc();
        UpTrack up = upBySsrc.get(ssrc);
        if (up != null) {
            up.onRtp(h, nowNanos);
            return;
        }
        up = rtxBySsrc.get(ssrc);
        if (up != null) {
            up.onRtx(h, nowNanos);
            return;
        }
        up = learnSsrc(h);
        if (up == null) {
            worker.counters().dropped(MediaCounters.Drop.UNKNOWN_SSRC);
        } else if (h.payloadType() == up.codec().rtxPayloadType()) {
            up.onRtx(h, nowNanos);
        } else {
            up.onRtp(h, nowNanos);
        }
    }

    /**
     * Binds an undeclared SSRC to a published m-line by its mid header extension (RFC 8843 §9.2),
     * and to a simulcast layer by its rid, or repaired-rid for RTX (RFC 8852 §3).
     */
    private UpTrack learnSsrc(RtpHeader h) {
        String mid = readSdesExtension(h, midExtensionId);
        MLine line = mid == null ? null : byMid.get(mid);
        if (line == null || line.upTrack == null) {
            return null;
        }
        UpTrack up = line.upTrack;
        boolean rtx = up.codec().hasRtx() && h.payloadType() == up.codec().rtxPayloadType();
        if (up.isSimulcast()) {
            String rid = readSdesExtension(h, rtx ? repairedRidExtensionId : ridExtensionId);
            up = null;
            for (UpTrack l : line.upTrack.layers()) {
                if (l.rid().equals(rid)) {
                    up = l;
                }
            }
            if (up == null) {
                return null;
            }
        }
        if (rtx) {
            up.bindRtxSsrc(h.ssrc());
            rtxBySsrc.put(h.ssrc(), up);
        } else if (h.payloadType() == up.codec().payloadType() && !up.hasSsrc()) {
            up.bindSsrc(h.ssrc());
            upBySsrc.put(h.ssrc(), up);
        } else {
            return null;
        }
        return up;
    }

    /** An SDES header extension's text (mid, rid, repaired-rid: RFC 8843 §15.1, RFC 8852 §3), or null. */
    private String readSdesExtension(RtpHeader h, int id) {
        if (id <= 0) {
            return null;
        }
        int n;
        try {
            n = h.readExtension(id, midScratch, 0);
        } catch (RtpException e) {
            return null;
        }
        return n <= 0 ? null : new String(midScratch, 0, n, StandardCharsets.US_ASCII);
    }

    @Override
    public void onRtcp(PeerTransport t, byte[] buf, int off, int len, long nowNanos) {
        List<RtcpPacket> packets;
        try {
            packets = RtcpCompound.parse(buf, off, len);
        } catch (RtcpException e) {
            worker.counters().dropped(MediaCounters.Drop.MALFORMED_RTP);
            return;
        }
        for (RtcpPacket p : packets) {
            if (p instanceof SenderReport sr) {
                UpTrack up = upBySsrc.get((int) sr.ssrc());
                if (up != null) {
                    up.onSenderReport(sr.ntpTimestamp(), sr.rtpTimestamp(), nowNanos);
                }
                onReportBlocks(sr.reports(), nowNanos);
            } else if (p instanceof ReceiverReport rr) {
                onReportBlocks(rr.reports(), nowNanos);
            } else if (p instanceof PictureLossIndication pli) {
                worker.counters().keyframeRequestReceived();
                DownTrack d = downBySsrc.get((int) pli.mediaSsrc());
                if (d != null) {
                    d.requestKeyframe(nowNanos);
                }
            } else if (p instanceof FullIntraRequest fir) {
                worker.counters().keyframeRequestReceived();
                for (FullIntraRequest.Entry e : fir.entries()) {
                    DownTrack d = downBySsrc.get((int) e.ssrc());
                    if (d != null) {
                        d.requestKeyframe(nowNanos);
                    }
                }
            } else if (p instanceof TransportCcFeedback fb) {
                // About the node's packets to this client (the node sends, never receives, the
                // feedback about what a client publishes).
                if (downlink != null) {
                    downlink.onFeedback(fb, nowNanos);
                }
            } else if (p instanceof GenericNack nack) {
                worker.counters().nackReceived();
                DownTrack d = downBySsrc.get((int) nack.mediaSsrc());
                if (d != null) {
                    d.onNack(nack.lostSequenceNumbers());
                }
            }
        }
    }

    /** A subscriber's view of the streams we send it: RTT and loss for the node's metrics. */
    private void onReportBlocks(List<ReportBlock> blocks, long nowNanos) {
        for (ReportBlock b : blocks) {
            DownTrack d = downBySsrc.get((int) b.ssrc());
            if (d == null) {
                continue;
            }
            worker.metrics().clientFractionLost(b.fractionLost() / 256.0);
            long rtt = d.roundTripNanos(b.lastSenderReport(), b.delaySinceLastSenderReport(), nowNanos);
            if (rtt >= 0) {
                worker.metrics().clientRtt(rtt);
                // The same path carries this peer's own tracks: their NACK retries follow it.
                for (MLine m : mlines) {
                    if (m.upTrack != null) {
                        m.upTrack.layers().forEach(l -> l.onPublisherRtt(rtt));
                    }
                }
            }
        }
    }

    @Override
    public void onTransportClosed(PeerTransport t, String reason) {
        room.transportLost(this, reason);
    }

    /** Periodic RTCP toward the publisher: transport-cc feedback, and receiver reports once a second. */
    /**
     * Applies the room's loudest-audio selection to the audio this member receives; null lets
     * all of it through. Audio whose publisher sends no RFC 6464 levels cannot be ranked and is
     * always forwarded.
     */
    void filterAudio(LoudestAudio loudest, long nowNanos) {
        for (MLine m : mlines) {
            DownTrack d = m.downTrack;
            if (d != null && !d.source().isVideo()) {
                String publisher = d.source().publisherPeerId();
                d.setAudible(loudest == null || loudest.audible(publisher, peer.peerId(), nowNanos));
            }
        }
    }

    void onTick(long nowNanos) {
        if (transport == null || !transport.isConnected()) {
            return;
        }
        for (MLine m : mlines) {
            if (m.upTrack != null) {
                for (UpTrack l : m.upTrack.layers()) {
                    l.onTick(nowNanos);
                }
            } else if (m.downTrack != null) {
                m.downTrack.onTick(nowNanos);
            }
        }
        if (downlink != null) {
            List<DownTrack> receiving = new ArrayList<>();
            for (MLine m : mlines) {
                if (m.downTrack != null) {
                    receiving.add(m.downTrack);
                }
            }
            downlink.allocate(receiving, nowNanos);
        }
        List<RtcpPacket> out = new ArrayList<>();
        if (twcc != null) {
            twcc.drainInto(firstPublishedSsrc(), out);
        }
        if (nowNanos - lastReportNanos >= REPORT_INTERVAL_NANOS) {
            lastReportNanos = nowNanos;
            List<ReportBlock> blocks = new ArrayList<>();
            for (MLine m : mlines) {
                if (m.upTrack == null) {
                    continue;
                }
                for (UpTrack up : m.upTrack.layers()) {
                    if (up.stats().started() && blocks.size() < 31) {
                        blocks.add(reportBlock(up, nowNanos));
                    }
                }
            }
            if (!blocks.isEmpty()) {
                out.add(0, new ReceiverReport(rtcpSsrc & 0xffffffffL, blocks, new byte[0]));
            }
        }
        for (RtcpPacket p : out) {
            sendRtcpPacket(p);
        }
    }

    private long firstPublishedSsrc() {
        for (MLine m : mlines) {
            if (m.upTrack != null && m.upTrack.hasSsrc()) {
                return m.upTrack.ssrc() & 0xffffffffL;
            }
        }
        return 0;
    }

    private ReportBlock reportBlock(UpTrack up, long nowNanos) {
        ReceptionStatistics s = up.stats();
        long lsr = up.lastSrNtp() == 0 ? 0 : NtpTime.middle32(up.lastSrNtp());
        long dlsr = up.lastSrNtp() == 0 ? 0 : NtpTime.nanosToCompact(nowNanos - up.lastSrArrivalNanos());
        return new ReportBlock(up.ssrc() & 0xffffffffL, s.takeFractionLost(), s.cumulativeLost(),
                s.extendedHighestSequence() & 0xffffffffL, s.jitter() & 0xffffffffL, lsr, dlsr);
    }

    private void sendRtcpPacket(RtcpPacket p) {
        byte[] scratch = worker.scratch();
        int len = p.writeTo(scratch, 0);
        sendRtcp(scratch, 0, len);
    }

    // ------------------------------------------------------------ Upstream and Sink

    @Override
    public void requestKeyframe(UpTrack track) {
        if (track.hasSsrc()) {
            worker.counters().keyframeRequestSent();
            sendRtcpPacket(new PictureLossIndication(rtcpSsrc & 0xffffffffL, track.ssrc() & 0xffffffffL));
        }
    }

    @Override
    public void nack(UpTrack track, int[] sequences, int count) {
        if (track.hasSsrc() && count > 0) {
            worker.counters().nackSent();
            sendRtcpPacket(GenericNack.fromLostSequenceNumbers(rtcpSsrc & 0xffffffffL, track.ssrc() & 0xffffffffL,
                    java.util.Arrays.copyOf(sequences, count)));
        }
    }

    @Override
    public void sendRtp(byte[] buf, int off, int len) {
        if (transport != null) {
            transport.sendRtp(buf, off, len);
        }
    }

    @Override
    public void sendRtcp(byte[] buf, int off, int len) {
        if (transport != null) {
            transport.sendRtcp(buf, off, len);
        }
    }

    @Override
    public int rtcpSenderSsrc() {
        return rtcpSsrc;
    }

    @Override
    public int transportSequence(int length, boolean probe, long nowNanos) {
        return downlink == null ? 0 : downlink.onSending(length, probe, nowNanos);
    }

    @Override
    public void layerChanged(DownTrack track, String rid) {
        peer.channel().send(new ServerMessage.Layer(track.source().trackId(), rid));
    }

    /** PROTOCOL.md {@code setPreferences}: how this client wants one of the tracks it receives. */
    void setPreferences(ClientMessage.SetPreferences p, long nowNanos) throws SignalException {
        boolean found = false;
        for (MLine m : mlines) {
            if (m.role == MLine.Role.SUBSCRIBE && m.downTrack != null
                    && m.downTrack.source().trackId().equals(p.trackId())) {
                m.downTrack.setPreferences(p.maxHeight(), p.maxFps(), p.paused(), nowNanos);
                found = true;
            }
        }
        if (!found) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "setPreferences: no track '" + p.trackId()
                    + "' is sent to you");
        }
    }

    // ------------------------------------------------------------ lifecycle

    /** Tears the session down: tracks unpublished, subscriptions dropped, transport closed. */
    void close(long nowNanos) {
        if (closed) {
            return;
        }
        closed = true;
        for (MLine m : mlines) {
            if (m.downTrack != null) {
                dropDownTrack(m);
            }
            unpublish(m, nowNanos);
        }
        wanted.clear();
        if (transport != null) {
            transport.close();
        }
    }

    // ------------------------------------------------------------ helpers

    private PeerTransport createTransport(SessionDescription offer) throws SignalException {
        MediaDescription first = offer.media().stream().filter(m -> !m.isRejected() || m.isBundleOnly()).findFirst()
                .orElseThrow(() -> new SignalException(ErrorCode.BAD_REQUEST, "offer has no usable m-line"));
        String ufrag = offer.iceUfragFor(first).orElseThrow(() -> new SignalException(ErrorCode.BAD_REQUEST,
                "offer has no a=ice-ufrag"));
        String pwd = offer.icePwdFor(first).orElseThrow(() -> new SignalException(ErrorCode.BAD_REQUEST,
                "offer has no a=ice-pwd"));
        Fingerprint fp = offer.fingerprintsFor(first).stream()
                .filter(f -> f.normalizedHashFunction().equals("sha-256")).findFirst()
                .orElseThrow(() -> new SignalException(ErrorCode.BAD_REQUEST, "offer has no sha-256 a=fingerprint"));
        DtlsFingerprint remote;
        try {
            remote = DtlsFingerprint.parse(fp.format());
        } catch (DtlsException e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "bad a=fingerprint: " + e.getMessage());
        }
        try {
            return worker.createTransport(peer.peerId(), ufrag, pwd, remote);
        } catch (Exception e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "bad ICE credentials: " + e.getMessage());
        }
    }

    private static String firstUfrag(SessionDescription offer) {
        for (MediaDescription m : offer.media()) {
            Optional<String> u = offer.iceUfragFor(m);
            if (u.isPresent()) {
                return u.get();
            }
        }
        return "";
    }

    private static SessionDescription parse(String sdp, String what) throws SignalException {
        try {
            return SessionDescription.parse(sdp);
        } catch (SdpException e) {
            throw new SignalException(ErrorCode.BAD_REQUEST, "unparsable SDP in " + what + ": " + e.getMessage());
        }
    }
}
