package io.relaycast.node.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.relaycast.node.room.Room;
import io.relaycast.node.room.RoomManager;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

import org.junit.jupiter.api.Test;

/**
 * relaycast_rooms counts each room this node takes part in once. A room closes on its worker's
 * thread in two steps (it marks itself closed, cleans its relay links, then tells the manager),
 * and a join on the signaling thread can land between them: the manager then replaces the closed
 * part with a new one. The single-threaded simulation never reaches that window, so this test
 * opens it by hand on a simulated node.
 */
class RoomsGaugeTest {

    @Test
    void aJoinBetweenARoomClosingAndItsManagerHearingOfItCountsTheRoomOnce() throws Exception {
        Sim sim = new Sim(1);
        SimNode node = new SimNode(sim, new SimNetwork(sim), new SimBus(sim), new SimMembership(sim), 0, 0, 1, 50);
        Room first = node.rooms.roomForJoin("r");
        assertEquals(1, node.metrics.rooms().get());

        Field closed = Room.class.getDeclaredField("closed");
        closed.setAccessible(true);
        closed.setBoolean(first, true); // the worker is inside Room.close(), before manager.closed(room)
        assertTrue(first.isClosed());

        Room second = node.rooms.roomForJoin("r");
        assertNotSame(first, second, "a join never goes to a closed room");
        assertEquals(1, node.metrics.rooms().get(), "the same room on this node, counted once");

        Method managerClosed = RoomManager.class.getDeclaredMethod("closed", Room.class);
        managerClosed.setAccessible(true);
        managerClosed.invoke(node.rooms, first); // close() reaches its last step
        assertEquals(1, node.metrics.rooms().get(), "the new part is still open");
    }
}
