package io.relaycast.stun;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.zip.CRC32;

/**
 * A parsed STUN message (RFC 8489 §5, §14; RFC 8445 §16 for the ICE attributes).
 *
 * <p>{@link #parse} checks the structure strictly and decodes every attribute it understands;
 * any defect ends in {@link StunException}. The message keeps a private copy of its bytes:
 * STUN is off the forwarding path, and the copy frees the caller to reuse its receive buffer
 * while the message is still being routed to the ICE agent that owns it, which needs the raw
 * bytes for {@link #verifyMessageIntegrity} and {@link #verifyFingerprint}.
 *
 * <p>Instances are immutable and may be shared between threads; only
 * {@link MessageIntegrityKey} objects passed in are single-owner.
 */
public final class StunMessage {
    /** Size of the fixed header. */
    public static final int HEADER_LENGTH = 20;
    /** RFC 8489 §5. */
    public static final int MAGIC_COOKIE = 0x2112A442;
    /** The Binding method (RFC 8489 §18.2), the only one ICE uses. */
    public static final int BINDING = 0x001;
    /** RFC 8489 §14.7: the CRC-32 is XORed with this so STUN is told apart from other CRC'd payloads. */
    static final int FINGERPRINT_XOR = 0x5354554E;
    static final int FINGERPRINT_LENGTH = 4;

    // RFC 5389 §15.3, §15.7, §15.8, §15.10 / RFC 8489 §14: byte limits of the string attributes.
    static final int MAX_USERNAME_BYTES = 512;
    static final int MAX_TEXT_BYTES = 763;

    private final byte[] raw;
    private final int method;
    private final StunClass stunClass;
    private final TransactionId transactionId;
    private final List<StunAttribute> attributes;
    /** Offset of the MESSAGE-INTEGRITY attribute header, or -1. */
    private final int integrityOffset;
    /** Offset of the FINGERPRINT attribute header, or -1. */
    private final int fingerprintOffset;

    private String username;
    private String software;
    private String realm;
    private String nonce;
    private long priority = -1;
    private boolean useCandidate;
    private boolean hasIceControlling;
    private long iceControlling;
    private boolean hasIceControlled;
    private long iceControlled;
    private InetSocketAddress xorMappedAddress;
    private InetSocketAddress mappedAddress;
    private StunError error;
    private int[] reportedUnknownAttributes;
    private final int[] unknownComprehensionRequired;

