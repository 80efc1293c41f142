package io.relaycast.node.room;

import io.relaycast.signal.PeerInfo;

/**
 * One client joined (or joining) a room on this node: identity, permissions and its signaling link.
 * Owned by its room's thread after the join is dispatched.
 */
public final class Peer {
    private final String peerId;
    private final String name;
    private final boolean canPublish;
    private final boolean canSubscribe;
    private final PeerChannel channel;

    public Peer(String peerId, String name, boolean canPublish, boolean canSubscribe, PeerChannel channel) {
        this.peerId = peerId;
        this.name = name;
        this.canPublish = canPublish;
        this.canSubscribe = canSubscribe;
        this.channel = channel;
    }

    public String peerId() {
        return peerId;
    }

    public String name() {
        return name;
    }

    public boolean canPublish() {
        return canPublish;
    }

    public boolean canSubscribe() {
        return canSubscribe;
    }

    public PeerChannel channel() {
        return channel;
    }

    public PeerInfo info() {
        return new PeerInfo(peerId, name);
    }

    @Override
    public String toString() {
        return peerId;
    }
}
