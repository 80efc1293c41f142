package io.relaycast.node.room;

import io.relaycast.node.media.DownTrack;
import io.relaycast.node.media.UpTrack;
import io.relaycast.sdp.Codec;
import io.relaycast.sdp.Extmap;
import io.relaycast.sdp.MediaDescription;
import io.relaycast.sdp.MediaKind;

import java.util.List;

/**
 * One m-line of a peer's session, in session order. The client's own m-lines carry what it
 * publishes; the node adds {@link Role#SUBSCRIBE} m-lines, one per remote track it sends, which
 * turn inactive when the track goes and may be reused for a later track of the same kind.
 */
final class MLine {
    enum Role {
        /** The client's m-line: the node receives on it (or nothing, when refused). */
        PUBLISH,
        /** A node-made m-line carrying one remote track, or inactive and free. */
        SUBSCRIBE,
        /** Refused: port 0 in the node's SDP (data channels, unknown media). */
        REJECTED
    }

    final String mid;
    final MediaKind kind;
    final Role role;
    /** The format list to echo when rejecting (RFC 8866 needs at least one). */
    List<String> rejectedFormats = List.of();

    // PUBLISH
    /** The client's latest description of this m-line. */
    MediaDescription clientMedia;
    Codec codec;
    Codec rtxCodec;
    List<Extmap> extmaps = List.of();
    boolean receiving;
    /** The primary layer of what the client publishes here (the track itself without simulcast). */
    UpTrack upTrack;
    /** The simulcast rids received (answered with a=rid recv and a=simulcast:recv), or empty. */
    List<String> rids = List.of();

    // SUBSCRIBE
    DownTrack downTrack;
    Codec sendCodec;
    Codec sendRtxCodec;
    List<Extmap> sendExtmaps = List.of();
    /** Offered to the client but not yet answered: forwarding starts with the answer. */
    boolean awaitingAnswer;

    MLine(String mid, MediaKind kind, Role role) {
        this.mid = mid;
        this.kind = kind;
        this.role = role;
    }

    boolean isFree() {
        return role == Role.SUBSCRIBE && downTrack == null;
    }
}
