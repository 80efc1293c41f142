package io.relaycast.node.media;

import io.relaycast.rtp.RtpHeader;

import java.util.function.Consumer;

/** What the DownTrack tests share: a publisher's side that ignores requests, a sink that parses what it is sent. */
final class DownTrackFixture {
    private DownTrackFixture() {
    }

    /** The publisher's side for tests that do not look at keyframe requests or NACKs. */
    static Upstream ignoringUpstream() {
        return new Upstream() {
            @Override
            public void requestKeyframe(UpTrack track) {
            }

            @Override
            public void nack(UpTrack track, int[] sequences, int count) {
            }
        };
    }

    /** A subscriber's transport that hands each RTP packet it is sent, copied and parsed, to {@code received}. */
    static DownTrack.Sink recordingSink(Consumer<RtpHeader> received) {
        return recordingSink(received, rid -> {
        });
    }

    /** The same, and the {@code layer} messages the subscriber would be sent go to {@code layers}. */
    static DownTrack.Sink recordingSink(Consumer<RtpHeader> received, Consumer<String> layers) {
        return new DownTrack.Sink() {
            @Override
            public void sendRtp(byte[] buf, int off, int len) {
                try {
                    received.accept(new RtpHeader().wrap(buf.clone(), off, len));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }

            @Override
            public void sendRtcp(byte[] buf, int off, int len) {
            }

            @Override
            public int rtcpSenderSsrc() {
                return 1;
            }

            @Override
            public void layerChanged(DownTrack track, String rid) {
                layers.accept(rid);
            }
        };
    }
}
