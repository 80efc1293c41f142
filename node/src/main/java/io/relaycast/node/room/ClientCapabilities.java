package io.relaycast.node.room;

import io.relaycast.sdp.Codec;
import io.relaycast.sdp.Extmap;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaKind;
import io.relaycast.sdp.SessionDescription;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a client can receive, learned from its offers: its codecs per media kind with its own
 * payload types, and its header-extension ids per URI. The node's offers to that client reuse
 * both (CHECKED.md: under BUNDLE one payload type must mean one codec, and Chromium rejects an
 * extension URI renumbered within the transport).
 */
final class ClientCapabilities {
    private final Map<MediaKind, List<Codec>> codecs = new HashMap<>();
    private final Map<String, Integer> extensionIds = new LinkedHashMap<>();
    private final Set<Integer> usedPayloadTypes = new HashSet<>();

    /** Adds what one (more) offer says; the first mention of a kind, pt or URI wins. */
    void learn(SessionDescription offer) {
        for (MediaDescription m : offer.media()) {
            if (!m.isRtp()) {
                continue;
            }
            List<Codec> list = codecs.computeIfAbsent(m.kind(), k -> new ArrayList<>());
            for (Codec c : m.codecs()) {
                usedPayloadTypes.add(c.payloadType());
                if (list.stream().noneMatch(x -> x.payloadType() == c.payloadType())) {
                    list.add(c);
                }
            }
            for (Extmap e : m.extmaps()) {
                extensionIds.putIfAbsent(e.uri(), e.id());
            }
        }
    }

    /** The client's codecs of a kind, RTX included. */
    List<Codec> codecs(MediaKind kind) {
        return codecs.getOrDefault(kind, List.of());
    }

    /** The client's RTX codec for payload type {@code pt}, if it offered one. */
    Optional<Codec> rtxFor(MediaKind kind, int pt) {
        return codecs(kind).stream().filter(c -> c.isRtx()
                && c.associatedPayloadType().isPresent() && c.associatedPayloadType().getAsInt() == pt).findFirst();
    }

    /** The client's id for an extension URI, if it offered it. */
    Optional<Integer> extensionId(String uri) {
        return Optional.ofNullable(extensionIds.get(uri));
    }

    /**
     * A dynamic payload type the client has not used for anything, for codecs it never offered
     * (a receive-only audio client that gets video). Null when all 96–127 are taken.
     */
    Integer freePayloadType() {
        for (int pt = 96; pt <= 127; pt++) {
            if (!usedPayloadTypes.contains(pt)) {
                usedPayloadTypes.add(pt);
                return pt;
            }
        }
        return null;
    }
}
