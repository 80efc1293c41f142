package io.relaycast.load;

import io.relaycast.dtls.DtlsException;
import io.relaycast.dtls.DtlsFingerprint;
import io.relaycast.ice.IceCredentials;
import io.relaycast.ice.IceException;
import io.relaycast.ice.Transmit;
import io.relaycast.rtcp.FullIntraRequest;
import io.relaycast.rtcp.PictureLossIndication;
import io.relaycast.rtcp.RtcpCompound;
import io.relaycast.rtcp.RtcpException;
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
import io.relaycast.sdp.SdpException;
import io.relaycast.sdp.SdpValidator;
import io.relaycast.sdp.SessionDescription;
import io.relaycast.sdp.SessionDescriptionBuilder;
import io.relaycast.sdp.Setup;
import io.relaycast.sdp.SsrcAttribute;
import io.relaycast.sdp.SsrcGroup;
import io.relaycast.sdp.Timing;
import io.relaycast.srtp.SrtpException;
import io.relaycast.webrtc.DtlsSetup;
import io.relaycast.webrtc.MediaTransport;
import io.relaycast.webrtc.MediaTransportEvent;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * One headless RTCPeerConnection: a real {@link MediaTransport#client} (controlling ICE, DTLS
 * client, SRTP) on its own UDP channel, the SDP it offers and answers, and the media it sends
 * ({@link MediaPattern}) and receives ({@link MediaReceiver}). Runs on the {@link MediaLoop}
 * thread; the DTLS pool's wakeup only sets a flag and wakes the loop.
 */
final class WebRtcSession implements MediaLoop.Timed, MediaLoop.Receiving {
    static final String EXT_MID = "urn:ietf:params:rtp-hdrext:sdes:mid";
    static final String EXT_ABS_SEND_TIME = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
    static final String EXT_TWCC = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    static final String EXT_AUDIO_LEVEL = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    static final String EXT_RID = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
    static final String EXT_REPAIRED_RID = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

    private final String name;
    private final MediaLoop loop;
    private final DatagramChannel channel;
    private final IceCredentials localIce;
    private final DtlsSetup dtls;
    private final SecureRandom random;
    private final long sessionId;
    private long version = 1;
    final MediaPattern publisher;
    final MediaReceiver receiver;
    private final ToLongFunction<String> joinTimeOf;
    private final long ownJoinNanos;

    private MediaTransport transport;
    private volatile boolean pumpWanted;
    private boolean connected;
    private boolean closedByUs;
    long connectedNanos;
    /** ICE and DTLS time of this client's transport (its Connected event); -1 until connected. */
    long iceSetupNanos = -1;
    long dtlsSetupNanos = -1;
    private final byte[] tx = new byte[1500 + MediaTransport.MAX_PROTECT_OVERHEAD];
    private final List<String> ownMids = new ArrayList<>();
    long sendDrops;
    /**
     * The {@code a=setup} of our offers. ACTPASS as RFC 8842 §5.2 says; Janus answers an actpass
     * offer with {@code active} (it wants to be the DTLS client), while this client can only be
     * the DTLS client, so the Janus client offers {@code active}.
     */
    Setup offerSetup = Setup.ACTPASS;
    /** Whether our SDP carries our host candidate and end-of-candidates (a full ICE peer needs them). */
    boolean announceCandidate;
    /**
     * Whether {@link #answerOffer} leaves the connectivity checks to {@link #startIce}. For Janus
     * subscriber handles: Janus offers, so libnice starts as controlling, and our agent can only be
     * controlling (it answers 487 and retries a few times, never yields). Checks sent before Janus
     * has our answer meet a controlling libnice that may 487 them all; waiting until Janus has
     * applied the answer lets its own checks meet our 487 first, and libnice then switches to
     * controlled (RFC 8445 §7.2.5.1).
     */
    boolean holdIce;
    /** Who the remote tracks belong to when the peer's msid does not say it (Janus). */
    String remotePublisher;
    /** The trackIds (second msid token) of the remote video tracks the peer's offers carried, in order. */
    final java.util.LinkedHashSet<String> remoteVideoTracks = new java.util.LinkedHashSet<>();

