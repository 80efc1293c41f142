package io.relaycast.signal;

/** A room member as the protocol shows it: {@code {peerId, name}}. */
public record PeerInfo(String peerId, String name) {
}
