package io.relaycast.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A thread that only receives: it waits on its clients' sockets, reads each datagram into a
 * {@link DatagramRing} slot the moment the kernel has it, stamps its arrival there, and wakes the
 * media loop, which does the rest (ICE, DTLS, SRTP, statistics) on its own thread.
 *
 * <p>Why a thread of its own: the media loop also sends every publisher's packets and runs the
 * clients' set-up (SDP, ICE, handing DTLS flights over). When it read the sockets itself, a burst
 * of set-up work left datagrams waiting in the kernel, and their latency measured the harness's
 * busy loop, not the server (issue 11's join storm: +181 ms client-side while the node's own
 * forwarding delay stayed under 2.5 ms). This thread sleeps in {@code select} between datagrams,
 * so the scheduler runs it as soon as one arrives, even while the loop is busy. Received
 * datagrams it cannot hand over (the ring is full: the loop has fallen behind) stay in the
 * kernel's buffer, where the harness's socket-drop count sees any overflow.
 */
final class DatagramReceiver implements Runnable {
    /** Datagrams read from one socket before the next socket gets its turn. */
    private static final int MAX_BATCH = 64;

    private record Registration(DatagramChannel channel, MediaLoop.Receiving receiver) {
    }

    final DatagramRing ring;
    /** Times this thread found the ring full and waited for the loop. */
    final AtomicLong ringFullWaits = new AtomicLong();
    private final Selector selector;
    private final Runnable published;
    private final Consumer<String> errors;
    private final ConcurrentLinkedQueue<Registration> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param published called on this thread after datagrams were published (wakes the loop)
     * @param errors    counts an error (any thread: it hands the count over to the loop)
     */
    DatagramReceiver(int ringCapacity, Runnable published, Consumer<String> errors) throws IOException {
        this.ring = new DatagramRing(ringCapacity);
        this.selector = Selector.open();
        this.published = published;
        this.errors = errors;
    }

    void start(String name) {
        thread = new Thread(this, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread: {@code channel} (non-blocking) is read here from now on, for {@code receiver}. */
    void register(DatagramChannel channel, MediaLoop.Receiving receiver) {
        pending.add(new Registration(channel, receiver));
        selector.wakeup();
    }

    /** CPU time of this thread so far in microseconds, -1 before it starts or where unsupported. */
    long threadCpuMicros() {
        return MediaLoop.cpuMicros(thread);
    }

    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        if (thread != null) {
            thread.join(5000);
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                for (Registration r = pending.poll(); r != null; r = pending.poll()) {
                    try {
                        r.channel().register(selector, SelectionKey.OP_READ, r.receiver());
                    } catch (ClosedChannelException e) {
                        // the client closed before its socket got here: nothing to read
                    }
                }
                if (selector.select() == 0) {
                    continue;
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isValid()) {
                        readBatch((DatagramChannel) key.channel(), (MediaLoop.Receiving) key.attachment());
                    }
                }
            } catch (IOException | RuntimeException e) {
                errors.accept("receiver: " + e);
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing at exit
        }
    }

    private void readBatch(DatagramChannel ch, MediaLoop.Receiving receiver) {
        for (int n = 0; n < MAX_BATCH && running; n++) {
            ByteBuffer slot = ring.claim();
            if (slot == null) {
                // The loop is behind: let it see what is here, then wait for room.
                if (ring.publish()) {
                    published.run();
                }
                ringFullWaits.incrementAndGet();
                LockSupport.parkNanos(50_000);
                n--;
                continue;
            }
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) ch.receive(slot);
            } catch (IOException e) {
                if (ch.isOpen()) {
                    errors.accept("receive: " + e.getMessage());
                }
                break;
            }
            if (from == null) {
                break;
            }
            ring.fill(System.nanoTime(), from, ch, receiver);
        }
        if (ring.publish()) {
            published.run();
        }
    }
}