    WebRtcSession(String name, MediaLoop loop, InetAddress bind, DtlsSetup dtls, SecureRandom random,
                  MediaPattern publisher, ToLongFunction<String> joinTimeOf, long ownJoinNanos) throws IOException {
        this(name, loop, bind, dtls, random, publisher, joinTimeOf, ownJoinNanos, 0);
    }

    WebRtcSession(String name, MediaLoop loop, InetAddress bind, DtlsSetup dtls, SecureRandom random,
                  MediaPattern publisher, ToLongFunction<String> joinTimeOf, long ownJoinNanos, double receiveLoss)
            throws IOException {
        this.name = name;
        this.loop = loop;
        this.dtls = dtls;
        this.random = random;
        this.publisher = publisher;
        this.joinTimeOf = joinTimeOf;
        this.ownJoinNanos = ownJoinNanos;
        this.localIce = IceCredentials.generate(random);
        this.sessionId = random.nextLong() & Long.MAX_VALUE;
        this.receiver = new MediaReceiver(name, loop.stats, receiveLoss, random.nextLong());
        this.receiver.nackSender(this::sendNack);
        this.channel = DatagramChannel.open();
        channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
        channel.bind(new InetSocketAddress(bind, 0));
        loop.register(channel, this);
        loop.addTimed(this);
        loop.stats.sessions.add(this);
    }

    /** Loop thread: adds this session's ICE outcome counts to {@code into}. */
    void addIceCounts(java.util.Map<String, Long> into) {
        if (transport == null) {
            return;
        }
        for (io.relaycast.ice.IceCheckOutcome o : io.relaycast.ice.IceCheckOutcome.values()) {
            long n = transport.iceCount(o);
            if (n > 0) {
                into.merge(o.name(), n, Long::sum);
            }
        }
    }

    boolean connected() {
        return connected;
    }

    // ------------------------------------------------------------------ SDP

    private SessionDescriptionBuilder session() {
        return SessionDescription.builder()
                .origin(Origin.of("-", sessionId, version++, "127.0.0.1"))
                .sessionName("-")
                .timing(Timing.PERMANENT)
                .msidSemantic(MsidSemantic.wms(List.of("*")));
    }

    private MediaDescriptionBuilder transportAttributes(MediaDescriptionBuilder b, Setup setup) {
        String[] fp = dtls.certificate().fingerprint().toSdpValue().split(" ", 2);
        b.iceCredentials(localIce.ufrag(), localIce.pwd())
                .addFingerprint(new Fingerprint(fp[0], fp[1]))
                .setup(setup)
                .rtcpMux();
        if (announceCandidate) {
            try {
                InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
                // RFC 8445 §5.1.2.1: host type preference 126, local preference 65535, component 1.
                long priority = (126L << 24) | (65535L << 8) | 255;
                b.addCandidate(Candidate.host("1", priority, local.getAddress().getHostAddress(), local.getPort()))
                        .endOfCandidates();
            } catch (IOException e) {
                loop.stats.error("local address: " + e.getMessage());
            }
        }
        return b;
    }

    static Codec opus() {
        return Codec.of(MediaPattern.AUDIO_PT_DEFAULT, "opus", 48000).withChannels(2)
                .withParameter("minptime", "10").withParameter("useinbandfec", "1")
                .withFeedback("transport-cc");
    }

    static Codec vp8() {
        return Codec.of(MediaPattern.VIDEO_PT_DEFAULT, "VP8", 90000)
                .withFeedback("goog-remb").withFeedback("transport-cc").withFeedback("ccm", "fir")
                .withFeedback("nack").withFeedback("nack", "pli");
    }

