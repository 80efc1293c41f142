package io.relaycast.node.media;

/**
 * The way back from a published track to whoever sends it: the publisher's own transport for a
 * local publisher, the relay for a track from another node.
 */
public interface Upstream {
    /** Sends a keyframe request (PLI, RFC 4585 §6.3.1) for the track's media SSRC. */
    void requestKeyframe(UpTrack track);

    /** Asks for retransmission of publisher sequence numbers the node no longer has (RFC 4585 §6.2.1). */
    void nack(UpTrack track, int[] sequences, int count);

    /** The track got its first subscriber on this node (a relayed track starts flowing here). */
    default void firstSubscriber(UpTrack track) {
    }

    /** The track's last subscriber on this node went away (a relayed track stops). */
    default void lastSubscriberGone(UpTrack track) {
    }
}
