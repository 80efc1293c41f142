package io.relaycast.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * A client of the {@link FloorRelay}: the same media pattern and measurements as a WebRTC client
 * (the same header extensions, so the same packet sizes), without ICE, DTLS or SRTP.
 */
final class FloorPeer implements LoadPeer, MediaLoop.Timed, MediaLoop.Receiving {
    private static final byte[] LEAVE = {3};
    private final Harness h;
    private final String name;
    private final String roomId;
    private final InetSocketAddress relay;
    private final MediaPattern publisher;
    private final MediaReceiver receiver;
    private DatagramChannel channel;
    private final byte[] tx = new byte[1600];
    private long joinNanos;
    private long nextRegister;
    private long sendDrops;

    FloorPeer(Harness h, String name, String roomId, InetSocketAddress relay, boolean publish) {
        this.h = h;
        this.name = name;
        this.roomId = roomId;
        this.relay = relay;
        this.publisher = publish ? new MediaPattern(h.mediaRandom(), h.options.video, h.options.bitrate) : null;
        this.receiver = new MediaReceiver(name, h.loop.stats);
        if (publisher != null) {
            // The extensions a browser would send, with the ids the WebRTC clients offer.
            publisher.extAudioLevel = 1;
            publisher.extAbsSendTime = 2;
            publisher.extTwcc = 3;
            publisher.extMid = 4;
        }
    }

    @Override
    public void start() {
        joinNanos = System.nanoTime();
        h.joined(name, joinNanos);
        try {
            channel = DatagramChannel.open();
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            channel.bind(new InetSocketAddress(h.options.bind, 0));
            h.loop.register(channel, this);
            h.loop.addTimed(this);
        } catch (IOException e) {
            h.loop.stats.error("floor socket: " + e.getMessage());
            return;
        }
        if (publisher != null) {
            h.floorSources.put(publisher.audioSsrc, new MediaReceiver.Source(name, "audio", 48000, joinNanos));
            h.floorSources.put(publisher.videoSsrc, new MediaReceiver.Source(name, "video", 90000, joinNanos));
            publisher.start(joinNanos);
        }
        h.loop.stats.clientsConnected++;
    }

    @Override
    public long nextDeadline() {
        return publisher == null ? nextRegister : Math.min(nextRegister, publisher.nextDeadline());
    }

    @Override
    public void onTimer(long now) {
        if (now >= nextRegister) {
            byte[] room = roomId.getBytes(StandardCharsets.UTF_8);
            byte[] reg = new byte[room.length + 1];
            reg[0] = 1;
            System.arraycopy(room, 0, reg, 1, room.length);
            send(reg, 0, reg.length);
            nextRegister = now + 2_000_000_000L;
        }
        if (publisher != null) {
            publisher.emit(now, tx, 0, this::send, h.loop.stats);
        }
    }

    private void send(byte[] buf, int off, int len) {
        try {
            if (channel.send(ByteBuffer.wrap(buf, off, len), relay) == 0) {
                sendDrops++;
            }
        } catch (IOException e) {
            h.loop.stats.error("floor send: " + e.getMessage());
        }
    }

    @Override
    public void onDatagram(long now, InetSocketAddress from, byte[] buf, int len) {
        if (len < 12 || (buf[0] & 0xc0) != 0x80) {
            return;
        }
        int ssrc = ((buf[8] & 0xff) << 24) | ((buf[9] & 0xff) << 16) | ((buf[10] & 0xff) << 8) | (buf[11] & 0xff);
        MediaReceiver.Source src = h.floorSources.get(ssrc);
        if (src != null) {
            receiver.expect(ssrc, src.publisherId(), src.kind(), src.clockRate(), Math.max(joinNanos, src.setupStartNanos()));
        }
        receiver.onRtp(now, buf, 0, len);
    }

    @Override
    public boolean connected() {
        return channel != null;
    }

    @Override
    public boolean publishes() {
        return publisher != null;
    }

    @Override
    public long joinNanos() {
        return joinNanos;
    }

    @Override
    public long firstPacketNanos() {
        return receiver.firstPacketNanos;
    }

    @Override
    public long sendDrops() {
        return sendDrops;
    }

    @Override
    public void close() {
        h.loop.removeTimed(this);
        try {
            if (channel != null) {
                send(LEAVE, 0, LEAVE.length); // FloorRelay's 0x03: stop forwarding to this socket
                channel.close();
            }
        } catch (IOException ignored) {
            // end of run
        }
    }

    @Override
    public String name() {
        return name;
    }
}
