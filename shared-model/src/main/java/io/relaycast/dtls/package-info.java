/**
 * DTLS-SRTP for WebRTC: the DTLS 1.2 handshake (RFC 6347) that authenticates the peers by the
 * certificate fingerprints of their SDP (RFC 8122 §5, RFC 8827 §6.5, RFC 8842 §5) and exports the
 * SRTP master keys (RFC 5764 §4.2), built on BouncyCastle bctls 1.84.
 *
 * <h2>Pieces</h2>
 * <ul>
 *   <li>{@link io.relaycast.dtls.DtlsCertificate}: one self-signed ECDSA P-256 certificate per
 *       process; {@link io.relaycast.dtls.DtlsFingerprint}: the {@code a=fingerprint} value.</li>
 *   <li>{@link io.relaycast.dtls.DtlsEndpoint}: one association, client or server, in the engine
 *       shape of every Relaycast protocol package (inputs through {@code handleXxx(nowNanos, ...)},
 *       outputs polled, {@code nextTimeoutNanos()}).</li>
 *   <li>{@link io.relaycast.dtls.DtlsHandshakePool}: the bounded threads BouncyCastle runs on.</li>
 *   <li>{@link io.relaycast.dtls.DtlsSrtpKeys}: the exported keys split per RFC 5764 §4.2.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * BouncyCastle's DTLS API is blocking: {@code DTLSClientProtocol.connect} and
 * {@code DTLSServerProtocol.accept} run the whole handshake on the calling thread, reading from
 * and writing to a {@code DatagramTransport}. It must not run on an event loop, so every endpoint
 * borrows a thread of a {@code DtlsHandshakePool} for its handshake, and the endpoint's private
 * transport bridges that thread and the caller: {@code send} queues datagrams for
 * {@code pollTransmit()} and runs the caller's {@code wakeup}; {@code receive} takes records that
 * {@code handleDatagram} vetted, split and queued (bounded; excess, malformed and oversized
 * datagrams are dropped and counted). A server borrows its thread only when the first datagram
 * arrives. After the handshake the thread goes back to the pool; a later DTLS record (a peer
 * retransmitting its last flight because our Finished was lost, which BouncyCastle answers inside
 * {@code DTLSTransport.receive} as RFC 6347 §4.2.4 requires, or a close_notify) or a
 * {@code close()} borrows a thread for about a millisecond. {@code close()} during the handshake
 * makes the blocked {@code receive} cancel the handshake through BouncyCastle's close handle
 * (user_canceled and close_notify, RFC 5246 §7.2.2), so the thread returns at once; closing the
 * pool interrupts it. Nothing else in the package starts or blocks a thread.
 *
 * <h2>Clock</h2>
 * What bctls 1.84 does with time (read in its sources):
 * <ul>
 *   <li>{@code DTLSReliableHandshake.implReceiveMessage} keeps a resend {@code Timeout} and an
 *       overall handshake {@code Timeout}, both on {@code System.currentTimeMillis()}. It calls
 *       {@code DTLSRecordLayer.receive(..., waitMillis)} with the time left; when that returns
 *       -1 it resends its last flight ({@code resendOutboundFlight}) and doubles the resend time
 *       (up to 60 s). The initial value is the peer's {@code getHandshakeResendTimeMillis()} and
 *       the overall one {@code getHandshakeTimeoutMillis()} (0 = none).</li>
 *   <li>{@code DTLSRecordLayer.receive} loops until a record yields data or its own wall-clock
 *       {@code Timeout(waitMillis)} has run out; a transport that returns -1 early is simply
 *       called again. It also returns -1, once that wait is over, after any record it swallows
 *       (ChangeCipherSpec, an alert, a duplicate, a record of another epoch), so BouncyCastle also
 *       resends "on its own" whenever such a record arrives late enough in wall-clock time.</li>
 *   <li>After the handshake it keeps the retransmission responder for 4 minutes of wall-clock
 *       time ({@code RETRANSMIT_TIMEOUT}); heartbeats, also wall-clock, are not enabled here.</li>
 * </ul>
 * What the endpoint does with it, so that the caller's clock alone decides:
 * <ul>
 *   <li>The peers return 1 ms from {@code getHandshakeResendTimeMillis()} and 0 from
 *       {@code getHandshakeTimeoutMillis()}. BouncyCastle's resend timer has therefore always
 *       run out (or runs out within its few backed-off milliseconds) when the caller asks for a
 *       resend, and it has no overall timeout of its own.</li>
 *   <li>The RFC 6347 §4.2.4.1 timer (1 s, doubling, 60 s cap) and the 30 s overall handshake
 *       timeout run on the caller's {@code nowNanos} ({@link io.relaycast.dtls.RetransmitTimer}).
 *       A flight's timer starts at the caller's first clock reading after the flight was queued
 *       ({@code nextTimeoutNanos()} asks for one at once), not at the input that caused it: the
 *       handshake thread may produce a flight long after that input (waiting for a core in a
 *       join burst), and timed from it the flight would be resent as soon as it left.
 *       {@code nextTimeoutNanos()} exposes the deadline; when {@code handleTimeout(now)} passes
 *       it, the transport's {@code receive} returns -1 (after letting BouncyCastle's own
 *       remaining wait elapse, normally nothing), which is what makes BouncyCastle resend. The
 *       overall timeout makes {@code receive} throw {@code TlsTimeoutException}.</li>
 *   <li>Otherwise {@code receive} blocks until input, the caller's timeout or {@code close()};
 *       BouncyCastle's wall-clock wait passing changes nothing.</li>
 *   <li>During the handshake the transport classifies what BouncyCastle sends between two
 *       {@code receive} calls: a new flight (a handshake message_seq never sent before, RFC 6347
 *       §4.2.2, or the first ChangeCipherSpec), a resend following a caller timeout, or a resend
 *       BouncyCastle decided on its own wall clock. The last kind is dropped and counted
 *       ({@code suppressedRetransmissions}). Since the transport cannot tell such a resend from
 *       one BouncyCastle makes because the peer retransmitted its previous flight, that reply is
 *       dropped too: during the handshake a lost flight of ours is repaired by our own timer,
 *       which runs from the same flight, rather than at once as RFC 6347 §4.2.4's state machine
 *       would. Once the handshake is over nothing is suppressed, so the final-flight responder
 *       RFC 6347 §4.2.4 requires works unchanged. This makes what
 *       reaches the network a function of the inputs and the caller's clock only: the simulation
 *       tests replay the same seed to the same schedule, faster than real time.</li>
 * </ul>
 * What BouncyCastle still does on its own clock: the few milliseconds of wall-clock waiting
 * described above (its backoff of the 1 ms resend value; 1 ms per post-handshake record service
 * call, the shortest wait {@code DTLSTransport.receive} accepts), the 4-minute life of its
 * retransmission responder, and how often it tries to resend on its own (only the counter shows
 * that).
 *
 * <h2>Robustness beyond BouncyCastle</h2>
 * bctls 1.84 reads one epoch at a time, so the transport reorders a reordered flight during the
 * handshake ({@link io.relaycast.dtls.InboundRecordOrder}). It also answers a few malformed
 * records with a fatal alert or an unchecked exception (a too-short encrypted record, the
 * reserved record version {254, 254}, a handshake fragment announcing a 16 MiB message), where
 * RFC 6347 §4.1.2.7 says to discard them; {@link io.relaycast.dtls.DtlsRecords} and the
 * transport drop those before BouncyCastle sees them.
 */
package io.relaycast.dtls;
