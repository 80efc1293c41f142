/**
 * Sans-IO ICE agents (RFC 8445) for one component over UDP, with consent freshness (RFC 7675).
 *
 * <ul>
 *   <li>{@link io.relaycast.ice.IceLiteAgent}: the node's side, an ICE-lite agent
 *       (RFC 8445 §2.5), always controlled. It answers authenticated Binding requests
 *       (§7.3, with RFC 8489 §6.3.1 and §9.1.3 for the 400/401/420 replies), refuses a
 *       controlled peer with 487 (§7.3.1.1), follows USE-CANDIDATE nominations (§7.3.1.5) and
 *       declares the session dead after 30 s without a valid check (RFC 7675 §5.1).
 *       {@link io.relaycast.ice.IceLiteAgent#localUfragOf} lets the node route a request to
 *       its agent by the local half of USERNAME (§7.2.2).</li>
 *   <li>{@link io.relaycast.ice.IceControllingAgent}: the load-test client's side, a minimal
 *       full agent in the controlling role with aggressive nomination: paced checks (§14.2),
 *       retransmissions (RFC 8489 §6.2.1), symmetric and authenticated responses (§7.2.5),
 *       role-conflict retries (§7.2.5.1), consent checks every 5 s ± 20 % (RFC 7675 §5.1), and
 *       answers to a full peer's checks.</li>
 *   <li>{@link io.relaycast.ice.IceCredentials}: ufrag and password, validated and generated
 *       per RFC 8839 §5.4 and RFC 8445 §5.3.</li>
 * </ul>
 *
 * <p>Not implemented, because neither side needs it here: candidate gathering (the caller
 * knows its socket), checklists with pair priorities and frozen states (§6.1.2), peer-reflexive
 * candidates learned from requests (§7.3.1.3), triggered checks (§7.3.1.4), regular
 * nomination, the controlled role for the full agent, multiple components and ICE restarts.
 */
package io.relaycast.ice;
