package io.relaycast.node.cluster;

import io.relaycast.node.media.TrackCodec;
import io.relaycast.node.media.UpTrack;
import io.relaycast.sdp.Codec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A published track as other nodes need to know it to subscribe their peers: the key its
 * publisher's node knows it by, the msid, and the codec and header-extension ids its relayed
 * packets carry (they cross the bus in the publisher's numbering and are rewritten per subscriber
 * on the receiving node, like local packets).
 */
public record TrackInfo(String key, String publisherPeerId, String streamId, String trackId, boolean video,
                        String codecName, int clockRate, int channels, int payloadType, Map<String, String> fmtp,
                        int rtxPayloadType, Map<Integer, String> extensions) {

    public static TrackInfo of(UpTrack t) {
        Map<Integer, String> ext = new LinkedHashMap<>();
        for (int id = 1; id < 256; id++) {
            String uri = t.extensionUri(id);
            if (uri != null) {
                ext.put(id, uri);
            }
        }
        Codec c = t.codec().sdp();
        return new TrackInfo(t.id(), t.publisherPeerId(), t.streamId(), t.trackId(), t.isVideo(), c.name(),
                c.clockRate(), c.channels(), c.payloadType(), c.parameters(), t.codec().rtxPayloadType(), ext);
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
                .put("ext", ext);
    }

    public static TrackInfo fromJson(JsonObject j) {
        Map<Integer, String> ext = new LinkedHashMap<>();
        j.getJsonObject("ext", new JsonObject()).forEach(e -> ext.put(Integer.parseInt(e.getKey()), (String) e.getValue()));
        Map<String, String> fmtp = new LinkedHashMap<>();
        j.getJsonObject("fmtp", new JsonObject()).forEach(e -> fmtp.put(e.getKey(), (String) e.getValue()));
        return new TrackInfo(j.getString("key"), j.getString("publisher"), j.getString("stream"), j.getString("track"),
                j.getBoolean("video"), j.getString("codec"), j.getInteger("clockRate"), j.getInteger("channels"),
                j.getInteger("pt"), fmtp, j.getInteger("rtxPt"), ext);
    }

    static JsonArray toJson(Iterable<TrackInfo> tracks) {
        JsonArray a = new JsonArray();
        tracks.forEach(t -> a.add(t.toJson()));
        return a;
    }
}
