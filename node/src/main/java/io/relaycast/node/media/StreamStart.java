package io.relaycast.node.media;

/**
 * Where one consumer's copy of a published stream begins (a subscriber's first packet, a splice
 * onto another layer, a relay to another node), in the publisher's sequence numbers, and the rule
 * that follows from it: packets numbered before the start belong to a stream the consumer never
 * had, and are not passed on when they arrive late.
 *
 * <p>Why it matters: packets reach a track out of order, mostly as repairs (the node's RTX for a
 * packet lost on the publisher's uplink, forwarded once when it comes) and sometimes reordered. A
 * consumer that joins between a loss and its repair would otherwise get the repair as its first
 * packet, and its receiver, counting from there (RFC 3550 §A.1), would take every packet sent
 * between the two, before the consumer existed, for lost. So a consumer starts only on a packet
 * newer than any the track had forwarded, and drops what is older than its start.
 *
 * <p>In 16-bit arithmetic a packet 32 768 after the start looks older than it, so the rule is
 * kept only for {@value #GUARD_PACKETS} packets (seconds of any stream): nothing from before the
 * start can still arrive by then. Not thread-safe: used on the track's worker thread.
 */
public final class StreamStart {
    /** How far past the start packets from before it are still watched for. */
    static final int GUARD_PACKETS = 4096;

    private boolean started;
    private boolean guarding;
    private int seq;

    /**
     * Whether the packet numbered {@code seq} is passed on; the first packet that is not
     * {@code late} (older than one the track forwarded already) becomes the start.
     */
    public boolean admit(int seq, boolean late) {
        if (!started) {
            if (late) {
                return false;
            }
            restartAt(seq);
            return true;
        }
        if (!guarding) {
            return true;
        }
        int since = (seq - this.seq) & 0xffff;
        if ((since & 0x8000) != 0) {
            return false;
        }
        if (since > GUARD_PACKETS) {
            guarding = false;
        }
        return true;
    }

    /** The stream starts again at {@code seq} (a splice, a resume): older packets are dropped from now. */
    public void restartAt(int seq) {
        this.seq = seq & 0xffff;
        started = true;
        guarding = true;
    }

    /** Whether {@code seq} is from before the start (no state changes: for NACK lookups). */
    public boolean isBefore(int seq) {
        return guarding && ((seq - this.seq) & 0x8000) != 0;
    }
}
