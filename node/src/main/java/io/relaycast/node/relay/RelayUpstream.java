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
    /** While subscribed and no packet has come: when the SUBSCRIBE goes again, and how often it went. */
    private long resubscribeAtNanos = Long.MAX_VALUE;
    private long subscribedAtNanos;
    private int resubscribes;

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
        long now = endpoint.nowNanos();
        link.subscribe(stream, roomId, trackKey, now);
        resubscribes = 0;
        subscribedAtNanos = now;
        resubscribeAtNanos = now + RESUBSCRIBE_FIRST_NANOS;
        endpoint.awaitFirstPacket(this, track);
    }

    @Override
    public void lastSubscriberGone(UpTrack track) {
        resubscribeAtNanos = Long.MAX_VALUE;
        link.streamOnly(RelayFrame.UNSUBSCRIBE, stream, endpoint.nowNanos());
    }

    /** The first wait for a subscribed stream's first packet before asking again; doubles per try. */
    static final long RESUBSCRIBE_FIRST_NANOS = 1_000_000_000L;
    /** Tries after the first SUBSCRIBE: about half a minute in all, then the stream is left as it is. */
    static final int MAX_RESUBSCRIBES = 5;

    /**
     * Called on the endpoint's tick while the stream is subscribed and has carried nothing. The
     * event bus drops a message sent before the publisher node's relay consumer is known here
     * (Vert.x spreads registrations asynchronously), and a lost SUBSCRIBE would leave the track
     * dark for good; so it is sent again, with backoff. The publisher's end ignores a repeat.
     *
     * @return false once it stopped waiting (a packet came, the subscription ended, or it gave up)
     */
    boolean checkFirstPacket(UpTrack track, long now) {
        if (resubscribeAtNanos == Long.MAX_VALUE || track.downTracks().isEmpty()) {
            return false;
        }
        if (track.lastPacketNanos() >= subscribedAtNanos) {
            resubscribeAtNanos = Long.MAX_VALUE;
            return false;
        }
        if (now < resubscribeAtNanos) {
            return true;
        }
        if (resubscribes == MAX_RESUBSCRIBES) {
            resubscribeAtNanos = Long.MAX_VALUE;
            return false;
        }
        resubscribes++;
        link.subscribe(stream, roomId, trackKey, now);
        link.resubscribes++;
        resubscribeAtNanos = now + (RESUBSCRIBE_FIRST_NANOS << Math.min(resubscribes, 3));
        return true;
    }
}
