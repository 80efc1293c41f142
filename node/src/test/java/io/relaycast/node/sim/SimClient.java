package io.relaycast.node.sim;

import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.Transmit;
import io.relaycast.rtcp.FullIntraRequest;
import io.relaycast.rtcp.PictureLossIndication;
import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpPacket;
import io.relaycast.sdp.Candidate;
import io.relaycast.sdp.Codec;
import io.relaycast.sdp.Direction;
import io.relaycast.sdp.Extmap;
import io.relaycast.sdp.Fingerprint;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaDescriptionBuilder;
import io.relaycast.sdp.MediaKind;
import io.relaycast.sdp.Msid;
import io.relaycast.sdp.MsidSemantic;
import io.relaycast.sdp.Origin;
import io.relaycast.sdp.SessionDescription;
import io.relaycast.sdp.SessionDescriptionBuilder;
import io.relaycast.sdp.Setup;
import io.relaycast.sdp.SsrcAttribute;
import io.relaycast.sdp.SsrcGroup;
import io.relaycast.sdp.Timing;
import io.relaycast.signal.ClientMessage;
import io.relaycast.signal.PeerInfo;
import io.relaycast.signal.ServerMessage;
import io.relaycast.signal.SignalCodec;
import io.relaycast.webrtc.DatagramOutcome;
import io.relaycast.webrtc.DtlsSetup;
import io.relaycast.webrtc.MediaTransport;
import io.relaycast.webrtc.MediaTransportEvent;

import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A simulated browser: PROTOCOL.md signaling as JSON through {@link SignalCodec}, SDP built with
 * shared-model's builders, and a real {@link MediaTransport} client (controlling ICE, DTLS client,
 * SRTP) on a {@link SimNetwork} address. A publisher sends synthetic Opus (50 packets/s) and VP8
 * (15 frames/s, two packets each, a keyframe every 3 s or when asked by PLI/FIR); every client
 * counts the packets it receives per publisher and kind.
 *
 * <p>What it records for the invariants: which peers it was told about ({@code welcome},
 * {@code peerJoined}, {@code peerLeft}) and any message that breaks PROTOCOL.md's promises
 * (a second {@code peerJoined} for a peer it knows, a {@code peerLeft} for one it does not).
 */
final class SimClient {
    private static final String EXT_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    private static final String EXT_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    private static final int AUDIO_PT = 111;
    private static final int VIDEO_PT = 96;
    private static final int RTX_PT = 97;

    final String name;
    final boolean publishes;
    private final Sim sim;
    private final SimNetwork network;
    private final InetSocketAddress local;
    private final SignalCodec codec = new SignalCodec();
    private final SecureRandom random;
    private final IceCredentials localIce;
    private final DtlsSetup dtls;
    private final int audioSsrc;
    private final int videoSsrc;
    private final int rtxSsrc;
    private final long sessionId;
    private long sdpVersion = 1;

    SimNode node;
    private SimSocket socket;
    String peerId;
    private MediaTransport transport;
    private boolean connected;
    private boolean gone;
    private boolean mediaStarted;
    private boolean keyframeWanted = true;
    private int audioSeq;
    private int videoSeq;
    /** Packets this client published, by kind. */
    long audioSent;
    long videoSent;
    private long frames;
    private final Set<String> ownMids = new HashSet<>();
    /** The m-lines of the last description this client sent (offer or answer), for a re-offer. */
    private List<MediaDescription> lastLocal = List.of();
    /** An offer of ours is waiting for the node's answer. */
    private boolean offerOutstanding;
    /** A re-offer is due once the current exchange ends (glare: we rolled ours back). */
    private boolean reofferWanted;
    /** Offers sent, answers received, and glare rollbacks: for the trace and the invariants. */
    int offersSent;
    int answersReceived;
    int rollbacks;
    private int audioMidExt;
    private String audioMid = "0";
    private String videoMid = "1";

    /** Peers this client was told are in the room, by peer id. */
    final Set<String> knownPeers = new LinkedHashSet<>();
    /** "publisherPeerId/audio|video" → the trackId the node's offer named it by (PROTOCOL.md). */
    final Map<String, String> remoteTrackIds = new HashMap<>();
    /** "publisherPeerId/kind" this client paused with setPreferences, and since when. */
    final Map<String, Long> pausedSince = new HashMap<>();
    /** SSRC of a remote track → "publisherPeerId/audio|video", from the node's offers. */
    private final Map<Long, String> remoteSsrcs = new HashMap<>();
    /** "publisher/kind" → packets received, and when the last one came. */
    final Map<String, Long> received = new LinkedHashMap<>();
    final Map<String, Long> lastReceived = new HashMap<>();
    int closeCode;
    /** Errors the node sent this client. */
    int errors;
    /** Set by scenarios for a client that misbehaves on purpose (its errors are expected). */
    boolean hostile;

