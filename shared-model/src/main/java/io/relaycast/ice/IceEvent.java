package io.relaycast.ice;

import java.net.InetSocketAddress;

/** What an ICE agent reports through {@code pollEvent()}. */
public sealed interface IceEvent {

    /** A candidate pair was nominated: media may flow to and from {@code address}. */
    record Selected(InetSocketAddress address) implements IceEvent {
    }

    /**
     * The peer nominated a different address for the same session, as a controlling peer does
     * after a NAT rebinding or a network change. The agent follows the latest valid
     * nomination; from now on only {@code current} counts as validated.
     */
    record AddressChanged(InetSocketAddress previous, InetSocketAddress current) implements IceEvent {
    }

    /** Consent expired: no valid check or response for 30 s (RFC 7675 §5.1). Terminal. */
    record Dead() implements IceEvent {
    }

    /** Every remote candidate failed its connectivity check (RFC 8445 §8.1.2). Terminal. */
    record Failed() implements IceEvent {
    }
}
