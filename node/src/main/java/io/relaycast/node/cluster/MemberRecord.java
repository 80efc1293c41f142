package io.relaycast.node.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A peer as the whole cluster knows it: in which room, on which node (the Relaycast node id for
 * people, the event-bus node id for the cluster manager's failure events), on which media worker
 * of that node (where relay requests for its tracks go: a room stays on one worker of a node for
 * as long as it has peers there), publishing what.
 */
public record MemberRecord(String peerId, String name, String roomId, String nodeId, String busNodeId, int worker,
                           List<TrackInfo> tracks) {

    public MemberRecord {
        tracks = List.copyOf(tracks);
    }

    public MemberRecord withTracks(List<TrackInfo> newTracks) {
        return new MemberRecord(peerId, name, roomId, nodeId, busNodeId, worker, newTracks);
    }

    public JsonObject toJson() {
        return new JsonObject().put("peerId", peerId).put("name", name).put("roomId", roomId).put("nodeId", nodeId)
                .put("busNodeId", busNodeId).put("worker", worker).put("tracks", TrackInfo.toJson(tracks));
    }

    public static MemberRecord fromJson(JsonObject j) {
        List<TrackInfo> tracks = new ArrayList<>();
        JsonArray a = j.getJsonArray("tracks", new JsonArray());
        for (int i = 0; i < a.size(); i++) {
            tracks.add(TrackInfo.fromJson(a.getJsonObject(i)));
        }
        return new MemberRecord(j.getString("peerId"), j.getString("name"), j.getString("roomId"),
                j.getString("nodeId"), j.getString("busNodeId"), j.getInteger("worker", 0), tracks);
    }
}