    SimClient(Sim sim, SimNetwork network, int index, boolean publishes) {
        this.sim = sim;
        this.network = network;
        this.name = "c" + index;
        this.publishes = publishes;
        this.local = new InetSocketAddress(SimNetwork.host(2 + index / 250, 1 + index % 250), 50000);
        this.random = SimNode.seeded(sim.random().nextLong());
        this.localIce = IceCredentials.generate(random);
        this.dtls = new DtlsSetup(SimCertificates.get(index), sim.dtlsPool());
        this.audioSsrc = random.nextInt();
        this.videoSsrc = random.nextInt();
        this.rtxSsrc = random.nextInt();
        this.sessionId = random.nextLong() & Long.MAX_VALUE;
        network.bind(local, this::onDatagram);
    }

    InetSocketAddress address() {
        return local;
    }

    // ------------------------------------------------------------------ signaling

    void join(SimNode node, String roomId) {
        this.node = node;
        socket = node.connect(this);
        send(new ClientMessage.Join(roomId, name, null));
        sim.trace(name + " join " + roomId + " via " + node.name);
    }

    void leave() {
        if (socket == null || gone) {
            return;
        }
        send(new ClientMessage.Leave());
        sim.trace(name + " leave");
    }

    /** The client's process ends without a word: the node sees the TCP close. */
    void vanish() {
        if (socket == null || gone) {
            return;
        }
        sim.trace(name + " vanishes");
        end();
        socket.clientCloses();
    }

    /** The path to the node breaks (signaling and media); both ends find out by their timeouts. */
    void cutOff() {
        sim.trace(name + " cut off from " + node.name);
        network.cut(local.getAddress(), node.mediaAddress().getAddress());
        socket.breakConnection();
    }

    private void end() {
        gone = true;
        if (transport != null) {
            transport.close();
            flush();
        }
        network.unbind(local);
    }

    boolean isGone() {
        return gone;
    }

    /** An offer of ours still waits for its answer, or a re-offer is still due. */
    boolean negotiationPending() {
        return offerOutstanding || reofferWanted;
    }

    boolean isConnected() {
        return connected && !gone;
    }

    private void send(ClientMessage m) {
        socket.clientSends(codec.encode(m));
    }

    /**
     * PROTOCOL.md setPreferences: pauses or resumes one remote track; false when no offer named
     * it yet.
     */
    boolean pause(String publisherPeerId, String kind, boolean paused) {
        String key = publisherPeerId + "/" + kind;
        String trackId = remoteTrackIds.get(key);
        if (trackId == null || gone) {
            return false;
        }
        send(new ClientMessage.SetPreferences(trackId, null, null, paused));
        if (paused) {
            pausedSince.put(key, sim.now());
        } else {
            pausedSince.remove(key);
        }
        sim.trace(name + (paused ? " pauses " : " resumes ") + shortId(publisherPeerId) + " " + kind);
        return true;
    }

    /** A hostile client: any text frame at all. */
    void sendRawText(String frame) {
        if (socket != null && !gone) {
            socket.clientSends(frame);
        }
    }

    /** A hostile client: any datagram to its node's media port, from its own address. */
    void sendRawDatagram(byte[] datagram) {
        if (node != null && !gone) {
            network.send(local, node.mediaAddress(), datagram, 0, datagram.length);
        }
    }

    void signalingClosed(int code) {
        if (gone) {
            return;
        }
        closeCode = code;
        sim.trace(name + " closed " + code);
        end();
    }

    void onServerText(String json) {
        if (gone) {
            return;
        }
        ServerMessage m;
        try {
            m = codec.decodeServer(json);
        } catch (Exception e) {
            sim.fail(name + " cannot decode a server message: " + e.getMessage() + ": " + json);
            return;
        }
        try {
            handle(m);
        } catch (Exception e) {
            sim.fail(name + " failed on " + m.getClass().getSimpleName() + ": " + e);
        }
    }

