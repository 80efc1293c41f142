package io.relaycast.node.cluster;

import io.relaycast.node.media.UpTrack;
import io.relaycast.node.media.Upstream;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * On a subscribing node: the way back from a relayed track to the publisher's node. Subscribe
 * and unsubscribe follow the first and last local subscriber; keyframe requests and NACKs the
 * local cache cannot serve travel point to point to the publisher's node (issue 4 "back path").
 */
final class RelayUpstream implements Upstream {
    private final EventBus bus;
    private final String controlAddress;
    private final String trackKey;
    private final int stream;
    private final String localBusNodeId;
    private final String localNodeId;

    RelayUpstream(EventBus bus, String controlAddress, String trackKey, int stream, String localBusNodeId,
                  String localNodeId) {
        this.bus = bus;
        this.controlAddress = controlAddress;
        this.trackKey = trackKey;
        this.stream = stream;
        this.localBusNodeId = localBusNodeId;
        this.localNodeId = localNodeId;
    }

    private JsonObject message(String type) {
        return new JsonObject().put("type", type).put("key", trackKey).put("stream", stream).put("from", localBusNodeId)
                .put("fromNode", localNodeId);
    }

    @Override
    public void requestKeyframe(UpTrack track) {
        bus.send(controlAddress, message("pli"));
    }

    @Override
    public void nack(UpTrack track, int[] sequences, int count) {
        JsonArray seqs = new JsonArray();
        for (int i = 0; i < count; i++) {
            seqs.add(sequences[i]);
        }
        bus.send(controlAddress, message("nack").put("seqs", seqs));
    }

    @Override
    public void firstSubscriber(UpTrack track) {
        bus.send(controlAddress, message("subscribe"));
    }

    @Override
    public void lastSubscriberGone(UpTrack track) {
        bus.send(controlAddress, message("unsubscribe"));
    }

    /** Tells the publisher's node to stop, when the track goes away while still subscribed here. */
    void cancel() {
        bus.send(controlAddress, message("unsubscribe"));
    }
}
