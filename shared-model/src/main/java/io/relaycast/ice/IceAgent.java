package io.relaycast.ice;

import io.relaycast.stun.StunMessage;

import java.net.InetSocketAddress;

/**
 * What both ICE roles offer a transport that composes them (RFC 8445): STUN in, timeouts,
 * datagrams and events out, in the engine shape of the protocol core.
 */
public interface IceAgent {

    /** Handles one parsed STUN message received from {@code from}; replies and events are queued. */
    IceCheckOutcome handleStun(long nowNanos, InetSocketAddress from, StunMessage message);

    void handleTimeout(long nowNanos);

    /** The next deadline, or {@link Long#MAX_VALUE}. */
    long nextTimeoutNanos();

    /** The next datagram to send, or null. */
    Transmit pollTransmit();

    /** The next event, or null. */
    IceEvent pollEvent();

    /** Whether datagrams from {@code address} are accepted: it passed ICE (RFC 8445 §7.3, RFC 7675). */
    boolean isValidated(InetSocketAddress address);

    /** How many messages ended with {@code outcome}. */
    long count(IceCheckOutcome outcome);

    IceCredentials localCredentials();

    /** The peer's credentials, or null before they are known. */
    IceCredentials remoteCredentials();
}
