package io.relaycast.dtls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the peer's handshake records in an order BouncyCastle's DTLS 1.2 record layer can use.
 *
 * <p>{@code DTLSRecordLayer} (bctls 1.84) reads exactly one epoch at a time: records of epoch 1
 * that arrive before the peer's ChangeCipherSpec are dropped, and once the ChangeCipherSpec has
 * been processed every epoch-0 record is dropped. Datagrams of one flight are routinely reordered
 * by the network, and RFC 6347 §4.1 only lets an implementation discard what it cannot use, so
 * with a reordered flight BouncyCastle loses the Finished (client side) or, worse, a server that
 * sees the client's ChangeCipherSpec before its CertificateVerify can never receive that message
 * again and the handshake hangs. This class therefore, during the handshake only:
 * <ul>
 *   <li>holds records of epoch 1 and later until the peer's ChangeCipherSpec has been released;</li>
 *   <li>on the server, holds the client's ChangeCipherSpec until every handshake message up to
 *       and including a complete CertificateVerify (the last epoch-0 message of the client's
 *       second flight, which WebRTC always has since it requires a client certificate) has been
 *       released. A client needs no such hold: the server's last flight is only
 *       ChangeCipherSpec and Finished.</li>
 * </ul>
 * Everything else passes through in arrival order. Not thread-safe; the endpoint's lock guards it.
 */
final class InboundRecordOrder {

    /** Records of a later epoch kept back at most; older ones are dropped first. */
    static final int MAX_HELD = 16;
    /** RFC 5246 §7.4: handshake message type of CertificateVerify. */
    private static final int CERTIFICATE_VERIFY = 15;
    /** Message sequence numbers beyond this are not a real handshake; ignore them for ordering. */
    private static final int MAX_TRACKED_MESSAGE_SEQ = 64;

    private final boolean holdChangeCipherSpec;
    private final Map<Integer, MessageCoverage> messages = new HashMap<>();
    private final ArrayDeque<byte[]> laterEpoch = new ArrayDeque<>();
    private byte[] heldChangeCipherSpec;
    private boolean changeCipherSpecReleased;
    private int certificateVerifySeq = -1;
    private long dropped;

    InboundRecordOrder(DtlsRole role) {
        this.holdChangeCipherSpec = role == DtlsRole.SERVER;
    }

    /** Takes one record of the peer and returns the records that may go to BouncyCastle now, in order. */
    List<byte[]> offer(byte[] record) {
        List<byte[]> ready = new ArrayList<>(2);
        int type = DtlsRecords.contentType(record);
        int epoch = DtlsRecords.epoch(record);
        if (epoch > 0) {
            if (changeCipherSpecReleased) {
                ready.add(record);
            } else {
                if (laterEpoch.size() == MAX_HELD) {
                    laterEpoch.poll();
                    dropped++;
                }
                laterEpoch.add(record);
            }
            return ready;
        }
        if (type == DtlsRecords.CHANGE_CIPHER_SPEC && !changeCipherSpecReleased) {
            // A newer copy (the peer retransmitted its flight) replaces an older one held.
            heldChangeCipherSpec = record;
            release(ready);
            return ready;
        }
        if (type == DtlsRecords.HANDSHAKE) {
            track(record);
        }
        ready.add(record);
        release(ready);
        return ready;
    }

    /** Records dropped because too many later-epoch records were waiting. */
    long dropped() {
        return dropped;
    }

    /** Records currently held back. */
    int held() {
        return laterEpoch.size() + (heldChangeCipherSpec == null ? 0 : 1);
    }

    private void release(List<byte[]> ready) {
        if (heldChangeCipherSpec == null || !mayReleaseChangeCipherSpec()) {
            return;
        }
        ready.add(heldChangeCipherSpec);
        heldChangeCipherSpec = null;
        changeCipherSpecReleased = true;
        ready.addAll(laterEpoch);
        laterEpoch.clear();
    }

    private boolean mayReleaseChangeCipherSpec() {
        if (!holdChangeCipherSpec) {
            return true;
        }
        if (certificateVerifySeq < 0) {
            return false;
        }
        for (int seq = 0; seq <= certificateVerifySeq; seq++) {
            MessageCoverage m = messages.get(seq);
            if (m == null || !m.complete()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Notes the handshake fragments of an epoch-0 record (RFC 6347 §4.2.2 header, 12 bytes each);
     * {@link DtlsRecords#split} has already checked that they are well formed.
     */
    private void track(byte[] record) {
        int pos = DtlsRecords.HEADER_LENGTH;
        while (record.length - pos >= 12) {
            int msgType = record[pos] & 0xff;
            int length = DtlsRecords.u24(record, pos + 1);
            int messageSeq = (record[pos + 4] & 0xff) << 8 | (record[pos + 5] & 0xff);
            int fragmentOffset = DtlsRecords.u24(record, pos + 6);
            int fragmentLength = DtlsRecords.u24(record, pos + 9);
            if (fragmentLength > record.length - pos - 12 || fragmentOffset + fragmentLength > length) {
                return; // malformed; BouncyCastle ignores the rest of the record too
            }
            if (messageSeq <= MAX_TRACKED_MESSAGE_SEQ) {
                MessageCoverage m = messages.computeIfAbsent(messageSeq, s -> new MessageCoverage(length));
                if (m.length == length) {
                    m.cover(fragmentOffset, fragmentLength);
                    if (msgType == CERTIFICATE_VERIFY && certificateVerifySeq < 0) {
                        certificateVerifySeq = messageSeq;
                    }
                }
            }
            pos += 12 + fragmentLength;
        }
    }

    /** Which bytes of one handshake message have been seen, as sorted disjoint intervals. */
    private static final class MessageCoverage {
        final int length;
        /** Pairs [start, end) kept sorted and merged. */
        private final List<int[]> intervals = new ArrayList<>(1);

        MessageCoverage(int length) {
            this.length = length;
        }

        void cover(int offset, int count) {
            int start = offset;
            int end = offset + count;
            List<int[]> merged = new ArrayList<>(intervals.size() + 1);
            boolean placed = false;
            for (int[] iv : intervals) {
                if (iv[1] < start) {
                    merged.add(iv);
                } else if (end < iv[0]) {
                    if (!placed) {
                        merged.add(new int[] {start, end});
                        placed = true;
                    }
                    merged.add(iv);
                } else {
                    start = Math.min(start, iv[0]);
                    end = Math.max(end, iv[1]);
                }
            }
            if (!placed) {
                merged.add(new int[] {start, end});
            }
            merged.sort((a, b) -> Integer.compare(a[0], b[0]));
            intervals.clear();
            intervals.addAll(merged);
        }

        boolean complete() {
            if (length == 0) {
                return !intervals.isEmpty();
            }
            return intervals.size() == 1 && intervals.get(0)[0] == 0 && intervals.get(0)[1] == length;
        }
    }
}
