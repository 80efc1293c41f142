/**
 * WHIP (RFC 9725) ingest and WHEP playback over HTTP (OPERATIONS.md "WHIP and WHEP"). A WHIP
 * publisher is a room member whose signaling link is an HTTP resource instead of a WebSocket
 * ({@link io.relaycast.node.whip.HttpPeerSession}); a WHEP viewer is a session that plays one
 * member's tracks without being a member. {@link io.relaycast.node.whip.WhipEndpoints} maps the
 * HTTP exchanges (POST offer, PATCH trickle, DELETE) onto the room's thread;
 * {@link io.relaycast.node.whip.TrickleFragment} reads RFC 8840 SDP fragments.
 */
package io.relaycast.node.whip;