    private StunMessage(byte[] raw) throws StunException {
        this.raw = raw;
        int type = u16(raw, 0);
        // RFC 8489 §5: method bits M0-M3, M4-M6, M7-M11 are interleaved with C0 (bit 4) and C1 (bit 8).
        this.method = (type & 0x000F) | ((type & 0x00E0) >>> 1) | ((type & 0x3E00) >>> 2);
        this.stunClass = StunClass.ofBits(((type >>> 4) & 0b01) | ((type >>> 7) & 0b10));
        this.transactionId = TransactionId.of(raw, 8);

        List<StunAttribute> list = new ArrayList<>();
        List<Integer> unknown = new ArrayList<>();
        int integrity = -1;
        int integritySha256 = -1;
        int fingerprint = -1;
        int pos = HEADER_LENGTH;
        while (pos < raw.length) {
            if (raw.length - pos < 4) {
                throw new StunException("truncated attribute header at " + pos);
            }
            int attrType = u16(raw, pos);
            int attrLength = u16(raw, pos + 2);
            int padded = (attrLength + 3) & ~3;
            if (padded > raw.length - pos - 4) {
                throw new StunException("attribute " + StunAttributeType.name(attrType) + " overruns the message");
            }
            // RFC 8489 §14.7: FINGERPRINT is always the last attribute.
            if (fingerprint >= 0) {
                throw new StunException("attribute after FINGERPRINT");
            }
            // RFC 8489 §14.5, §14.6: after MESSAGE-INTEGRITY only MESSAGE-INTEGRITY-SHA256 and
            // FINGERPRINT may follow, and after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT. The
            // RFC lets receivers ignore anything else there; we refuse it, since nothing a
            // conforming peer sends can land there and ignoring it would let unauthenticated
            // bytes ride along with an authenticated message.
            if (integritySha256 >= 0 && attrType != StunAttributeType.FINGERPRINT) {
                throw new StunException(StunAttributeType.name(attrType) + " after MESSAGE-INTEGRITY-SHA256");
            }
            if (integrity >= 0 && attrType != StunAttributeType.FINGERPRINT
                    && attrType != StunAttributeType.MESSAGE_INTEGRITY_SHA256) {
                throw new StunException(StunAttributeType.name(attrType) + " after MESSAGE-INTEGRITY");
            }
            StunAttribute attribute = new StunAttribute(attrType, pos, attrLength);
            list.add(attribute);
            switch (attrType) {
                case StunAttributeType.MESSAGE_INTEGRITY:
                    if (attrLength != MessageIntegrityKey.HMAC_LENGTH) {
                        throw new StunException("MESSAGE-INTEGRITY length " + attrLength);
                    }
                    integrity = pos;
                    break;
                case StunAttributeType.MESSAGE_INTEGRITY_SHA256:
                    // RFC 8489 §14.6: 16 to 32 bytes, a multiple of 4.
                    if (attrLength < 16 || attrLength > 32 || attrLength % 4 != 0) {
                        throw new StunException("MESSAGE-INTEGRITY-SHA256 length " + attrLength);
                    }
                    integritySha256 = pos;
                    // Never verified here (see StunAttributeType.isUnderstood): a request
                    // that relies on it is told so with 420.
                    if (!unknown.contains(attrType)) {
                        unknown.add(attrType);
                    }
                    break;
                case StunAttributeType.FINGERPRINT:
                    if (attrLength != FINGERPRINT_LENGTH) {
                        throw new StunException("FINGERPRINT length " + attrLength);
                    }
                    fingerprint = pos;
                    break;
                default:
                    decodeAttribute(attribute);
                    if (StunAttributeType.isComprehensionRequired(attrType)
                            && !StunAttributeType.isUnderstood(attrType) && !unknown.contains(attrType)) {
                        unknown.add(attrType);
                    }
            }
            pos += 4 + padded;
        }
        this.attributes = Collections.unmodifiableList(list);
        this.integrityOffset = integrity;
        this.fingerprintOffset = fingerprint;
        this.unknownComprehensionRequired = unknown.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Parses the STUN message in {@code buf[off, off+len)}, which must be the whole datagram:
     * the header's length field has to account for every byte (RFC 8489 §6.3).
     *
     * @throws StunException if the bytes are not a well-formed STUN message
     * @throws IndexOutOfBoundsException if {@code off}/{@code len} do not lie inside {@code buf}
     *         (a caller bug, not bad input)
     */
    public static StunMessage parse(byte[] buf, int off, int len) throws StunException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < HEADER_LENGTH) {
            throw new StunException("shorter than the 20-byte header: " + len);
        }
        // RFC 8489 §6.3: the two most significant bits of every STUN message are zero.
        if ((buf[off] & 0xC0) != 0) {
            throw new StunException("first two bits not zero");
        }
        if (u32(buf, off + 4) != MAGIC_COOKIE) {
            throw new StunException("bad magic cookie");
        }
        int lengthField = u16(buf, off + 2);
        // RFC 8489 §5: the length excludes the header and is a multiple of 4, as every attribute is padded.
        if ((lengthField & 3) != 0) {
            throw new StunException("length field not a multiple of 4: " + lengthField);
        }
        if (lengthField != len - HEADER_LENGTH) {
            throw new StunException("length field " + lengthField + " but " + (len - HEADER_LENGTH) + " bytes follow the header");
        }
        return new StunMessage(Arrays.copyOfRange(buf, off, off + len));
    }

    /** {@link #parse(byte[], int, int)} over the whole array. */
    public static StunMessage parse(byte[] buf) throws StunException {
        return parse(buf, 0, buf.length);
    }

    /**
     * The RFC 7983 demultiplexing test, cheap enough to run on every datagram: a first byte
     * of 0–3 (RFC 7983's range for STUN), at least a header's worth of bytes, and the magic cookie
     * (RFC 8489 §6.3). It says "hand this to {@link #parse}", not "this is valid".
     */
    public static boolean looksLikeStun(byte[] buf, int off, int len) {
        return len >= HEADER_LENGTH
                && (buf[off] & 0xFF) <= 3
                && u32(buf, off + 4) == MAGIC_COOKIE;
    }

    private void decodeAttribute(StunAttribute a) throws StunException {
        int off = a.valueOffset();
        int len = a.length();
        // RFC 8489 §14: when an attribute repeats, only the first occurrence is processed; the
        // others are still checked, so a message is either wholly well-formed or rejected.
        switch (a.type()) {
            case StunAttributeType.USERNAME: {
                String value = text(off, len, MAX_USERNAME_BYTES, "USERNAME");
                if (username == null) {
                    username = value;
                }
                break;
            }
            case StunAttributeType.SOFTWARE: {
                String value = text(off, len, MAX_TEXT_BYTES, "SOFTWARE");
                if (software == null) {
                    software = value;
                }
                break;
            }
            case StunAttributeType.REALM: {
                String value = text(off, len, MAX_TEXT_BYTES, "REALM");
                if (realm == null) {
                    realm = value;
                }
                break;
            }
            case StunAttributeType.NONCE: {
                String value = text(off, len, MAX_TEXT_BYTES, "NONCE");
                if (nonce == null) {
                    nonce = value;
                }
                break;
            }
            case StunAttributeType.PRIORITY:
                expectLength(a, 4);
                if (priority < 0) {
                    priority = u32(raw, off) & 0xFFFFFFFFL;
                }
                break;
            case StunAttributeType.USE_CANDIDATE:
                expectLength(a, 0);
                useCandidate = true;
                break;
            case StunAttributeType.ICE_CONTROLLING:
                expectLength(a, 8);
                if (!hasIceControlling) {
                    hasIceControlling = true;
                    iceControlling = u64(raw, off);
                }
                break;
            case StunAttributeType.ICE_CONTROLLED:
                expectLength(a, 8);
                if (!hasIceControlled) {
                    hasIceControlled = true;
                    iceControlled = u64(raw, off);
                }
                break;
            case StunAttributeType.XOR_MAPPED_ADDRESS: {
                InetSocketAddress address = StunAddressCodec.decode(raw, off, len, raw, true);
                if (xorMappedAddress == null) {
                    xorMappedAddress = address;
                }
                break;
            }
            case StunAttributeType.MAPPED_ADDRESS: {
                InetSocketAddress address = StunAddressCodec.decode(raw, off, len, raw, false);
                if (mappedAddress == null) {
                    mappedAddress = address;
                }
                break;
            }
            case StunAttributeType.ERROR_CODE: {
                StunError value = decodeError(off, len);
                if (error == null) {
                    error = value;
                }
                break;
            }
            case StunAttributeType.UNKNOWN_ATTRIBUTES:
                // RFC 8489 §14.13: a list of 16-bit types.
                if ((len & 1) != 0) {
                    throw new StunException("UNKNOWN-ATTRIBUTES length " + len + " is odd");
                }
                if (reportedUnknownAttributes == null) {
                    int[] types = new int[len / 2];
                    for (int i = 0; i < types.length; i++) {
                        types[i] = u16(raw, off + 2 * i);
                    }
                    reportedUnknownAttributes = types;
                }
                break;
            default:
                // Not understood: kept in attributes() only.
        }
    }

    private StunError decodeError(int off, int len) throws StunException {
        // RFC 8489 §14.8: 21 reserved bits, a 3-bit class (hundreds, 3..6), an 8-bit number (0..99).
        if (len < 4) {
            throw new StunException("ERROR-CODE shorter than 4 bytes");
        }
        int errorClass = raw[off + 2] & 0x07;
        int number = raw[off + 3] & 0xFF;
        if (errorClass < 3 || errorClass > 6 || number > 99) {
            throw new StunException("ERROR-CODE class " + errorClass + " number " + number);
        }
        String reason = text(off + 4, len - 4, MAX_TEXT_BYTES, "ERROR-CODE reason");
        return new StunError(errorClass * 100 + number, reason);
    }

    private static void expectLength(StunAttribute a, int expected) throws StunException {
        if (a.length() != expected) {
            throw new StunException(StunAttributeType.name(a.type()) + " length " + a.length() + ", expected " + expected);
        }
    }

    private String text(int off, int len, int maxBytes, String what) throws StunException {
        if (len > maxBytes) {
            throw new StunException(what + " longer than " + maxBytes + " bytes");
        }
        try {
            // A strict decoder: malformed UTF-8 is an error, not silently replaced, so that two
            // different byte strings never compare equal as usernames.
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, off, len))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new StunException(what + " is not valid UTF-8");
        }
    }

    // ---- header ----

    /** The 12-bit method; {@link #BINDING} for everything ICE sends. */
    public int method() {
        return method;
    }

    public StunClass stunClass() {
        return stunClass;
    }

    /** The 14-bit message type as on the wire. */
    public int messageType() {
        return u16(raw, 0);
    }

    public TransactionId transactionId() {
        return transactionId;
    }

    public boolean isBindingRequest() {
        return method == BINDING && stunClass == StunClass.REQUEST;
    }

    public boolean isBindingIndication() {
        return method == BINDING && stunClass == StunClass.INDICATION;
    }

    public boolean isBindingSuccess() {
        return method == BINDING && stunClass == StunClass.SUCCESS_RESPONSE;
    }

    public boolean isBindingError() {
        return method == BINDING && stunClass == StunClass.ERROR_RESPONSE;
    }

    /** Total length in bytes, header included. */
    public int length() {
        return raw.length;
    }

    /** A copy of the message bytes. */
    public byte[] toByteArray() {
        return raw.clone();
    }

    // ---- attributes ----

    /** Every attribute in wire order, including unknown and repeated ones. */
    public List<StunAttribute> attributes() {
        return attributes;
    }

    /** The first attribute of {@code type}, or null. */
    public StunAttribute attribute(int type) {
        for (StunAttribute a : attributes) {
            if (a.type() == type) {
                return a;
            }
        }
        return null;
    }

    /** A copy of the value (without padding) of the first attribute of {@code type}, or null. */
    public byte[] attributeValue(int type) {
        StunAttribute a = attribute(type);
        return a == null ? null : Arrays.copyOfRange(raw, a.valueOffset(), a.valueOffset() + a.length());
    }

    /**
     * Comprehension-required attribute types (0x0000–0x7FFF) this code does not understand,
     * each once, in wire order: a server answers such a request with 420 listing them
     * (RFC 8489 §6.3.1.1, §14.13).
     */
    public int[] unknownComprehensionRequired() {
        return unknownComprehensionRequired.clone();
    }

    /** USERNAME (RFC 8489 §14.3), or null. For ICE it is "receiverUfrag:senderUfrag" (RFC 8445 §7.2.2). */
    public String username() {
        return username;
    }

    /** SOFTWARE (RFC 8489 §14.14), or null. */
    public String software() {
        return software;
    }

    /** REALM (RFC 8489 §14.9), or null. */
    public String realm() {
        return realm;
    }

    /** NONCE (RFC 8489 §14.10), or null. */
    public String nonce() {
        return nonce;
    }

    /** PRIORITY (RFC 8445 §7.1.1), an unsigned 32-bit value. */
    public OptionalLong priority() {
        return priority < 0 ? OptionalLong.empty() : OptionalLong.of(priority);
    }

    /** USE-CANDIDATE present (RFC 8445 §7.1.2). */
    public boolean useCandidate() {
        return useCandidate;
    }

    /** ICE-CONTROLLING tie-breaker (RFC 8445 §7.1.3), an unsigned 64-bit value in a long. */
    public OptionalLong iceControlling() {
        return hasIceControlling ? OptionalLong.of(iceControlling) : OptionalLong.empty();
    }

    /** ICE-CONTROLLED tie-breaker (RFC 8445 §7.1.3), an unsigned 64-bit value in a long. */
    public OptionalLong iceControlled() {
        return hasIceControlled ? OptionalLong.of(iceControlled) : OptionalLong.empty();
    }

    /** XOR-MAPPED-ADDRESS (RFC 8489 §14.2) decoded, or null. */
    public InetSocketAddress xorMappedAddress() {
        return xorMappedAddress;
    }

    /** MAPPED-ADDRESS (RFC 8489 §14.1), kept for old servers, or null. */
    public InetSocketAddress mappedAddress() {
        return mappedAddress;
    }

    /** ERROR-CODE (RFC 8489 §14.8), or null. */
    public StunError error() {
        return error;
    }

    /** The types listed in an UNKNOWN-ATTRIBUTES attribute (RFC 8489 §14.13), or null if absent. */
    public int[] reportedUnknownAttributes() {
        return reportedUnknownAttributes == null ? null : reportedUnknownAttributes.clone();
    }

    public boolean hasMessageIntegrity() {
        return integrityOffset >= 0;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    // ---- integrity ----

    /**
     * Checks MESSAGE-INTEGRITY with a key held by the caller (preferred: its Mac is keyed
     * once). False when the attribute is absent or does not match.
     */
    public boolean verifyMessageIntegrity(MessageIntegrityKey key) {
        if (integrityOffset < 0) {
            return false;
        }
        return key.matches(raw, 0, integrityOffset, integrityLengthField(), raw, integrityOffset + 4);
    }

    /**
     * Checks MESSAGE-INTEGRITY with raw key bytes: the password's UTF-8 bytes for short-term
     * credentials, {@link MessageIntegrityKey#longTermKeyBytes} for long-term ones. Uses a
     * per-thread Mac re-keyed on each call. False when absent or wrong.
     */
    public boolean verifyMessageIntegrity(byte[] key) {
        if (integrityOffset < 0) {
            return false;
        }
        return MessageIntegrityKey.Hmac.matches(MessageIntegrityKey.Hmac.perThread(key),
                raw, 0, integrityOffset, integrityLengthField(), raw, integrityOffset + 4);
    }

    /** RFC 8489 §14.5: the length as if MESSAGE-INTEGRITY were the last attribute. */
    private int integrityLengthField() {
        return integrityOffset + 4 + MessageIntegrityKey.HMAC_LENGTH - HEADER_LENGTH;
    }

    /**
     * RFC 8489 §14.7: CRC-32 of everything before FINGERPRINT (the length field as received,
     * which already counts FINGERPRINT), XORed with 0x5354554E. False when absent or wrong.
     */
    public boolean verifyFingerprint() {
        if (fingerprintOffset < 0) {
            return false;
        }
        return u32(raw, fingerprintOffset + 4) == fingerprint(raw, 0, fingerprintOffset);
    }

    static int fingerprint(byte[] buf, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(buf, off, len);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    @Override
    public String toString() {
        return "STUN " + stunClass + " method=0x" + Integer.toHexString(method) + " tx=" + transactionId
                + " " + attributes;
    }

    // ---- byte helpers ----

    static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static int u32(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long u64(byte[] b, int off) {
        return ((long) u32(b, off) << 32) | (u32(b, off + 4) & 0xFFFFFFFFL);
    }
}
