package io.relaycast.node.cluster;

import io.relaycast.node.media.TrackCodec;
import io.relaycast.node.media.UpTrack;
import io.relaycast.sdp.Codec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A published track as other nodes need to know it to subscribe their peers: the key its
 * publisher's node knows it by, the msid, and the codec and header-extension ids its relayed
 * packets carry (they cross the bus in the publisher's numbering and are rewritten per subscriber
 * on the receiving node, like local packets). A simulcast track lists its layers' rids; each layer
 * is relayed as a stream of its own, keyed {@code key~rid}.
 */
public record TrackInfo(String key, String publisherPeerId, String streamId, String trackId, boolean video,
                        String codecName, int clockRate, int channels, int payloadType, Map<String, String> fmtp,
                        int rtxPayloadType, Map<Integer, String> extensions, List<String> rids) {

    public TrackInfo {
        rids = rids == null ? List.of() : List.copyOf(rids);
    }

    public static TrackInfo of(UpTrack t) {
        Map<Integer, String> ext = new LinkedHashMap<>();
        for (int id = 1; id < 256; id++) {
            String uri = t.extensionUri(id);
            if (uri != null) {
                ext.put(id, uri);
            }
        }
        Codec c = t.codec().sdp();
        List<String> rids = new ArrayList<>();
        if (t.isSimulcast()) {
            t.layers().forEach(l -> rids.add(l.rid()));
        }
        return new TrackInfo(t.trackKey(), t.publisherPeerId(), t.streamId(), t.trackId(), t.isVideo(), c.name(),
                c.clockRate(), c.channels(), c.payloadType(), c.parameters(), t.codec().rtxPayloadType(), ext, rids);
    }

    /** One simulcast layer as a stream of its own (the key its publisher's node knows the layer by). */
    public TrackInfo layer(String rid) {
        return new TrackInfo(key + "~" + rid, publisherPeerId, streamId, trackId, video, codecName, clockRate,
                channels, payloadType, fmtp, rtxPayloadType, extensions, List.of());
    }

    /** The codec as an SDP codec (for matching subscribers) with the publisher's payload types. */
    public TrackCodec codec() {
        Codec c = Codec.of(payloadType, codecName, clockRate).withChannels(channels).withParameters(fmtp);
        return new TrackCodec(c, rtxPayloadType);
    }

    /** The publisher's extension URIs indexed by id, as {@link UpTrack} takes them. */
    public String[] extensionTable() {
        String[] table = new String[256];
        extensions.forEach((id, uri) -> table[id] = uri);
        return table;
    }

    public JsonObject toJson() {
        JsonObject ext = new JsonObject();
        extensions.forEach((id, uri) -> ext.put(Integer.toString(id), uri));
        JsonObject params = new JsonObject();
        fmtp.forEach((k, v) -> params.put(k, v));
        return new JsonObject().put("key", key).put("publisher", publisherPeerId).put("stream", streamId)
                .put("track", trackId).put("video", video).put("codec", codecName).put("clockRate", clockRate)
                .put("channels", channels).put("pt", payloadType).put("fmtp", params).put("rtxPt", rtxPayloadType)
                .put("ext", ext).put("rids", new JsonArray(new ArrayList<Object>(rids)));
    }

    public static TrackInfo fromJson(JsonObject j) {
        Map<Integer, String> ext = new LinkedHashMap<>();
        j.getJsonObject("ext", new JsonObject()).forEach(e -> ext.put(Integer.parseInt(e.getKey()), (String) e.getValue()));
        Map<String, String> fmtp = new LinkedHashMap<>();
        j.getJsonObject("fmtp", new JsonObject()).forEach(e -> fmtp.put(e.getKey(), (String) e.getValue()));
        return new TrackInfo(j.getString("key"), j.getString("publisher"), j.getString("stream"), j.getString("track"),
                j.getBoolean("video"), j.getString("codec"), j.getInteger("clockRate"), j.getInteger("channels"),
                j.getInteger("pt"), fmtp, j.getInteger("rtxPt"), ext, ridsOf(j.getJsonArray("rids")));
    }

    /** Absent in records written by nodes without simulcast. */
    private static List<String> ridsOf(JsonArray a) {
        List<String> out = new ArrayList<>();
        if (a != null) {
            for (Object o : a) {
                out.add((String) o);
            }
        }
        return out;
    }

    static JsonArray toJson(Iterable<TrackInfo> tracks) {
        JsonArray a = new JsonArray();
        tracks.forEach(t -> a.add(t.toJson()));
        return a;
    }
}