    /**
     * The first offer: sendonly audio (mid 0) and, with video, sendonly VP8 + RTX (mid 1), each
     * with its SSRCs and msid; or, for a client that only subscribes, one recvonly audio m-line.
     */
    String createOffer(String streamId) {
        SessionDescriptionBuilder s = session();
        List<String> mids = new ArrayList<>();
        MediaDescriptionBuilder audio = transportAttributes(MediaDescription.builder(MediaKind.AUDIO), offerSetup)
                .mid("0")
                .addExtmap(Extmap.of(1, EXT_AUDIO_LEVEL))
                .addExtmap(Extmap.of(2, EXT_ABS_SEND_TIME))
                .addExtmap(Extmap.of(3, EXT_TWCC))
                .addExtmap(Extmap.of(4, EXT_MID))
                .addCodec(opus());
        mids.add("0");
        if (publisher == null) {
            audio.direction(Direction.RECVONLY);
            s.bundle(mids).addMedia(audio.build());
            ownMids.addAll(mids);
            return s.build().write();
        }
        Msid audioMsid = new Msid(streamId, streamId + "-audio");
        audio.direction(Direction.SENDONLY).addMsid(audioMsid)
                .addSsrc(publisher.audioSsrc & 0xffffffffL, streamId, audioMsid);
        List<MediaDescription> media = new ArrayList<>();
        media.add(audio.build());
        if (publisher.video) {
            Msid videoMsid = new Msid(streamId, streamId + "-video");
            long v = publisher.videoSsrc & 0xffffffffL;
            long r = publisher.videoRtxSsrc & 0xffffffffL;
            MediaDescriptionBuilder video = transportAttributes(MediaDescription.builder(MediaKind.VIDEO), offerSetup)
                    .mid("1")
                    .addExtmap(Extmap.of(2, EXT_ABS_SEND_TIME))
                    .addExtmap(Extmap.of(3, EXT_TWCC))
                    .addExtmap(Extmap.of(4, EXT_MID))
                    .direction(Direction.SENDONLY).addMsid(videoMsid)
                    .addCodec(vp8())
                    .addCodec(Codec.rtx(97, MediaPattern.VIDEO_PT_DEFAULT, 90000));
            if (publisher.simulcast()) {
                simulcastSend(video.addExtmap(Extmap.of(5, EXT_RID)).addExtmap(Extmap.of(6, EXT_REPAIRED_RID)));
            } else {
                video.addSsrcGroup(SsrcGroup.fid(v, r))
                        .addSsrc(v, streamId, videoMsid)
                        .addSsrc(r, streamId, videoMsid);
            }
            mids.add("1");
            media.add(video.build());
        }
        s.bundle(mids);
        media.forEach(s::addMedia);
        ownMids.addAll(mids);
        return s.build().write();
    }

    /**
     * A simulcast publisher's video m-line as Chromium's rid-based offers have it (RFC 8853):
     * {@code a=rid:<id> send} per layer and {@code a=simulcast:send q;h;f}, no {@code a=ssrc}
     * lines: the SFU learns each layer's SSRC from the rid header extension.
     */
    private void simulcastSend(MediaDescriptionBuilder video) {
        List<String> rids = new ArrayList<>();
        for (MediaPattern l : publisher.layers()) {
            video.addRid(io.relaycast.sdp.Rid.of(l.rid, io.relaycast.sdp.RidDirection.SEND));
            rids.add(l.rid);
        }
        video.simulcast(io.relaycast.sdp.Simulcast.send(rids));
    }

