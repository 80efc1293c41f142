package io.relaycast.dtls;

import java.util.Objects;

/** What a {@link DtlsEndpoint} reports through {@code pollEvent()}. */
public sealed interface DtlsEvent permits DtlsEvent.Connected, DtlsEvent.Failed, DtlsEvent.Closed {

    /** The handshake completed and the peer's certificate matched the expected fingerprint. */
    record Connected(DtlsSrtpKeys keys) implements DtlsEvent {
        public Connected {
            Objects.requireNonNull(keys, "keys");
        }
    }

    /** The handshake or the connection failed; terminal. {@code reason} is for logs, not for parsing. */
    record Failed(String reason) implements DtlsEvent {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The association ended: the peer sent close_notify, or {@code close()} was called. Terminal. */
    record Closed() implements DtlsEvent {
    }
}
