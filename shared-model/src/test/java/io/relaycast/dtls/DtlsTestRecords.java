package io.relaycast.dtls;

/** Builds DTLS records by hand (RFC 6347 §4.1 header, §4.2.2 handshake fragments) for unit tests. */
final class DtlsTestRecords {

    private DtlsTestRecords() {
    }

    static byte[] record(int type, int version, int epoch, long seq, byte[] payload) {
        byte[] r = new byte[13 + payload.length];
        r[0] = (byte) type;
        r[1] = (byte) (version >> 8);
        r[2] = (byte) version;
        r[3] = (byte) (epoch >> 8);
        r[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            r[5 + i] = (byte) (seq >>> (8 * (5 - i)));
        }
        r[11] = (byte) (payload.length >> 8);
        r[12] = (byte) payload.length;
        System.arraycopy(payload, 0, r, 13, payload.length);
        return r;
    }

    /** One handshake fragment: header plus {@code fragmentLength} filler bytes. */
    static byte[] fragment(int msgType, int length, int messageSeq, int fragmentOffset, int fragmentLength) {
        byte[] f = new byte[12 + fragmentLength];
        f[0] = (byte) msgType;
        put24(f, 1, length);
        f[4] = (byte) (messageSeq >> 8);
        f[5] = (byte) messageSeq;
        put24(f, 6, fragmentOffset);
        put24(f, 9, fragmentLength);
        for (int i = 0; i < fragmentLength; i++) {
            f[12 + i] = (byte) (fragmentOffset + i);
        }
        return f;
    }

    /** A whole handshake message in one epoch-0 record. */
    static byte[] handshake(long seq, int msgType, int messageSeq, int length) {
        return record(DtlsRecords.HANDSHAKE, DtlsRecords.DTLS_1_2, 0, seq, fragment(msgType, length, messageSeq, 0, length));
    }

    static byte[] changeCipherSpec(long seq) {
        return record(DtlsRecords.CHANGE_CIPHER_SPEC, DtlsRecords.DTLS_1_2, 0, seq, new byte[] {1});
    }

    /** An encrypted record of epoch 1 (content is opaque here). */
    static byte[] epochOne(int type, long seq, int payloadLength) {
        return record(type, DtlsRecords.DTLS_1_2, 1, seq, new byte[payloadLength]);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }

    private static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >> 16);
        b[i + 1] = (byte) (v >> 8);
        b[i + 2] = (byte) v;
    }
}
