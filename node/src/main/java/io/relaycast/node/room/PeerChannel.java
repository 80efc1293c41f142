package io.relaycast.node.room;

import io.relaycast.signal.ServerMessage;

/**
 * The signaling link to one client as a room sees it. Implementations must accept calls from any
 * thread (a room runs on its media worker's thread, not the WebSocket's).
 */
public interface PeerChannel {

    /** Sends one message to the client. */
    void send(ServerMessage message);

    /** Closes the link with a WebSocket close code, after everything sent so far. */
    void close(int code, String reason);

    /** Called by the room when it refused the join, so the link returns to its not-joined state. */
    void joinRefused();

    /**
     * Called on the room's thread just before its {@code welcome}: the room (the part of it on one
     * media worker, see RoomManager) that the peer is now in.
     */
    default void admitted(Room room) {
    }
}
