/**
 * Join tokens (PROTOCOL.md "Authentication"): the node's configured JWT keys, each bound to one
 * algorithm ({@link io.relaycast.node.auth.JwtKeys}), and the check a {@code join} passes before any
 * room state exists ({@link io.relaycast.node.auth.TokenVerifier}).
 */
package io.relaycast.node.auth;
