package io.relaycast.node.relay;

import io.relaycast.node.media.UpTrack;
import io.relaycast.node.media.Upstream;

import java.nio.charset.StandardCharsets;

/**
 * On a subscribing node: the way back from a relayed track to the publisher's worker. Subscribe
 * and unsubscribe follow the first and last local subscriber; keyframe requests and the NACKs the
 * local cache cannot serve travel point to point, batched with everything else on the link.
 */
final class RelayUpstream implements Upstream {
    /** NACK records carry at most this many sequence numbers; more go in further records. */
    private static final int NACK_CHUNK = 64;

    private final RelayEndpoint endpoint;
    private final RelayLink link;
    private final int stream;
    private final byte[] roomId;
    private final byte[] trackKey;

    RelayUpstream(RelayEndpoint endpoint, RelayLink link, int stream, String roomId, String trackKey) {
        this.endpoint = endpoint;
        this.link = link;
        this.stream = stream;
        this.roomId = roomId.getBytes(StandardCharsets.UTF_8);
        this.trackKey = trackKey.getBytes(StandardCharsets.UTF_8);
    }

    int stream() {
        return stream;
    }

    RelayLink link() {
        return link;
    }

    @Override
    public void requestKeyframe(UpTrack track) {
        link.streamOnly(RelayFrame.KEYFRAME_REQUEST, stream, endpoint.nowNanos());
    }

    @Override
    public void nack(UpTrack track, int[] sequences, int count) {
        long now = endpoint.nowNanos();
        for (int from = 0; from < count; from += NACK_CHUNK) {
            int n = Math.min(NACK_CHUNK, count - from);
            if (from == 0) {
                link.nack(stream, sequences, n, now);
            } else {
                link.nack(stream, java.util.Arrays.copyOfRange(sequences, from, from + n), n, now);
            }
        }
    }

    @Override
    public void firstSubscriber(UpTrack track) {
        link.subscribe(stream, roomId, trackKey, endpoint.nowNanos());
    }

    @Override
    public void lastSubscriberGone(UpTrack track) {
        link.streamOnly(RelayFrame.UNSUBSCRIBE, stream, endpoint.nowNanos());
    }
}
