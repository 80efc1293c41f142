/**
 * The signaling messages of Relaycast protocol version 1 (../shared/PROTOCOL.md) as
 * Jackson-mapped records, and the codec that turns WebSocket text frames into them.
 *
 * <p>Both directions are here so that the node and the load-test clients share one definition:
 * {@link io.relaycast.signal.ClientMessage} (join, offer, answer, iceCandidate, leave, ping) and
 * {@link io.relaycast.signal.ServerMessage} (welcome, answer, offer, iceCandidate, peerJoined,
 * peerLeft, pong, error). Decoding validates every field the protocol constrains and reports
 * failures as a {@link io.relaycast.signal.SignalException} carrying the protocol's error code,
 * so the node can answer with {@code error{code, message}} without further interpretation.
 */
package io.relaycast.signal;
