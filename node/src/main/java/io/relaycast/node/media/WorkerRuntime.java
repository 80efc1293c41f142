package io.relaycast.node.media;

import java.net.InetSocketAddress;

/**
 * What a {@link MediaWorker} runs on: one thread with its clock and timers, and one UDP socket.
 * The node runs workers on Vert.x event loops with a Netty socket ({@link MediaWorkerVerticle});
 * the deterministic simulation (issue 12) runs them on a virtual clock with a simulated network.
 * The worker never reads a clock, starts a timer or touches a socket except through this.
 *
 * <p>Every method but {@link #execute} is called on the worker's thread only.
 */
public interface WorkerRuntime {

    /** The worker's monotonic clock. */
    long nowNanos();

    /** Any thread: runs {@code task} on the worker's thread, after what is already queued there. */
    void execute(Runnable task);

    /** Runs {@code task} every {@code millis} until cancelled; returns the timer id. */
    long every(long millis, Runnable task);

    /** Runs {@code task} once after {@code millis}. */
    void later(long millis, Runnable task);

    void cancel(long timerId);

    /** Queues a datagram; it leaves at the next {@link #flush} at the latest. */
    void send(InetSocketAddress to, byte[] data, int off, int len);

    /** Sends what {@link #send} queued. */
    void flush();
}