    private void handle(ServerMessage m) throws Exception {
        if (m instanceof ServerMessage.Welcome w) {
            peerId = w.peerId();
            for (PeerInfo p : w.peers()) {
                knownPeers.add(p.peerId());
            }
            sim.trace(name + " welcome " + shortId(peerId) + " peers=" + w.peers().size());
            sendOffer(createOffer());
        } else if (m instanceof ServerMessage.PeerJoined j) {
            sim.trace(name + " peerJoined " + shortId(j.peer().peerId()));
            if (!knownPeers.add(j.peer().peerId())) {
                sim.fail(name + " got a second peerJoined for " + j.peer().peerId());
            }
        } else if (m instanceof ServerMessage.PeerLeft l) {
            sim.trace(name + " peerLeft " + shortId(l.peerId()));
            if (!knownPeers.remove(l.peerId())) {
                sim.fail(name + " got peerLeft for " + l.peerId() + ", a peer it was not told about (or twice)");
            }
        } else if (m instanceof ServerMessage.Answer a) {
            if (!offerOutstanding) {
                sim.fail(name + " got an answer to no offer");
                return;
            }
            offerOutstanding = false;
            answersReceived++;
            applyAnswer(a.sdp());
            if (reofferWanted) {
                renegotiate();
            }
        } else if (m instanceof ServerMessage.Offer o) {
            if (offerOutstanding) {
                // PROTOCOL.md glare: the node is impolite and ignores our offer; we roll back,
                // answer its offer, and offer again afterwards.
                offerOutstanding = false;
                rollbacks++;
                reofferWanted = true;
                sim.trace(name + " glare: rolls back its offer");
            }
            if (System.getProperty("sim.sdp") != null) {
                System.out.println(sim.millis() + " " + name + " OFFER\n" + o.sdp());
            }
            send(new ClientMessage.Answer(answerOffer(o.sdp())));
            if (reofferWanted) {
                renegotiate();
            }
        } else if (m instanceof ServerMessage.Error e) {
            errors++;
            if (!hostile) {
                sim.trace(name + " error " + e.code().wire() + " " + e.message());
            }
        }
    }

    static String shortId(String peerId) {
        return peerId == null ? "?" : peerId.substring(0, Math.min(6, peerId.length()));
    }

    // ------------------------------------------------------------------ SDP

    private SessionDescriptionBuilder session() {
        return SessionDescription.builder()
                .origin(Origin.of("-", sessionId, sdpVersion++, "127.0.0.1"))
                .sessionName("-")
                .timing(Timing.PERMANENT)
                .msidSemantic(MsidSemantic.wms(List.of("*")));
    }

    private MediaDescriptionBuilder transportAttributes(MediaDescriptionBuilder b, Setup setup) {
        String[] fp = dtls.certificate().fingerprint().toSdpValue().split(" ", 2);
        return b.iceCredentials(localIce.ufrag(), localIce.pwd())
                .addFingerprint(new Fingerprint(fp[0], fp[1]))
                .setup(setup)
                .rtcpMux();
    }

    private static Codec opus() {
        return Codec.of(AUDIO_PT, "opus", 48000).withChannels(2);
    }

    private static Codec vp8() {
        return Codec.of(VIDEO_PT, "VP8", 90000).withFeedback("ccm", "fir").withFeedback("nack").withFeedback("nack", "pli");
    }

    /** Sendonly audio and video with their SSRCs, or one recvonly audio line for a listener. */
    private String createOffer() {
        SessionDescriptionBuilder s = session();
        MediaDescriptionBuilder audio = transportAttributes(MediaDescription.builder(MediaKind.AUDIO), Setup.ACTPASS)
                .mid("0").addExtmap(Extmap.of(1, EXT_AUDIO_LEVEL)).addExtmap(Extmap.of(4, EXT_MID)).addCodec(opus());
        if (!publishes) {
            s.bundle(List.of("0")).addMedia(audio.direction(Direction.RECVONLY).build());
            ownMids.add("0");
            SessionDescription offer = s.build();
            lastLocal = offer.media();
            return offer.write();
        }
        Msid audioMsid = new Msid(name, name + "-audio");
        audio.direction(Direction.SENDONLY).addMsid(audioMsid).addSsrc(audioSsrc & 0xffffffffL, name, audioMsid);
        Msid videoMsid = new Msid(name, name + "-video");
        long v = videoSsrc & 0xffffffffL;
        long r = rtxSsrc & 0xffffffffL;
        MediaDescriptionBuilder video = transportAttributes(MediaDescription.builder(MediaKind.VIDEO), Setup.ACTPASS)
                .mid("1").addExtmap(Extmap.of(4, EXT_MID)).direction(Direction.SENDONLY).addMsid(videoMsid)
                .addCodec(vp8()).addCodec(Codec.rtx(RTX_PT, VIDEO_PT, 90000))
                .addSsrcGroup(SsrcGroup.fid(v, r)).addSsrc(v, name, videoMsid).addSsrc(r, name, videoMsid);
        s.bundle(List.of("0", "1")).addMedia(audio.build()).addMedia(video.build());
        ownMids.add("0");
        ownMids.add("1");
        SessionDescription offer = s.build();
        lastLocal = offer.media();
        return offer.write();
    }

