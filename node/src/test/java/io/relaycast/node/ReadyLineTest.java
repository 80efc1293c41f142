package io.relaycast.node;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The node's ready line says what is true of it, and where to point a browser (issue 15). */
class ReadyLineTest {

    @Test
    void onlyAnUnclusteredNodeWithoutTokensCallsItselfDevMode() {
        assertEquals("dev mode: single node, no tokens", RelaycastNode.mode(false, false));
        assertEquals("single node, tokens required", RelaycastNode.mode(false, true));
        assertEquals("clustered, no tokens: anyone may join", RelaycastNode.mode(true, false));
        assertEquals("clustered, tokens required", RelaycastNode.mode(true, true));
    }

    @Test
    void aWildcardListenerIsOpenedOnLoopbackAndAnyOtherOnItsOwnAddress() {
        assertEquals("http://127.0.0.1:3000/", RelaycastNode.urlToOpen("0.0.0.0", 3000));
        assertEquals("http://[::1]:3000/", RelaycastNode.urlToOpen("::", 3000));
        assertEquals("http://127.0.0.1:3001/", RelaycastNode.urlToOpen("127.0.0.1", 3001));
        assertEquals("http://192.0.2.10:80/", RelaycastNode.urlToOpen("192.0.2.10", 80));
        assertEquals("http://[2001:db8::1]:3000/", RelaycastNode.urlToOpen("2001:db8::1", 3000));
    }
}
