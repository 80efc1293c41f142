/**
 * SDP for WebRTC: parse browser offers and answers, build the node's own, and check what the
 * node can accept.
 *
 * <p>{@link io.relaycast.sdp.SessionDescription#parse} reads a description into an immutable
 * model whose ordered lines are the source of truth: {@code write()} gives back exactly the
 * text read (CRLF line endings), attributes this package does not model included. Typed views
 * sit on top: codecs assembled from rtpmap/fmtp/rtcp-fb, header extensions, msid, SSRCs, rids,
 * simulcast, ICE candidates, BUNDLE groups and the ICE/DTLS transport attributes.
 * {@link io.relaycast.sdp.SessionDescriptionBuilder} and
 * {@link io.relaycast.sdp.MediaDescriptionBuilder} make new descriptions with typed calls, in
 * the attribute order browsers write. {@link io.relaycast.sdp.SdpValidator} rejects offers and
 * answers a Relaycast peer cannot use. Every malformed input ends in
 * {@link io.relaycast.sdp.SdpException} with a line number; {@link io.relaycast.sdp.SdpLimits}
 * bounds the size of what is parsed.
 *
 * <p>Specifications:
 * <ul>
 *   <li>RFC 8866 — SDP: Session Description Protocol (line grammar and order, rtpmap, fmtp, direction)</li>
 *   <li>RFC 8829 — JSEP (what browsers write; §5.8: reject any line that does not parse)</li>
 *   <li>RFC 3264 — the offer/answer model; RFC 3551 §6 — static RTP payload types</li>
 *   <li>RFC 8843 — BUNDLE ({@code a=group:BUNDLE}, {@code a=bundle-only}, tagged m-line, payload types)</li>
 *   <li>RFC 5888 — SDP grouping framework ({@code a=mid}, {@code a=group})</li>
 *   <li>RFC 8839 — SDP for ICE (candidates, ufrag/pwd, ice-options, ice-lite);
 *       RFC 8840 — trickle ICE ({@code a=end-of-candidates}); RFC 6544 — TCP candidates</li>
 *   <li>RFC 8842 — SDP for DTLS ({@code a=setup}, {@code a=fingerprint}); RFC 8122 — fingerprint;
 *       RFC 4145 — setup roles</li>
 *   <li>RFC 8285 — RTP header extensions ({@code a=extmap}, {@code a=extmap-allow-mixed})</li>
 *   <li>RFC 8853 — simulcast; RFC 8851 — rid</li>
 *   <li>RFC 5576 — source-specific attributes ({@code a=ssrc}, {@code a=ssrc-group});
 *       RFC 4588 — RTX ({@code apt}, FID)</li>
 *   <li>RFC 8830 — msid</li>
 *   <li>RFC 4585 — RTCP feedback ({@code a=rtcp-fb}); RFC 5104 — ccm fir;
 *       RFC 5761 — rtcp-mux; RFC 5506 — rtcp-rsize; RFC 8858 — rtcp-mux-only</li>
 *   <li>RFC 8841 — SDP for data channels ({@code a=sctp-port}, {@code a=max-message-size}, kept as text)</li>
 * </ul>
 */
package io.relaycast.sdp;
