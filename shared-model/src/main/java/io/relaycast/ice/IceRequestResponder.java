package io.relaycast.ice;

import io.relaycast.stun.MessageIntegrityKey;
import io.relaycast.stun.StunClass;
import io.relaycast.stun.StunError;
import io.relaycast.stun.StunMessage;
import io.relaycast.stun.StunMessageWriter;

import java.net.InetSocketAddress;
import java.util.Queue;

/**
 * The STUN server side shared by both agents: authenticates an incoming Binding request
 * with the local short-term credentials and queues the reply (RFC 8445 §7.3, RFC 8489 §6.3.1
 * and §9.1.3).
 *
 * <p>Order of the checks, as RFC 8489 §6.3 prescribes: authentication first (400 when
 * USERNAME or MESSAGE-INTEGRITY is missing, 401 when either is wrong; these replies carry no
 * MESSAGE-INTEGRITY since the sender has not shown it knows the key), then unknown
 * comprehension-required attributes (420), then the method, then the ICE role (487); the
 * replies after authentication are signed with the local password. Every reply carries
 * FINGERPRINT, which ICE agents use to tell STUN from the media sharing the port.
 */
final class IceRequestResponder {
    private final IceCredentials local;
    private final MessageIntegrityKey localKey;
    private final String localPrefix;
    /** The peer's ufrag once signaling has delivered it; until then only the local part is checked. */
    private String remoteUfrag;

    IceRequestResponder(IceCredentials local) {
        this.local = local;
        this.localKey = MessageIntegrityKey.shortTerm(local.pwd());
        this.localPrefix = local.ufrag() + ":";
    }

    void setRemoteUfrag(String remoteUfrag) {
        this.remoteUfrag = remoteUfrag;
    }

    IceCredentials local() {
        return local;
    }

    /**
     * Handles a request (class REQUEST, fingerprint already checked) from {@code from}.
     *
     * @param roleConflict whether the request claims the same role as ours; only acted on
     *                     once the request has authenticated
     * @return {@link IceCheckOutcome#ANSWERED} when a success response was queued
     */
    IceCheckOutcome answer(StunMessage request, InetSocketAddress from, boolean roleConflict, Queue<Transmit> out) {
        // RFC 8489 §9.1.3: a request without MESSAGE-INTEGRITY or USERNAME gets 400.
        if (!request.hasMessageIntegrity() || request.username() == null) {
            out.add(unsignedError(request, from, StunError.BAD_REQUEST));
            return IceCheckOutcome.REJECTED_BAD_REQUEST;
        }
        // RFC 8445 §7.3 / RFC 8489 §9.1.3: USERNAME must be "localUfrag:remoteUfrag", else 401.
        if (!usernameMatches(request.username())) {
            out.add(unsignedError(request, from, StunError.UNAUTHENTICATED));
            return IceCheckOutcome.REJECTED_UNAUTHENTICATED;
        }
        if (!request.verifyMessageIntegrity(localKey)) {
            out.add(unsignedError(request, from, StunError.UNAUTHENTICATED));
            return IceCheckOutcome.REJECTED_UNAUTHENTICATED;
        }
        // RFC 8489 §6.3.1.1: after authentication, unknown comprehension-required attributes → 420.
        int[] unknown = request.unknownComprehensionRequired();
        if (unknown.length > 0) {
            out.add(signed(errorFor(request, StunError.UNKNOWN_ATTRIBUTE)
                    .unknownAttributes(unknown), from));
            return IceCheckOutcome.REJECTED_UNKNOWN_ATTRIBUTE;
        }
        if (request.method() != StunMessage.BINDING) {
            // ICE only defines Binding; anything else is a request this server cannot serve.
            out.add(signed(errorFor(request, StunError.BAD_REQUEST), from));
            return IceCheckOutcome.REJECTED_BAD_REQUEST;
        }
        if (roleConflict) {
            out.add(signed(errorFor(request, StunError.ROLE_CONFLICT), from));
            return IceCheckOutcome.REJECTED_ROLE_CONFLICT;
        }
        // RFC 8445 §7.3.1.2 / RFC 8489 §6.3.1.1: success with XOR-MAPPED-ADDRESS = the source
        // of the request, so the peer learns its (server-)reflexive address.
        out.add(signed(StunMessageWriter.bindingSuccess(request.transactionId()).xorMappedAddress(from), from));
        return IceCheckOutcome.ANSWERED;
    }

    private boolean usernameMatches(String username) {
        if (remoteUfrag != null) {
            return username.length() == localPrefix.length() + remoteUfrag.length()
                    && username.startsWith(localPrefix) && username.endsWith(remoteUfrag);
        }
        // RFC 8445 §7.3: a check may arrive before the answer carrying the remote ufrag; the
        // local part and the password still authenticate it.
        return username.length() > localPrefix.length() && username.startsWith(localPrefix);
    }

    private Transmit signed(StunMessageWriter writer, InetSocketAddress to) {
        return new Transmit(to, writer.messageIntegrity(localKey).fingerprint().toByteArray());
    }

    private static Transmit unsignedError(StunMessage request, InetSocketAddress to, int code) {
        byte[] data = errorFor(request, code).fingerprint().toByteArray();
        return new Transmit(to, data);
    }

    /** RFC 8489 §6.3.1.1: an error response has the request's method and transaction ID. */
    private static StunMessageWriter errorFor(StunMessage request, int code) {
        return new StunMessageWriter(StunClass.ERROR_RESPONSE, request.method(), request.transactionId())
                .errorCode(code, StunError.defaultReason(code));
    }

    /** The local ufrag part of an ICE USERNAME ("local:remote"), or null if there is no ':'. */
    static String localPart(String username) {
        if (username == null) {
            return null;
        }
        int colon = username.indexOf(':');
        return colon < 0 ? null : username.substring(0, colon);
    }
}
