package io.relaycast.load;

import java.util.concurrent.CompletableFuture;

/** One simulated participant, whatever server it talks to. Methods run on the media loop thread. */
interface LoadPeer {
    void start();

    /** Media keys are installed (or, for the floor, the relay registration went out). */
    boolean connected();

    /** Whether this client sends media. */
    boolean publishes();

    long joinNanos();

    /** When the first media packet of any remote stream arrived; 0 if none yet. */
    long firstPacketNanos();

    /**
     * When each step of joining happened, for the phases in result.json: join sent, welcome,
     * answer, media transport connected (ICE and DTLS), first media packet; 0 for a step not
     * reached. Null for clients whose protocol has no such steps.
     */
    default long[] joinStepNanos() {
        return null;
    }

    /**
     * The client's own split of its "connected" step, from its transport's Connected event: ICE
     * (transport start to connectivity) and DTLS (connectivity to keys), in ns; null if not
     * connected or not known.
     */
    default long[] transportSetupNanos() {
        return null;
    }

    long sendDrops();

    /** The harness's name for this client ("r<room>p<peer>"). */
    String name();

    /** The id the server gave this client, once joined (a stream's publisher in the results); null if none. */
    default String serverPeerId() {
        return null;
    }

    /** Stops sending new media (retransmissions are still answered); the connection stays up. */
    default void stopMedia() {
    }

    void close();

    /** Completes when the goodbye messages have gone out. */
    default CompletableFuture<?> closed() {
        return CompletableFuture.completedFuture(null);
    }
}