    /**
     * The peer's answer to {@link #createOffer}: learns the payload types and header-extension ids
     * the publisher must use, then starts ICE towards the answer's candidates.
     */
    void applyAnswer(String sdp, long now) throws SdpException, IceException, DtlsException {
        SessionDescription answer = SessionDescription.parse(sdp);
        SdpValidator.checkAnswer(answer);
        if (publisher != null) {
            for (MediaDescription m : answer.media()) {
                if (m.isRejected() || m.mid().isEmpty()) {
                    continue;
                }
                List<Codec> codecs = m.codecs().stream().filter(c -> !c.isRtx()).toList();
                if (m.kind() == MediaKind.AUDIO && !codecs.isEmpty()) {
                    publisher.audioPt = codecs.get(0).payloadType();
                    publisher.audioMid = m.mid().get();
                    publisher.extAudioLevel = m.extmap(EXT_AUDIO_LEVEL).map(Extmap::id).orElse(0);
                } else if (m.kind() == MediaKind.VIDEO && !codecs.isEmpty()) {
                    publisher.videoPt = codecs.get(0).payloadType();
                    publisher.videoMid = m.mid().get();
                    int apt = publisher.videoPt;
                    m.codecs().stream().filter(c -> c.isRtx() && c.associatedPayloadType().orElse(-1) == apt)
                            .findFirst().ifPresent(c -> publisher.videoRtxPt = c.payloadType());
                }
                // One id per URI across the BUNDLE transport (CHECKED.md), so any m-line will do.
                m.extmap(EXT_MID).ifPresent(e -> publisher.extMid = e.id());
                m.extmap(EXT_ABS_SEND_TIME).ifPresent(e -> publisher.extAbsSendTime = e.id());
                m.extmap(EXT_TWCC).ifPresent(e -> publisher.extTwcc = e.id());
                m.extmap(EXT_RID).ifPresent(e -> publisher.extRid = e.id());
                m.extmap(EXT_REPAIRED_RID).ifPresent(e -> publisher.extRepairedRid = e.id());
            }
            publisher.negotiatedToLayers();
        }
        startTransport(answer, now);
    }

