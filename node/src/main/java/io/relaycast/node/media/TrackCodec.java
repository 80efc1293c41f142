package io.relaycast.node.media;

import io.relaycast.sdp.Codec;

/**
 * A track's codec as the forwarding path needs it: the publisher's negotiated media codec (name,
 * clock rate, payload type, fmtp) and the payload type of its RTX stream, or -1 without RTX.
 */
public record TrackCodec(Codec sdp, int rtxPayloadType) {
    public String name() {
        return sdp.name();
    }

    public int clockRate() {
        return sdp.clockRate();
    }

    public int payloadType() {
        return sdp.payloadType();
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }
}
