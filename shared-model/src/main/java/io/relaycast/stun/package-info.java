/**
 * STUN messages for ICE: parsing, integrity and fingerprint checks, and building.
 *
 * <ul>
 *   <li>{@link io.relaycast.stun.StunMessage}: strict parser (RFC 8489 §5 header, §6.3
 *       receive checks, §14 attribute layout: FINGERPRINT last per §14.7, nothing but
 *       FINGERPRINT after MESSAGE-INTEGRITY per §14.5), decoding of USERNAME, SOFTWARE,
 *       REALM, NONCE, (XOR-)MAPPED-ADDRESS for IPv4 and IPv6 (§14.1–14.2), ERROR-CODE
 *       (§14.8), UNKNOWN-ATTRIBUTES (§14.13) and the ICE attributes PRIORITY, USE-CANDIDATE,
 *       ICE-CONTROLLING, ICE-CONTROLLED (RFC 8445 §7.1, §16.1); unknown attributes are kept.
 *       MESSAGE-INTEGRITY verification (HMAC-SHA1, RFC 8489 §14.5) with short-term keys
 *       (§9.1.1) or long-term keys (§9.2.2, MD5 of username:realm:password) and FINGERPRINT
 *       verification (CRC-32 XOR 0x5354554E, §14.7). Also the RFC 7983 demultiplexing test.</li>
 *   <li>{@link io.relaycast.stun.StunMessageWriter}: builds Binding requests, indications,
 *       success and error responses, appending MESSAGE-INTEGRITY and FINGERPRINT last.</li>
 *   <li>{@link io.relaycast.stun.MessageIntegrityKey}: a key with its HMAC engine keyed once,
 *       held by the ICE agent that owns the credential.</li>
 * </ul>
 *
 * <p>Not implemented: MESSAGE-INTEGRITY-SHA256, USERHASH and the long-term credential
 * challenge/response of RFC 8489 §9.2 (ICE only uses short-term credentials); messages that
 * rely on them parse, and a request carrying them gets 420 from the ICE agents.
 * Verified against every RFC 5769 test vector.
 */
package io.relaycast.stun;
