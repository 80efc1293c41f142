package io.relaycast.load;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datagrams on their way from one {@link DatagramReceiver} thread to the media loop: a
 * single-producer, single-consumer ring of preallocated slots, each with the arrival time the
 * receiving thread read off the clock when the kernel handed the datagram over. The slots are
 * reused, so nothing is allocated per datagram beyond what {@link DatagramChannel#receive} does.
 *
 * <p>Ordering: the producer fills slots, then publishes them with one volatile write of
 * {@code tail}; the consumer reads {@code tail}, then the slots, then frees them with a write of
 * {@code head}. Those two counters are the only shared state.
 */
final class DatagramRing {
    /** Larger than any datagram the harness receives (RTP of at most 1200 bytes, DTLS flights). */
    static final int SLOT_BYTES = 2048;

    private final int mask;
    private final byte[][] data;
    private final ByteBuffer[] buffers;
    private final int[] length;
    private final long[] arrival;
    private final InetSocketAddress[] from;
    private final DatagramChannel[] channel;
    private final MediaLoop.Receiving[] to;
    /** Next slot the consumer reads. */
    private final AtomicLong head = new AtomicLong();
    /** Next slot the producer fills; slots below it are published. */
    private final AtomicLong tail = new AtomicLong();
    /** Producer only: slots filled since the last {@link #publish}. */
    private long filled;

    DatagramRing(int capacity) {
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacity);
        }
        mask = capacity - 1;
        data = new byte[capacity][SLOT_BYTES];
        buffers = new ByteBuffer[capacity];
        for (int i = 0; i < capacity; i++) {
            buffers[i] = ByteBuffer.wrap(data[i]);
        }
        length = new int[capacity];
        arrival = new long[capacity];
        from = new InetSocketAddress[capacity];
        channel = new DatagramChannel[capacity];
        to = new MediaLoop.Receiving[capacity];
    }

    int capacity() {
        return mask + 1;
    }

    // ------------------------------------------------------------------ producer

    /** Producer: a free slot's buffer, cleared, to receive into; null when the ring is full. */
    ByteBuffer claim() {
        long t = tail.get() + filled;
        if (t - head.get() > mask) {
            return null;
        }
        ByteBuffer b = buffers[(int) (t & mask)];
        b.clear();
        return b;
    }

    /** Producer: the claimed slot holds a datagram now (its length is the buffer's position). */
    void fill(long arrivalNanos, InetSocketAddress sender, DatagramChannel ch, MediaLoop.Receiving receiver) {
        int i = (int) ((tail.get() + filled) & mask);
        length[i] = buffers[i].position();
        arrival[i] = arrivalNanos;
        from[i] = sender;
        channel[i] = ch;
        to[i] = receiver;
        filled++;
    }

    /** Producer: makes the filled slots visible to the consumer; true if there were any. */
    boolean publish() {
        if (filled == 0) {
            return false;
        }
        tail.set(tail.get() + filled);
        filled = 0;
        return true;
    }

    // ------------------------------------------------------------------ consumer

    boolean isEmpty() {
        return head.get() == tail.get();
    }

    /**
     * Consumer: hands up to {@code max} published datagrams to their receivers, oldest first, and
     * frees their slots. A datagram whose channel was closed meanwhile (its client is gone) is
     * skipped. Returns how many slots were consumed.
     */
    int drain(int max) {
        long h = head.get();
        long available = tail.get() - h;
        int n = (int) Math.min(available, max);
        for (int k = 0; k < n; k++) {
            int i = (int) ((h + k) & mask);
            try {
                if (channel[i].isOpen()) {
                    to[i].onDatagram(arrival[i], from[i], data[i], length[i]);
                }
            } finally {
                from[i] = null;
                channel[i] = null;
                to[i] = null;
                head.lazySet(h + k + 1);
            }
        }
        return n;
    }
}