    private void sendOffer(String sdp) {
        offerOutstanding = true;
        offersSent++;
        send(new ClientMessage.Offer(sdp));
    }

    /**
     * Offers the session as it stands again (what a browser does after a local change): the
     * m-lines of our last description, in order, with {@code a=setup:actpass}. Deferred while an
     * offer of ours is out.
     */
    void renegotiate() {
        if (gone || socket == null || peerId == null || lastLocal.isEmpty()) {
            return;
        }
        if (offerOutstanding) {
            reofferWanted = true;
            return;
        }
        reofferWanted = false;
        SessionDescriptionBuilder s = session();
        List<String> bundle = new ArrayList<>();
        for (MediaDescription m : lastLocal) {
            if (m.isRejected()) {
                MediaDescriptionBuilder b = MediaDescriptionBuilder.of(m.media(), m.proto()).port(0);
                m.formats().forEach(b::addFormat);
                s.addMedia(b.mid(m.mid().orElseThrow()).build());
                continue;
            }
            String mid = m.mid().orElseThrow();
            MediaDescriptionBuilder b = transportAttributes(MediaDescription.builder(m.kind()), Setup.ACTPASS)
                    .mid(mid).direction(m.direction().orElse(Direction.SENDRECV));
            m.extmaps().forEach(e -> b.addExtmap(Extmap.of(e.id(), e.uri())));
            m.codecs().forEach(b::addCodec);
            m.msid().ifPresent(b::addMsid);
            m.ssrcs().forEach(b::addSsrc);
            m.ssrcGroups().forEach(b::addSsrcGroup);
            bundle.add(mid);
            s.addMedia(b.build());
        }
        s.bundle(bundle);
        SessionDescription offer = s.build();
        lastLocal = offer.media();
        sim.trace(name + " re-offers " + bundle.size() + " m-lines");
        sendOffer(offer.write());
    }

    private void applyAnswer(String sdp) throws Exception {
        SessionDescription answer = SessionDescription.parse(sdp);
        for (MediaDescription m : answer.media()) {
            if (m.isRejected() || m.mid().isEmpty() || !ownMids.contains(m.mid().get())) {
                continue;
            }
            if (m.kind() == MediaKind.AUDIO) {
                audioMid = m.mid().get();
            } else {
                videoMid = m.mid().get();
            }
            m.extmap(EXT_MID).ifPresent(e -> audioMidExt = e.id());
        }
        startTransport(answer);
    }

