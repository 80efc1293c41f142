package io.relaycast.dtls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The DTLS record framing (RFC 6347 §4.1), read just far enough to vet and split datagrams before
 * BouncyCastle sees them, and to recognise the flights it sends.
 *
 * <pre>
 *  0        1        2        3        4        5 ...     10       11       12
 * +--------+--------+--------+--------+--------+-- ... --+--------+--------+--------+
 * | type   | version (0xFE..)| epoch           | sequence_number (48) | length          |
 * +--------+--------+--------+--------+--------+-- ... --+--------+--------+--------+
 * </pre>
 */
final class DtlsRecords {

    static final int HEADER_LENGTH = 13;
    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;
    static final int DTLS_1_0 = 0xfeff;
    static final int DTLS_1_2 = 0xfefd;
    /** RFC 6347 §4.1 (via RFC 5246 §6.2.3): TLSCiphertext.length is at most 2^14 + 2048. */
    static final int MAX_RECORD_PAYLOAD = (1 << 14) + 2048;
    /** RFC 6347 §4.2.2: the handshake message header inside a record: type, length, message_seq, ... */
    static final int HANDSHAKE_HEADER_LENGTH = 12;
    /**
     * Largest handshake message accepted: BouncyCastle's TLS default ({@code getMaxHandshakeMessageSize}),
     * which its DTLS code does not enforce; it would allocate the declared length (up to 16 MiB) for
     * each message a forged fragment announces.
     */
    static final int MAX_HANDSHAKE_MESSAGE = 32_768;

    private DtlsRecords() {
    }

    /**
     * Splits a datagram into its records (RFC 6347 §4.1.1 lets a datagram carry several), each
     * copied into its own array.
     *
     * @throws DtlsException unless the datagram is one or more whole records of the four content
     *                       types DTLS 1.2 without extensions uses, with version DTLS 1.0 or 1.2
     */
    static List<byte[]> split(byte[] buf, int off, int len) throws DtlsException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len < HEADER_LENGTH) {
            throw new DtlsException("datagram of " + len + " bytes is shorter than a record header");
        }
        List<byte[]> records = new ArrayList<>(2);
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (end - pos < HEADER_LENGTH) {
                throw new DtlsException("trailing " + (end - pos) + " bytes are not a record");
            }
            int type = buf[pos] & 0xff;
            if (type < CHANGE_CIPHER_SPEC || type > APPLICATION_DATA) {
                // heartbeat (24) and tls12_cid (25) are never negotiated here; anything else is noise.
                throw new DtlsException("unexpected record content type " + type);
            }
            int version = u16(buf, pos + 1);
            // RFC 6347 §4.1: {254, 255} (DTLS 1.0, used in early records) or {254, 253} (DTLS 1.2).
            // BouncyCastle throws an unchecked exception for the reserved {254, 254}.
            if (version != DTLS_1_0 && version != DTLS_1_2) {
                throw new DtlsException("record version " + Integer.toHexString(version) + " is not DTLS 1.0 or 1.2");
            }
            int length = u16(buf, pos + 11);
            if (length > MAX_RECORD_PAYLOAD) {
                throw new DtlsException("record length " + length + " exceeds 2^14 + 2048");
            }
            // RFC 5246 §6.2.1: no zero-length fragments of handshake, alert or change_cipher_spec.
            if (length == 0 && type != APPLICATION_DATA) {
                throw new DtlsException("empty record of content type " + type);
            }
            if (length > end - pos - HEADER_LENGTH) {
                throw new DtlsException("record length " + length + " runs past the datagram");
            }
            if (type == HANDSHAKE && u16(buf, pos + 3) == 0) {
                checkPlaintextFragments(buf, pos + HEADER_LENGTH, length);
            }
            records.add(Arrays.copyOfRange(buf, pos, pos + HEADER_LENGTH + length));
            pos += HEADER_LENGTH + length;
        }
        return records;
    }

    /**
     * RFC 6347 §4.2.3: a plaintext handshake record is a sequence of fragments, each a 12-byte header
     * (msg_type, length, message_seq, fragment_offset, fragment_length) and fragment_length bytes
     * lying within the message.
     */
    private static void checkPlaintextFragments(byte[] buf, int pos, int len) throws DtlsException {
        int end = pos + len;
        while (pos < end) {
            if (end - pos < HANDSHAKE_HEADER_LENGTH) {
                throw new DtlsException("handshake record ends inside a fragment header");
            }
            int messageLength = u24(buf, pos + 1);
            int fragmentOffset = u24(buf, pos + 6);
            int fragmentLength = u24(buf, pos + 9);
            if (messageLength > MAX_HANDSHAKE_MESSAGE) {
                throw new DtlsException("handshake message of " + messageLength + " bytes");
            }
            if (fragmentOffset + fragmentLength > messageLength) {
                throw new DtlsException("handshake fragment lies outside its message");
            }
            if (fragmentLength > end - pos - HANDSHAKE_HEADER_LENGTH) {
                throw new DtlsException("handshake fragment runs past its record");
            }
            pos += HANDSHAKE_HEADER_LENGTH + fragmentLength;
        }
    }

    /** Content type of a record (the caller knows it has a header). */
    static int contentType(byte[] record) {
        return record[0] & 0xff;
    }

    static int epoch(byte[] record) {
        return u16(record, 3);
    }

    /**
     * The message_seq of the first handshake fragment in a plaintext (epoch 0) handshake record, or
     * -1 if the record is anything else or too short. Encrypted records cannot be read.
     */
    static int plaintextMessageSeq(byte[] record, int off, int len) {
        if (len < HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH
                || (record[off] & 0xff) != HANDSHAKE || u16(record, off + 3) != 0) {
            return -1;
        }
        // handshake header: msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3)
        return u16(record, off + HEADER_LENGTH + 4);
    }

    static int u24(byte[] b, int i) {
        return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
    }
}
