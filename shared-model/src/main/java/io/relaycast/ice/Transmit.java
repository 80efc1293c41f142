package io.relaycast.ice;

import java.net.InetSocketAddress;

/**
 * A datagram an agent wants sent. The array belongs to the receiver of this record: the
 * agent keeps no reference to it.
 */
public record Transmit(InetSocketAddress to, byte[] data) {
}
