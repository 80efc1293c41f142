package io.relaycast.node.media;

import io.relaycast.webrtc.DatagramOutcome;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every way a media transport drops a datagram is counted under a reason of its own kind. */
class MediaCountersTest {

    @Test
    void eachDroppingOutcomeHasItsReason() {
        assertEquals(MediaCounters.Drop.NOT_CONNECTED, MediaCounters.Drop.of(DatagramOutcome.DROPPED_NOT_CONNECTED),
                "SRTP before the keys is not an unvalidated source");
        assertEquals(MediaCounters.Drop.UNVALIDATED_SOURCE,
                MediaCounters.Drop.of(DatagramOutcome.DROPPED_UNVALIDATED_SOURCE));
        assertEquals(MediaCounters.Drop.TRANSPORT_CLOSED, MediaCounters.Drop.of(DatagramOutcome.DROPPED_CLOSED));
        assertEquals(MediaCounters.Drop.SRTP_REJECTED, MediaCounters.Drop.of(DatagramOutcome.DROPPED_SRTP_REPLAY));
        Set<MediaCounters.Drop> reached = EnumSet.noneOf(MediaCounters.Drop.class);
        for (DatagramOutcome o : DatagramOutcome.values()) {
            if (o.isDrop()) {
                reached.add(MediaCounters.Drop.of(o));
            } else {
                assertThrows(IllegalArgumentException.class, () -> MediaCounters.Drop.of(o));
            }
        }
        assertEquals(EnumSet.of(MediaCounters.Drop.UNKNOWN_PROTOCOL, MediaCounters.Drop.MALFORMED_STUN,
                MediaCounters.Drop.ICE_REJECTED, MediaCounters.Drop.UNVALIDATED_SOURCE,
                MediaCounters.Drop.NOT_CONNECTED, MediaCounters.Drop.SRTP_REJECTED,
                MediaCounters.Drop.TRANSPORT_CLOSED), reached);
    }
}
