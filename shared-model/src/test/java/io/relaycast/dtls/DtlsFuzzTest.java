package io.relaycast.dtls;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.testing.FuzzBudget;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Coverage-guided fuzzing of what sits in front of BouncyCastle's DTLS record layer
 * (docs/fuzzing.md). An input is a sequence of datagrams, each a 2-byte big-endian length and
 * that many bytes; the seeds are the datagrams of real handshakes between two endpoints.
 *
 * <p>{@link #recordLayer}: {@link DtlsRecords#split} splits a datagram into whole records or
 * refuses it with {@link DtlsException}, and the records are exactly the datagram's bytes; the
 * {@link InboundRecordOrder} of either role loses no record silently (released + held + counted
 * drops = offered, each released once), holds at most {@link InboundRecordOrder#MAX_HELD} later-epoch
 * records and one ChangeCipherSpec, and releases no later-epoch record before a ChangeCipherSpec.
 *
 * <p>{@link #endpoint}: a whole server {@link DtlsEndpoint} (the node's role) fed the datagrams on
 * a caller clock: nothing escapes {@code handleDatagram}, the handshake cannot complete without
 * the client's key, a failure is a TLS alert, an IOException (a certificate that does not parse,
 * for one) or the timeout and never an unchecked exception out of BouncyCastle (which the
 * endpoint reports as an internal error), and {@code close()} ends it and returns its thread.
 */
class DtlsFuzzTest {
    private static final DtlsCertificate CLIENT_CERT =
            DtlsCertificate.generate(new SecureRandom(), Instant.parse("2025-01-01T00:00:00Z"));
    private static final DtlsCertificate SERVER_CERT =
            DtlsCertificate.generate(new SecureRandom(), Instant.parse("2025-01-01T00:00:00Z"));
    /** Two threads: a seed handshake needs both ends at once. Never closed: it lives as long as the JVM. */
    private static final DtlsHandshakePool POOL = new DtlsHandshakePool(2, 64, 60_000);
    /** DtlsEndpoint's reason for a failure by an unchecked exception (a bug, not bad input). */
    private static final String INTERNAL_ERROR = "internal error";

    /** The datagrams of two real handshakes, client to server and server to client, in order and reversed. */
    static List<byte[]> seeds() throws InterruptedException {
        List<byte[]> seeds = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            List<byte[]> toServer = new ArrayList<>();
            List<byte[]> toClient = new ArrayList<>();
            SimulatedLink link = SimulatedLink.perfect(endpoint(DtlsRole.CLIENT), endpoint(DtlsRole.SERVER));
            link.batchFilter = (server, batch) -> {
                (server ? toServer : toClient).addAll(batch);
                return batch;
            };
            link.start();
            if (!link.runUntilBothReported()) {
                throw new AssertionError("seed handshake did not finish: " + link.transcript);
            }
            link.client.close();
            link.server.close();
            seeds.add(frame(toServer));
            seeds.add(frame(toClient));
            Collections.reverse(toServer);
            seeds.add(frame(toServer));
        }
        return seeds;
    }

    private static DtlsEndpoint endpoint(DtlsRole role) {
        return role == DtlsRole.CLIENT
                ? new DtlsEndpoint(role, CLIENT_CERT, SERVER_CERT.fingerprint(), POOL, () -> { }, new SecureRandom())
                : new DtlsEndpoint(role, SERVER_CERT, CLIENT_CERT.fingerprint(), POOL, () -> { }, new SecureRandom());
    }

    static byte[] frame(List<byte[]> datagrams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] d : datagrams) {
            out.write(d.length >>> 8);
            out.write(d.length);
            out.write(d, 0, d.length);
        }
        return out.toByteArray();
    }

    /** The inverse of {@link #frame}; a short last datagram takes what is left. */
    static List<byte[]> datagrams(byte[] input) {
        List<byte[]> out = new ArrayList<>();
        int pos = 0;
        while (pos + 2 <= input.length) {
            int len = Math.min(((input[pos] & 0xff) << 8) | (input[pos + 1] & 0xff), input.length - pos - 2);
            byte[] d = new byte[len];
            System.arraycopy(input, pos + 2, d, 0, len);
            out.add(d);
            pos += 2 + len;
        }
        return out;
    }

    @MethodSource("seeds")
    @FuzzTest
    void recordLayer(byte[] input) {
        List<byte[]> datagrams = datagrams(input);
        FuzzBudget.run(input.length, () -> {
            for (DtlsRole role : DtlsRole.values()) {
                checkOrder(role, datagrams);
            }
        });
    }

    private static void checkOrder(DtlsRole role, List<byte[]> datagrams) {
        InboundRecordOrder order = new InboundRecordOrder(role);
        Map<byte[], Boolean> offered = new IdentityHashMap<>();
        Map<byte[], Boolean> released = new IdentityHashMap<>();
        boolean changeCipherSpecOut = false;
        int changeCipherSpecsBeforeRelease = 0;
        for (byte[] d : datagrams) {
            List<byte[]> records;
            try {
                records = DtlsRecords.split(d, 0, d.length);
            } catch (DtlsException refused) {
                continue;
            }
            int pos = 0;
            for (byte[] r : records) {
                int length = ((r[11] & 0xff) << 8) | (r[12] & 0xff);
                if (r.length != DtlsRecords.HEADER_LENGTH + length
                        || !java.util.Arrays.equals(r, 0, r.length, d, pos, pos + r.length)) {
                    throw new AssertionError("record is not the datagram's bytes at " + pos);
                }
                pos += r.length;
            }
            if (pos != d.length) {
                throw new AssertionError("records cover " + pos + " of " + d.length + " bytes");
            }
            for (byte[] r : records) {
                offered.put(r, Boolean.TRUE);
                if (isChangeCipherSpec(r) && !changeCipherSpecOut) {
                    changeCipherSpecsBeforeRelease++;
                }
                for (byte[] out : order.offer(r)) {
                    if (!offered.containsKey(out) || released.put(out, Boolean.TRUE) != null) {
                        throw new AssertionError("released a record never offered, or twice");
                    }
                    if (isChangeCipherSpec(out)) {
                        changeCipherSpecOut = true;
                    } else if (DtlsRecords.epoch(out) > 0 && !changeCipherSpecOut) {
                        throw new AssertionError("epoch " + DtlsRecords.epoch(out) + " record released before a ChangeCipherSpec");
                    }
                }
                if (order.held() > InboundRecordOrder.MAX_HELD + 1) {
                    throw new AssertionError(order.held() + " records held");
                }
            }
        }
        // Conservation. Before the first ChangeCipherSpec is released, a newer copy replaces the one
        // held (a retransmitted flight; BouncyCastle would drop the duplicate anyway): those
        // replaced copies are the only records that leave without being counted.
        long replaced = Math.max(0, changeCipherSpecsBeforeRelease - 1);
        long accounted = released.size() + order.held() + order.dropped() + replaced;
        if (accounted != offered.size()) {
            throw new AssertionError(role + ": offered " + offered.size() + ", released " + released.size()
                    + ", held " + order.held() + ", dropped " + order.dropped() + ", replaced " + replaced);
        }
    }

    private static boolean isChangeCipherSpec(byte[] record) {
        return DtlsRecords.epoch(record) == 0 && DtlsRecords.contentType(record) == DtlsRecords.CHANGE_CIPHER_SPEC;
    }

    @MethodSource("seeds")
    @FuzzTest
    void endpoint(byte[] input) throws InterruptedException {
        List<byte[]> datagrams = datagrams(input);
        DtlsEndpoint server = endpoint(DtlsRole.SERVER);
        server.start(0);
        long now = 0;
        int fed = 0;
        for (byte[] d : datagrams) {
            now += 10 * SimulatedLink.MS;
            server.handleDatagram(now, d, 0, d.length);
            if (++fed % 8 == 0) {
                settle(server);
            }
        }
        settle(server);
        // The caller's clock runs out the handshake: resends, then the overall timeout.
        while (server.state() == DtlsState.HANDSHAKING && server.nextTimeoutNanos() != Long.MAX_VALUE
                && now < DtlsEndpoint.HANDSHAKE_TIMEOUT_NANOS + 10_000 * SimulatedLink.MS) {
            now = Math.max(now, server.nextTimeoutNanos());
            server.handleTimeout(now);
            settle(server);
        }
        List<DtlsEvent> events = drain(server);
        server.close();
        settle(server);
        events.addAll(drain(server));
        for (DtlsEvent e : events) {
            if (e instanceof DtlsEvent.Connected) {
                throw new AssertionError("handshake completed without the client's key");
            }
            if (e instanceof DtlsEvent.Failed f && f.reason().startsWith(INTERNAL_ERROR)) {
                throw new AssertionError("handshake failed with an unexpected error: " + f.reason());
            }
        }
        if (server.state() != DtlsState.CLOSED && server.state() != DtlsState.FAILED) {
            throw new AssertionError("close() left the endpoint " + server.state());
        }
        if (events.isEmpty() || !(events.get(events.size() - 1) instanceof DtlsEvent.Closed
                || events.get(events.size() - 1) instanceof DtlsEvent.Failed)) {
            throw new AssertionError("no terminal event: " + events);
        }
    }

    private static void settle(DtlsEndpoint e) throws InterruptedException {
        if (!e.awaitIdle(10_000)) {
            throw new AssertionError("endpoint did not go idle within 10 s: " + e);
        }
        while (e.pollTransmit() != null) {
            // what the server sends is not under test here
        }
    }

    private static List<DtlsEvent> drain(DtlsEndpoint e) {
        List<DtlsEvent> events = new ArrayList<>();
        for (DtlsEvent ev = e.pollEvent(); ev != null; ev = e.pollEvent()) {
            events.add(ev);
        }
        return events;
    }
}
