/**
 * One WebRTC media transport composed from the protocol packages, as Pion's {@code webrtc}
 * module only composes its protocol modules (see DESIGN.md): {@code ice} for connectivity and
 * consent, {@code dtls} for the handshake and the SRTP keys, {@code srtp} for media protection.
 *
 * <ul>
 *   <li>{@link io.relaycast.webrtc.MediaTransport}: ICE + DTLS-SRTP + SRTP on one BUNDLE /
 *       rtcp-mux 5-tuple, as server (ICE-lite, DTLS server: the node) or client (controlling ICE,
 *       DTLS client: load-test clients). One input for every datagram, demultiplexed per RFC 7983
 *       §7 and RFC 5761 §4; STUN and DTLS output polled with destinations; media protected and
 *       unprotected in place.</li>
 *   <li>{@link io.relaycast.webrtc.DatagramOutcome}: what became of a datagram, and the counter
 *       per drop reason.</li>
 *   <li>{@link io.relaycast.webrtc.MediaTransportEvent}: address selection and changes,
 *       {@code Connected}, and a single terminal {@code Closed} with its
 *       {@link io.relaycast.webrtc.CloseReason}.</li>
 *   <li>{@link io.relaycast.webrtc.DtlsSetup}: the certificate, handshake pool and SRTP profiles
 *       that all transports of a process share.</li>
 * </ul>
 *
 * <p>Order of things on one transport: ICE selects an address (the lite server on the first
 * check with USE-CANDIDATE, the client on the first authenticated response), which starts the
 * DTLS handshake over that address only (RFC 8842 §5); its exported keys (RFC 5764 §4.2) make two
 * SRTP contexts, one per direction. ICE consent loss, ICE failure, DTLS failure, the peer's
 * close_notify or {@code close()} end the whole transport once.
 *
 * <p>Not here, because neither side needs it yet: data channels (SCTP over DTLS), ICE restarts,
 * re-keying, several transports without BUNDLE, RTCP-mux-less sessions (RFC 8858 makes
 * rtcp-mux mandatory for the node's peers anyway).
 */
package io.relaycast.webrtc;
