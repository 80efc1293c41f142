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
 *
 * <p>{@code version} counts the peer's track changes (its node writes every change, in order):
 * another node that holds a copy can tell a newer record from a stale one whichever way it came,
 * room event or membership read. Records from nodes that do not write it read as version 0.
 */
public record MemberRecord(String peerId, String name, String roomId, String nodeId, String busNodeId, int worker,
                           List<TrackInfo> tracks, int version) {

    public MemberRecord {
        tracks = List.copyOf(tracks);
    }

    /** A joining peer's first record: no tracks, version 0. */
    public MemberRecord(String peerId, String name, String roomId, String nodeId, String busNodeId, int worker,
                        List<TrackInfo> tracks) {
        this(peerId, name, roomId, nodeId, busNodeId, worker, tracks, 0);
    }

    /** The next version of this record, publishing {@code newTracks}. */
    public MemberRecord withTracks(List<TrackInfo> newTracks) {
        return new MemberRecord(peerId, name, roomId, nodeId, busNodeId, worker, newTracks, version + 1);
    }

    public JsonObject toJson() {
        return new JsonObject().put("peerId", peerId).put("name", name).put("roomId", roomId).put("nodeId", nodeId)
                .put("busNodeId", busNodeId).put("worker", worker).put("tracks", TrackInfo.toJson(tracks))
                .put("version", version);
    }

    public static MemberRecord fromJson(JsonObject j) {
        List<TrackInfo> tracks = new ArrayList<>();
        JsonArray a = j.getJsonArray("tracks", new JsonArray());
        for (int i = 0; i < a.size(); i++) {
            tracks.add(TrackInfo.fromJson(a.getJsonObject(i)));
        }
        return new MemberRecord(j.getString("peerId"), j.getString("name"), j.getString("roomId"),
                j.getString("nodeId"), j.getString("busNodeId"), j.getInteger("worker", 0), tracks,
                j.getInteger("version", 0));
    }
}