    /** Mirrors the node's offer: its sendonly lines become recvonly, and their SSRCs are noted. */
    private String answerOffer(String sdp) throws Exception {
        SessionDescription offer = SessionDescription.parse(sdp);
        SessionDescriptionBuilder s = session();
        List<String> bundle = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            String mid = m.mid().orElseThrow();
            if (m.isRejected() && !m.isBundleOnly()) {
                MediaDescriptionBuilder b = MediaDescriptionBuilder.of(m.media(), m.proto()).port(0);
                m.formats().forEach(b::addFormat);
                s.addMedia(b.mid(mid).build());
                continue;
            }
            Direction dir = offer.directionOf(m).reversed();
            boolean own = ownMids.contains(mid);
            if (own && !publishes && dir.sends()) {
                dir = Direction.INACTIVE;
            }
            MediaDescriptionBuilder b = transportAttributes(MediaDescription.builder(m.kind()), Setup.ACTIVE)
                    .mid(mid).direction(dir);
            m.extmaps().forEach(e -> b.addExtmap(Extmap.of(e.id(), e.uri())));
            m.codecs().forEach(b::addCodec);
            if (own && dir.sends()) {
                b.addSsrc(SsrcAttribute.cname((m.kind() == MediaKind.AUDIO ? audioSsrc : videoSsrc) & 0xffffffffL, name));
            }
            if (!own && dir.receives()) {
                String kind = m.kind() == MediaKind.AUDIO ? "audio" : "video";
                String publisher = m.msid().map(Msid::streamId).orElse("?");
                m.msid().ifPresent(x -> remoteTrackIds.put(x.streamId() + "/" + kind, x.trackId()));
                Set<Long> rtx = new HashSet<>();
                for (SsrcGroup g : m.ssrcGroups()) {
                    if (g.semantics().equals(SsrcGroup.FID) && g.ssrcs().size() == 2) {
                        rtx.add(g.ssrcs().get(1));
                    }
                }
                for (long ssrc : m.ssrcIds()) {
                    if (rtx.contains(ssrc)) {
                        continue; // retransmissions are not counted: they repeat what was counted
                    }
                    String pub = m.ssrcAttribute(ssrc, SsrcAttribute.MSID).map(x -> x.split(" ")[0]).orElse(publisher);
                    remoteSsrcs.put(ssrc, pub + "/" + kind);
                }
            }
            bundle.add(mid);
            s.addMedia(b.build());
        }
        s.bundle(bundle);
        if (transport == null) {
            startTransport(offer);
        }
        SessionDescription answer = s.build();
        lastLocal = answer.media();
        return answer.write();
    }

    private void startTransport(SessionDescription remote) throws Exception {
        if (transport != null) {
            return;
        }
        MediaDescription first = remote.media().stream().filter(m -> !m.isRejected()).findFirst().orElseThrow();
        String ufrag = remote.iceUfragFor(first).orElseThrow();
        String pwd = remote.icePwdFor(first).orElseThrow();
        Fingerprint fp = remote.fingerprintsFor(first).stream().findFirst().orElseThrow();
        transport = MediaTransport.client(localIce, IceCredentials.of(ufrag, pwd),
                DtlsFingerprint.parse(fp.hashFunction() + " " + fp.value()), dtls,
                () -> sim.post(this::pump), random);
        for (MediaDescription m : remote.media()) {
            for (Candidate c : m.candidates()) {
                transport.addRemoteCandidate(new InetSocketAddress(c.address(), c.port()));
            }
        }
        transport.start(sim.now());
        flush();
    }

    // ------------------------------------------------------------------ transport I/O

    private void pump() {
        if (transport != null && !gone) {
            transport.pump(sim.now());
            flush();
        }
    }

    private long scheduledTimeout = Long.MAX_VALUE;

    private void flush() {
        for (Transmit t = transport.pollTransmit(); t != null; t = transport.pollTransmit()) {
            network.send(local, t.to(), t.data(), 0, t.data().length);
        }
        for (MediaTransportEvent e = transport.pollEvent(); e != null; e = transport.pollEvent()) {
            if (e instanceof MediaTransportEvent.Connected c) {
                connected = true;
                sim.trace(name + " media connected");
                if (publishes && !mediaStarted) {
                    mediaStarted = true;
                    sendAudio();
                    sendVideo();
                }
            } else if (e instanceof MediaTransportEvent.Closed c) {
                connected = false;
                if (!gone) {
                    sim.trace(name + " media closed " + c.reason());
                }
            }
        }
        long next = transport.nextTimeoutNanos();
        if (next != Long.MAX_VALUE && next < scheduledTimeout) {
            scheduledTimeout = next;
            sim.at(next, () -> {
                scheduledTimeout = Long.MAX_VALUE;
                if (transport != null && !gone) {
                    transport.handleTimeout(sim.now());
                    flush();
                }
            });
        }
    }

    private void onDatagram(InetSocketAddress from, byte[] data, int len) {
        if (transport == null || gone) {
            return;
        }
        DatagramOutcome outcome = transport.handleDatagram(sim.now(), from, data, 0, len);
        if (outcome == DatagramOutcome.RTP) {
            long ssrc = ((data[8] & 0xffL) << 24) | ((data[9] & 0xffL) << 16) | ((data[10] & 0xffL) << 8) | (data[11] & 0xffL);
            String key = remoteSsrcs.getOrDefault(ssrc, "unknown");
            if (received.merge(key, 1L, Long::sum) == 1L) {
                sim.trace(name + " first " + key.substring(key.indexOf('/') + 1) + " from " + shortId(key));
            }
            lastReceived.put(key, sim.now());
        } else if (outcome == DatagramOutcome.RTCP) {
            onRtcp(data, transport.plaintextLength());
        }
        flush();
    }

    private void onRtcp(byte[] data, int len) {
        try {
            for (RtcpPacket p : RtcpCompound.parse(data, 0, len)) {
                if (p instanceof PictureLossIndication || p instanceof FullIntraRequest) {
                    keyframeWanted = true;
                }
            }
        } catch (Exception e) {
            sim.fail(name + " got RTCP it cannot parse: " + e);
        }
    }

    // ------------------------------------------------------------------ synthetic media

    private final byte[] packet = new byte[1500];

    private void sendAudio() {
        if (gone || transport == null) {
            return;
        }
        if (connected) {
            int n = header(packet, AUDIO_PT, audioSeq++, (int) (sim.now() / 1_000_000L * 48), audioSsrc, false, audioMid);
            for (int i = 0; i < 40; i++) {
                packet[n++] = (byte) i;
            }
            protectAndSend(n);
            audioSent++;
        }
        sim.after(20_000_000L, this::sendAudio);
    }

    private void sendVideo() {
        if (gone || transport == null) {
            return;
        }
        if (connected) {
            boolean key = keyframeWanted || frames % 45 == 0;
            keyframeWanted = false;
            frames++;
            int ts = (int) (sim.now() / 1_000_000L * 90);
            for (int part = 0; part < 2; part++) {
                int n = header(packet, VIDEO_PT, videoSeq++, ts, videoSsrc, part == 1, videoMid);
                // RFC 7741 §4.2 payload descriptor: S=1 on the frame's first packet, partition 0.
                packet[n++] = (byte) (part == 0 ? 0x10 : 0x00);
                if (part == 0) {
                    // RFC 6386 §9.1: frame tag (P=0 on a keyframe, show_frame=1), then for a
                    // keyframe the start code and 640x360.
                    packet[n++] = (byte) (key ? 0x10 : 0x11);
                    packet[n++] = 0;
                    packet[n++] = 0;
                    if (key) {
                        packet[n++] = (byte) 0x9d;
                        packet[n++] = 0x01;
                        packet[n++] = 0x2a;
                        packet[n++] = (byte) (640 & 0xff);
                        packet[n++] = (byte) (640 >> 8);
                        packet[n++] = (byte) (360 & 0xff);
                        packet[n++] = (byte) (360 >> 8);
                    }
                }
                for (int i = 0; i < 300; i++) {
                    packet[n++] = (byte) i;
                }
                protectAndSend(n);
                videoSent++;
            }
        }
        sim.after(66_666_667L, this::sendVideo);
    }

    /** An RTP header with a one-byte mid extension (RFC 8285 §4.2, RFC 8843 §15.2); returns its length. */
    private int header(byte[] b, int pt, int seq, int ts, int ssrc, boolean marker, String mid) {
        b[0] = (byte) 0x90;
        b[1] = (byte) ((marker ? 0x80 : 0) | pt);
        b[2] = (byte) (seq >> 8);
        b[3] = (byte) seq;
        b[4] = (byte) (ts >> 24);
        b[5] = (byte) (ts >> 16);
        b[6] = (byte) (ts >> 8);
        b[7] = (byte) ts;
        b[8] = (byte) (ssrc >> 24);
        b[9] = (byte) (ssrc >> 16);
        b[10] = (byte) (ssrc >> 8);
        b[11] = (byte) ssrc;
        b[12] = (byte) 0xbe;
        b[13] = (byte) 0xde;
        b[14] = 0;
        b[15] = 1;
        int id = audioMidExt == 0 ? 4 : audioMidExt;
        b[16] = (byte) ((id << 4) | (mid.length() - 1));
        b[17] = (byte) mid.charAt(0);
        b[18] = 0;
        b[19] = 0;
        return 20;
    }

    private void protectAndSend(int len) {
        try {
            int n = transport.protectRtp(packet, 0, len);
            network.send(local, transport.remoteAddress(), packet, 0, n);
        } catch (Exception e) {
            sim.fail(name + " cannot protect RTP: " + e);
        }
    }
}
