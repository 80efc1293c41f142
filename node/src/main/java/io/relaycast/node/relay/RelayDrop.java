package io.relaycast.node.relay;

/** Why the relay dropped something; each is a label of {@code relaycast_relay_drops_total{reason}}. */
public enum RelayDrop {
    /** A video packet did not fit the link's budget: its track sheds video until a keyframe. */
    BUDGET_VIDEO("budget_video"),
    /** Video of a track that is shedding or waiting for a keyframe after the link recovered. */
    SHED_VIDEO("shed_video"),
    /** An audio packet did not fit the link's budget (only after all video is being shed). */
    BUDGET_AUDIO("budget_audio"),
    /** A control record (subscribe, keyframe request, NACK, SR) did not fit the link's hard cap. */
    BUDGET_CONTROL("budget_control"),
    /** A frame or record that does not follow the relay frame layout. */
    MALFORMED("malformed"),
    /** A frame for another worker than the one that received it. */
    MISROUTED("misrouted"),
    /** Media for a stream this worker no longer has (unsubscribed while packets were in flight). */
    UNKNOWN_STREAM("unknown_stream"),
    /** A subscribe for a room or track this worker does not have (left while the request was in flight). */
    UNKNOWN_TRACK("unknown_track"),
    /** A record type this node does not know (a newer node); skipped. */
    UNKNOWN_TYPE("unknown_type");

    private final String label;

    RelayDrop(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