    /**
     * Answers a peer's offer (a Relaycast renegotiation, or Janus's subscriber offer): every m-line
     * mirrored with the reverse direction (the peer's sendonly becomes recvonly; our own lines stay
     * as negotiated), the same codecs and extensions, {@code a=setup:active}; rejected lines stay
     * rejected. The announced SSRCs of remote tracks are registered with the receiver.
     */
    String answerOffer(String sdp, long now) throws SdpException, IceException, DtlsException {
        SessionDescription offer = SessionDescription.parse(sdp);
        SessionDescriptionBuilder s = session();
        List<String> bundle = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            String mid = m.mid().orElseThrow(() -> new SdpException("offered m-line without a=mid"));
            if (m.isRejected() && !m.isBundleOnly()) {
                MediaDescriptionBuilder b = MediaDescriptionBuilder.of(m.media(), m.proto()).port(0);
                m.formats().forEach(b::addFormat);
                s.addMedia(b.mid(mid).build());
                continue;
            }
            Direction offered = offer.directionOf(m);
            Direction dir = offered.reversed();
            boolean own = ownMids.contains(mid);
            if (own && publisher == null && dir.sends()) {
                dir = Direction.INACTIVE;
            }
            MediaDescriptionBuilder b = transportAttributes(MediaDescription.builder(m.kind()), Setup.ACTIVE)
                    .mid(mid).direction(dir);
            m.extmaps().forEach(e -> b.addExtmap(Extmap.of(e.id(), e.uri())));
            m.codecs().forEach(b::addCodec);
            if (own && dir.sends() && publisher != null && m.kind() == MediaKind.VIDEO && publisher.simulcast()) {
                simulcastSend(b);
            } else if (own && dir.sends() && publisher != null) {
                long ssrc = (m.kind() == MediaKind.AUDIO ? publisher.audioSsrc : publisher.videoSsrc) & 0xffffffffL;
                b.addSsrc(SsrcAttribute.cname(ssrc, name));
            }
            if (!own && dir.receives()) {
                registerRemoteSsrcs(m);
            }
            bundle.add(mid);
            s.addMedia(b.build());
        }
        s.bundle(bundle);
        SessionDescription answer = s.build();
        SdpValidator.checkAnswer(answer);
        if (transport == null) {
            startTransport(offer, now);
        }
        return answer.write();
    }

    private void registerRemoteSsrcs(MediaDescription m) {
        String kind = m.kind() == MediaKind.AUDIO ? "audio" : "video";
        int clockRate = m.codecs().stream().filter(c -> !c.isRtx()).findFirst().map(Codec::clockRate)
                .orElse(kind.equals("audio") ? 48000 : 90000);
        Set<Long> rtx = new HashSet<>();
        for (SsrcGroup g : m.ssrcGroups()) {
            if (g.semantics().equals(SsrcGroup.FID) && g.ssrcs().size() == 2) {
                rtx.add(g.ssrcs().get(1));
            }
        }
        String publisherId = remotePublisher != null ? remotePublisher : m.msid().map(Msid::streamId).orElse("?");
        if (kind.equals("video")) {
            m.msid().map(Msid::trackId).ifPresent(remoteVideoTracks::add);
        }
        for (SsrcGroup g : m.ssrcGroups()) {
            if (g.semantics().equals(SsrcGroup.FID) && g.ssrcs().size() == 2) {
                receiver.repairs(g.ssrcs().get(1).intValue(), g.ssrcs().get(0).intValue());
            }
        }
        for (long ssrc : m.ssrcIds()) {
            if (rtx.contains(ssrc)) {
                continue;
            }
            String pub = remotePublisher != null ? remotePublisher
                    : m.ssrcAttribute(ssrc, SsrcAttribute.MSID).map(v -> v.split(" ")[0]).orElse(publisherId);
            long setup = Math.max(ownJoinNanos, joinTimeOf.applyAsLong(pub));
            receiver.expect((int) ssrc, pub, kind, clockRate, setup);
        }
    }

    private void startTransport(SessionDescription remote, long now) throws IceException, DtlsException, SdpException {
        if (transport != null) {
            return;
        }
        MediaDescription first = remote.media().stream().filter(m -> !m.isRejected()).findFirst()
                .orElseThrow(() -> new SdpException("no usable m-line"));
        String ufrag = remote.iceUfragFor(first).orElseThrow(() -> new SdpException("no ice-ufrag"));
        String pwd = remote.icePwdFor(first).orElseThrow(() -> new SdpException("no ice-pwd"));
        Fingerprint fp = remote.fingerprintsFor(first).stream().findFirst()
                .orElseThrow(() -> new SdpException("no fingerprint"));
        transport = MediaTransport.client(localIce, IceCredentials.of(ufrag, pwd),
                DtlsFingerprint.parse(fp.hashFunction() + " " + fp.value()), dtls, () -> {
                    pumpWanted = true;
                    loop.wakeup();
                }, random);
        int added = 0;
        for (MediaDescription m : remote.media()) {
            for (Candidate c : m.candidates()) {
                if (addCandidate(c)) {
                    added++;
                }
            }
        }
        if (added == 0) {
            loop.stats.error("no usable (UDP, IPv4, local or --url host) candidate in remote SDP");
        }
        if (!holdIce) {
            transport.start(now);
            flush(now);
        }
    }

    /** Starts the checks held back by {@link #holdIce}; nothing if already started. */
    void startIce(long now) {
        if (transport != null) {
            transport.start(now);
            flush(now);
        }
    }

    /** A trickled candidate (Janus may send them after the SDP). */
    boolean addCandidate(Candidate c) {
        if (transport == null || !c.isUdp()) {
            return false;
        }
        try {
            InetAddress a = InetAddress.getByName(c.address());
            // Network rule: traffic goes to loopback, to an address of this host or namespace, or
            // to a server the harness was pointed at (--url), only.
            if (!(a instanceof java.net.Inet4Address) || !(a.isLoopbackAddress() || loop.serverAddresses.contains(a)
                    || NetworkInterface.getByInetAddress(a) != null)) {
                return false;
            }
            transport.addRemoteCandidate(new InetSocketAddress(a, c.port()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ I/O

    @Override
    public long nextDeadline() {
        if (pumpWanted) {
            return 0;
        }
        long d = transport == null ? Long.MAX_VALUE : transport.nextTimeoutNanos();
        if (connected && publisher != null) {
            d = Math.min(d, publisher.nextDeadline());
        }
        return d;
    }

    @Override
    public void onTimer(long now) {
        if (transport == null) {
            return;
        }
        if (pumpWanted) {
            pumpWanted = false;
            transport.pump(now);
        }
        if (transport.nextTimeoutNanos() <= now) {
            transport.handleTimeout(now);
        }
        flush(now);
        if (connected && publisher != null) {
            publisher.emit(now, tx, 0, this::sendRtp, loop.stats);
        }
    }

    @Override
    public void onDatagram(long now, InetSocketAddress from, byte[] buf, int len) {
        if (transport == null) {
            return;
        }
        lastOutcome = transport.handleDatagram(now, from, buf, 0, len);
        switch (lastOutcome) {
            case RTP -> receiver.onRtp(now, buf, 0, transport.plaintextLength());
            case RTCP -> onRtcp(now, buf, transport.plaintextLength());
            case CONSUMED -> flush(now);
            case DROPPED_SRTP_AUTH -> loop.stats.srtpAuthFailures++;
            default -> {
                loop.stats.otherDrops++;
                loop.stats.dropsByOutcome.merge(lastOutcome.name(), 1L, Long::sum);
            }
        }
    }

    private io.relaycast.webrtc.DatagramOutcome lastOutcome;

    private void onRtcp(long now, byte[] buf, int len) {
        if (publisher == null) {
            return;
        }
        try {
            for (RtcpPacket p : RtcpCompound.parse(buf, 0, len)) {
                if (p instanceof PictureLossIndication pli) {
                    keyframeFor((int) pli.mediaSsrc());
                } else if (p instanceof FullIntraRequest fir) {
                    fir.entries().forEach(e -> keyframeFor((int) e.ssrc()));
                } else if (p instanceof io.relaycast.rtcp.GenericNack nack && publisher.video
                        && publisher.videoStreamOf((int) nack.mediaSsrc()) != null) {
                    // As a browser does: what is still in the history goes out again as RTX.
                    loop.stats.nacksReceived++;
                    publisher.videoStreamOf((int) nack.mediaSsrc())
                            .retransmit(nack.lostSequenceNumbers(), now, tx, 0, this::sendRtp, loop.stats);
                }
            }
        } catch (RtcpException e) {
            loop.stats.otherDrops++;
        }
    }

    /**
     * A PLI or FIR for {@code ssrc}: a keyframe of that video stream only (a simulcast layer's
     * SSRC asks for that layer); an SSRC that is none of ours (0, or the audio's) asks every one.
     */
    private void keyframeFor(int ssrc) {
        loop.stats.plisReceived++;
        MediaPattern l = publisher.videoStreamOf(ssrc);
        if (l != null) {
            l.requestKeyframe();
            return;
        }
        publisher.requestKeyframe();
        publisher.layers().forEach(MediaPattern::requestKeyframe);
    }

    /** Simulates a lossy uplink: this fraction of our RTP never leaves (0 = off); see {@link Options#sendLoss}. */
    void sendLoss(double fraction, long seed) {
        this.sendLoss = fraction;
        this.sendLossRandom = new java.util.Random(seed);
    }

    private double sendLoss;
    private java.util.Random sendLossRandom;

    private void sendRtp(byte[] buf, int off, int len) {
        if (sendLoss > 0 && sendLossRandom.nextDouble() < sendLoss) {
            int ssrc = len >= 12 ? MediaPattern.getInt(buf, off + 8) : 0;
            MediaPattern l = publisher.videoStreamOf(ssrc);
            if (l != null && ssrc == l.videoSsrc) {
                loop.stats.uplinkLostVideo++;
            } else if (l != null) {
                loop.stats.uplinkLostRtx++;
            } else {
                loop.stats.uplinkLostAudio++;
            }
            return;
        }
        try {
            int n = transport.protectRtp(buf, off, len);
            InetSocketAddress to = transport.remoteAddress();
            if (n > 0 && to != null && channel.send(ByteBuffer.wrap(buf, off, n), to) == 0) {
                sendDrops++;
            }
        } catch (SrtpException | IOException e) {
            loop.stats.error("send: " + e.getMessage());
        }
    }

    private final int rtcpSsrc = new java.util.Random().nextInt();

    private void sendNack(int mediaSsrc, int[] sequences) {
        if (transport == null || !connected) {
            return;
        }
        io.relaycast.rtcp.GenericNack nack = io.relaycast.rtcp.GenericNack.fromLostSequenceNumbers(
                rtcpSsrc & 0xffffffffL, mediaSsrc & 0xffffffffL, sequences);
        byte[] b = new byte[nack.length() + MediaTransport.MAX_PROTECT_OVERHEAD];
        int len = nack.writeTo(b, 0);
        try {
            int n = transport.protectRtcp(b, 0, len);
            InetSocketAddress to = transport.remoteAddress();
            if (n > 0 && to != null) {
                channel.send(ByteBuffer.wrap(b, 0, n), to);
            }
        } catch (SrtpException | IOException e) {
            loop.stats.error("nack: " + e.getMessage());
        }
    }

    private void flush(long now) {
        for (Transmit t = transport.pollTransmit(); t != null; t = transport.pollTransmit()) {
            try {
                channel.send(ByteBuffer.wrap(t.data()), t.to());
            } catch (IOException e) {
                loop.stats.error("send: " + e.getMessage());
            }
        }
        for (MediaTransportEvent e = transport.pollEvent(); e != null; e = transport.pollEvent()) {
            if (e instanceof MediaTransportEvent.Connected c) {
                connected = true;
                connectedNanos = now;
                iceSetupNanos = c.iceNanos();
                dtlsSetupNanos = c.dtlsNanos();
                transport.dtlsStats().nonZero().forEach((k, v) -> loop.stats.dtlsAtConnect.merge(k, v, Long::sum));
                for (io.relaycast.ice.IceCheckOutcome o : List.of(io.relaycast.ice.IceCheckOutcome.REJECTED_ROLE_CONFLICT,
                        io.relaycast.ice.IceCheckOutcome.RESPONSE_ERROR, io.relaycast.ice.IceCheckOutcome.ANSWERED)) {
                    long n = transport.iceCount(o);
                    if (n > 0) {
                        loop.stats.iceAtConnect.merge(o.name(), n, Long::sum);
                    }
                }
                loop.stats.clientsConnected++;
                if (publisher != null && !publisher.started()) {
                    publisher.start(now);
                }
            } else if (e instanceof MediaTransportEvent.Closed closed) {
                if (!closedByUs) {
                    loop.stats.error("transport closed: " + closed.reason());
                    if (!connected) {
                        loop.stats.clientsFailed++;
                    }
                }
                connected = false;
            }
        }
    }

    /** Loop thread: closes the transport (close_notify is not waited for) and the channel. */
    void close() {
        closedByUs = true;
        loop.removeTimed(this);
        if (transport != null) {
            transport.close();
            flush(System.nanoTime());
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing at the end of the run
        }
    }

    long authFailures() {
        return transport == null ? 0 : transport.count(io.relaycast.webrtc.DatagramOutcome.DROPPED_SRTP_AUTH);
    }

    static boolean isLocal(InetAddress a) {
        try {
            return a.isLoopbackAddress() || NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }
}
