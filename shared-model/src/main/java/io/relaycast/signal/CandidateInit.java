package io.relaycast.signal;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A trickled ICE candidate in the browser's {@code RTCIceCandidateInit} shape. The whole object
 * is {@code null} on the wire for end-of-candidates; an empty {@code candidate} string means the
 * same in some browsers.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CandidateInit(String candidate, String sdpMid, Integer sdpMLineIndex) {

    /** True when this init marks end-of-candidates rather than carrying one. */
    public boolean isEndOfCandidates() {
        return candidate == null || candidate.isEmpty();
    }
}
