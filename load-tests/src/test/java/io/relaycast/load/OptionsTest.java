package io.relaycast.load;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OptionsTest {

    @Test
    void serverHostsOfEveryTargetsUrlForm() throws Exception {
        Options relaycast = Options.parse(new String[] {"--url", "http://127.0.0.1:13001,http://10.78.0.2:3000/"});
        assertEquals(List.of("127.0.0.1", "10.78.0.2"), relaycast.serverHosts());
        Options floor = Options.parse(new String[] {"--target", "floor", "--url", "127.0.0.1:5600"});
        assertEquals(List.of("127.0.0.1"), floor.serverHosts());
        Options janus = Options.parse(new String[] {"--target", "janus", "--url", "http://127.0.0.1:8088/janus"});
        assertEquals(List.of("127.0.0.1"), janus.serverHosts());
    }

    @Test
    void aStormIsWholeRoomsOfJoinersAfterCallsInProgress() throws Exception {
        Options o = Options.parse(new String[] {"--rooms", "10", "--peers", "5", "--storm", "50", "--storm-seconds", "2"});
        org.junit.jupiter.api.Assertions.assertEquals(10, o.stormRooms());
        org.junit.jupiter.api.Assertions.assertEquals(10, o.stormAfterSeconds);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--peers", "5", "--storm", "52"}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--peers", "5", "--storm", "50", "--ramp"}));
    }

    @Test
    void prewarmAndReceivingThreadsHaveSaneBounds() throws Exception {
        Options o = Options.parse(new String[] {"--prewarm", "60", "--receive-threads", "2"});
        assertEquals(60, o.prewarmSeconds);
        assertEquals(2, o.receiveThreads);
        Options d = Options.parse(new String[] {});
        assertEquals(0, d.prewarmSeconds);
        assertEquals(1, d.receiveThreads);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--prewarm", "-1"}));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--receive-threads", "0"}));
    }
}
