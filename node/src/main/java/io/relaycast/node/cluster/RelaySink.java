package io.relaycast.node.cluster;

import io.relaycast.node.media.PacketSink;
import io.relaycast.rtp.RtpHeader;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;

/**
 * On the publisher's node: one published track's copy for one other node that has subscribers
 * for it. However many subscribers that node has, each packet crosses once (issue 4); the
 * receiving node fans it out.
 */
final class RelaySink implements PacketSink {
    private final EventBus bus;
    private final String address;
    private final String remoteBusNodeId;
    private final String remoteNodeId;
    private final int stream;
    private final RelayMetrics metrics;

    RelaySink(EventBus bus, String address, String remoteBusNodeId, String remoteNodeId, int stream,
              RelayMetrics metrics) {
        this.bus = bus;
        this.address = address;
        this.remoteBusNodeId = remoteBusNodeId;
        this.remoteNodeId = remoteNodeId;
        this.stream = stream;
        this.metrics = metrics;
    }

    String remoteBusNodeId() {
        return remoteBusNodeId;
    }

    @Override
    public void onPacket(RtpHeader header) {
        send(RelayPacket.rtp(RelayPacket.RTP, stream, header.buffer(), header.offset(), header.length()));
    }

    @Override
    public void onSenderReport(long ntp, long rtpTimestamp) {
        send(RelayPacket.senderReport(stream, ntp, rtpTimestamp));
    }

    void retransmission(byte[] buf, int off, int len) {
        send(RelayPacket.rtp(RelayPacket.RETRANSMISSION, stream, buf, off, len));
    }

    private void send(Buffer b) {
        bus.send(address, b);
        metrics.sent(remoteNodeId, b.length());
    }
}
