package io.relaycast.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.relaycast.srtp.SrtpProfile;
import org.bouncycastle.tls.AbstractTlsPeer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * One DTLS-SRTP association (RFC 5764 over DTLS 1.2, RFC 6347, as WebRTC uses it: RFC 8842,
 * RFC 8827 §6.5), in the sans-IO engine shape.
 *
 * <p>Inputs: {@link #start}, {@link #handleDatagram}, {@link #handleTimeout}, {@link #close}.
 * Outputs, polled: {@link #pollTransmit} (datagrams for the peer), {@link #pollEvent}
 * ({@link DtlsEvent.Connected} with the SRTP keys, {@link DtlsEvent.Failed}, {@link DtlsEvent.Closed}),
 * {@link #nextTimeoutNanos}. The handshake itself runs on a {@link DtlsHandshakePool} thread
 * because BouncyCastle's DTLS API blocks; the {@code wakeup} callback runs on that thread whenever
 * it produced output, an event or a new deadline, and the caller then hops back to its own thread
 * and polls. Every method is safe to call from any thread. See {@code package-info} for how the
 * caller's clock, not BouncyCastle's, decides retransmissions.
 *
 * <p>For deterministic tests, {@link #awaitIdle} waits until the handshake thread has consumed
 * all input and is blocked waiting for more (or has nothing left to do).
 */
public final class DtlsEndpoint {

    /** GCM first (cheaper per packet, see CHECKED.md), then the RFC 5764 mandatory profile. */
    public static final List<SrtpProfile> DEFAULT_PROFILES =
            List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);

    /** Caller-clock time from {@link #start} after which an unfinished handshake fails. */
    public static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** Largest datagram accepted; WebRTC stacks send DTLS datagrams of at most about 1200-1500 bytes. */
    static final int RECEIVE_LIMIT = 2048;
    /** Largest datagram sent: the common WebRTC DTLS MTU (fits IPv6's 1280 minimum with headers). */
    static final int SEND_LIMIT = 1200;
    /** Records waiting for the handshake thread; past this, new datagrams are dropped. */
    static final int MAX_QUEUED_RECORDS = 64;
    /**
     * BouncyCastle's wall-clock wait passed to {@code DTLSTransport.receive} after the handshake:
     * the shortest it accepts, so a record service call ends (and frees its thread) about 1 ms
     * after the last queued record.
     */
    static final int SERVICE_WAIT_MILLIS = 1;

    private enum Task { NONE, QUEUED, RUNNING }

    /** What the transport last returned to BouncyCastle. */
    private enum Receipt { NONE, RECORD, TIMEOUT }

    /** What the datagrams BouncyCastle sends since its last receive call are. */
    private enum Burst { UNDECIDED, NEW_FLIGHT, TIMER_RETRANSMISSION, UNSOLICITED }

    private final DtlsRole role;
    private final DtlsCertificate certificate;
    private final DtlsFingerprint remoteFingerprint;
    private final List<SrtpProfile> profiles;
    private final DtlsHandshakePool pool;
    private final Runnable wakeup;
    private final SecureRandom random;
    private final Bridge bridge = new Bridge();

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every change of the fields below. */
    private final Condition changed = lock.newCondition();

    // ---- guarded by lock ----
    private DtlsState state = DtlsState.NEW;
    private final ArrayDeque<byte[]> inbound = new ArrayDeque<>();
    /** Reorders the peer's records during the handshake (see {@link InboundRecordOrder}). */
    private final InboundRecordOrder inboundOrder;
    private final ArrayDeque<byte[]> outbound = new ArrayDeque<>();
    private final ArrayDeque<DtlsEvent> events = new ArrayDeque<>();
    private long nowNanos;
    private long handshakeDeadlineNanos = Long.MAX_VALUE;
    private final RetransmitTimer timer = new RetransmitTimer();
    /** The caller's clock passed the resend deadline and BouncyCastle has not resent yet. */
    private boolean resendDue;
    private boolean handshakeTimedOut;
    private boolean closeRequested;
    /** BouncyCastle closed the transport (after sending or receiving close_notify, or failing). */
    private boolean transportClosed;
    /** The peer sent close_notify (RFC 5246 §7.2.1). */
    private boolean peerCloseNotify;
    /** Shortest encrypted record payload of the negotiated suite; shorter epoch-1 records are dropped. */
    private int minEncryptedPayload;
    private Task task = Task.NONE;
    private boolean handshakeLaunched;
    /** The pool thread is blocked in receive with nothing to do until input or a caller timeout. */
    private boolean waitingForInput;
    private Receipt lastReceipt = Receipt.NONE;
    private Burst burst = Burst.UNDECIDED;
    private int highestSentMessageSeq = -1;
    private boolean sentChangeCipherSpec;
    private long inboundQueueFull;
    private long malformedDropped;
    private long oversizedDropped;
    private long ignoredAfterEnd;
    private long timerRetransmissions;
    private long suppressedRetransmissions;
    private long applicationDataDropped;

    // ---- touched only by the one pool task running for this endpoint at a time ----
    private DTLSTransport dtls;
    private volatile AbstractTlsPeer activePeer;

    /**
     * @param role              CLIENT sends the ClientHello; SERVER waits for it
     * @param certificate       the local certificate (one per process, shared by endpoints)
     * @param remoteFingerprint the peer's {@code a=fingerprint} from its SDP
     * @param profiles          SRTP profiles offered (client) or accepted (server), preferred first
     * @param pool              where the blocking handshake runs
     * @param wakeup            run on a pool thread when output, events or a new deadline are ready
     * @param random            randomness for the handshake (client/server random, ECDHE keys, nonces)
     */
    public DtlsEndpoint(DtlsRole role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                        List<SrtpProfile> profiles, DtlsHandshakePool pool, Runnable wakeup, SecureRandom random) {
        this.role = Objects.requireNonNull(role, "role");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.remoteFingerprint = Objects.requireNonNull(remoteFingerprint, "remoteFingerprint");
        this.profiles = List.copyOf(profiles);
        if (this.profiles.isEmpty()) {
            throw new IllegalArgumentException("at least one SRTP profile is needed");
        }
        this.pool = Objects.requireNonNull(pool, "pool");
        this.wakeup = Objects.requireNonNull(wakeup, "wakeup");
        this.random = Objects.requireNonNull(random, "random");
        this.inboundOrder = new InboundRecordOrder(role);
    }

    /** With {@link #DEFAULT_PROFILES}. */
    public DtlsEndpoint(DtlsRole role, DtlsCertificate certificate, DtlsFingerprint remoteFingerprint,
                        DtlsHandshakePool pool, Runnable wakeup, SecureRandom random) {
        this(role, certificate, remoteFingerprint, DEFAULT_PROFILES, pool, wakeup, random);
    }

    public DtlsRole role() {
        return role;
    }

    /**
     * Begins the handshake at {@code nowNanos}; the overall {@link #HANDSHAKE_TIMEOUT_NANOS} counts
     * from here. A client sends its ClientHello (through the pool); a server takes a pool thread
     * only when the first datagram arrives, so endpoints waiting for ICE cost no thread.
     *
     * @throws IllegalStateException if called twice
     */
    public void start(long nowNanos) {
        lock.lock();
        try {
            if (state != DtlsState.NEW) {
                throw new IllegalStateException("start() called in state " + state);
            }
            this.nowNanos = nowNanos;
            state = DtlsState.HANDSHAKING;
            handshakeDeadlineNanos = RetransmitTimer.saturatedAdd(nowNanos, HANDSHAKE_TIMEOUT_NANOS);
            if (role == DtlsRole.CLIENT || !inbound.isEmpty()) {
                scheduleLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A datagram from the peer (the RFC 7983 demux already classified it as DTLS). It is vetted,
     * split into records and queued for the pool thread; a malformed, oversized or excess datagram
     * is dropped and counted. The buffer is copied: the caller may reuse it.
     */
    public void handleDatagram(long nowNanos, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        List<byte[]> records = null;
        boolean malformed = false;
        if (len <= RECEIVE_LIMIT) {
            try {
                records = DtlsRecords.split(buf, off, len);
            } catch (DtlsException e) {
                malformed = true;
            }
        }
        lock.lock();
        try {
            this.nowNanos = nowNanos;
            if (state == DtlsState.CLOSED || state == DtlsState.FAILED) {
                ignoredAfterEnd++;
            } else if (len > RECEIVE_LIMIT) {
                oversizedDropped++;
            } else if (malformed) {
                malformedDropped++;
            } else if (queuedRecordsLocked() + records.size() > MAX_QUEUED_RECORDS) {
                inboundQueueFull++;
            } else {
                if (state == DtlsState.CONNECTED) {
                    inbound.addAll(records);
                } else {
                    for (byte[] record : records) {
                        inbound.addAll(inboundOrder.offer(record));
                    }
                }
                changed.signalAll();
                if (state != DtlsState.NEW) {
                    scheduleLocked();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The caller's clock reached {@code nowNanos}: fires the retransmission timer (RFC 6347
     * §4.2.4.1) and the overall handshake timeout if due. Harmless to call early or often.
     */
    public void handleTimeout(long nowNanos) {
        lock.lock();
        try {
            this.nowNanos = nowNanos;
            if (state != DtlsState.HANDSHAKING || handshakeTimedOut) {
                return;
            }
            timer.anchor(nowNanos);
            if (nowNanos >= handshakeDeadlineNanos) {
                handshakeTimedOut = true;
                changed.signalAll();
                if (task == Task.NONE) {
                    // A server still waiting for its first datagram: no thread to tell.
                    endLocked(DtlsState.FAILED, new DtlsEvent.Failed(timeoutReason()));
                }
            } else if (timer.isDue(nowNanos)) {
                timer.expire();
                resendDue = true;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next time {@link #handleTimeout} has work, or {@link Long#MAX_VALUE}. */
    public long nextTimeoutNanos() {
        lock.lock();
        try {
            if (state != DtlsState.HANDSHAKING || handshakeTimedOut) {
                return Long.MAX_VALUE;
            }
            if (timer.awaitingAnchor()) {
                // A flight left since the caller's last clock reading: its timer starts at the
                // next one (RFC 6347 §4.2.4.1 times a flight from its transmission).
                return Math.min(handshakeDeadlineNanos, nowNanos);
            }
            return Math.min(handshakeDeadlineNanos, timer.deadlineNanos());
        } finally {
            lock.unlock();
        }
    }

    /** The next datagram to send to the peer, or null. */
    public byte[] pollTransmit() {
        lock.lock();
        try {
            return outbound.poll();
        } finally {
            lock.unlock();
        }
    }

    /** The next event, or null. */
    public DtlsEvent pollEvent() {
        lock.lock();
        try {
            return events.poll();
        } finally {
            lock.unlock();
        }
    }

    public DtlsState state() {
        lock.lock();
        try {
            return state;
        } finally {
            lock.unlock();
        }
    }

    public DtlsStats stats() {
        lock.lock();
        try {
            return new DtlsStats(inboundQueueFull + inboundOrder.dropped(), malformedDropped, oversizedDropped,
                    ignoredAfterEnd, timerRetransmissions, suppressedRetransmissions, applicationDataDropped);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the association. Connected: a close_notify is sent (RFC 5246 §7.2.1, through the pool)
     * and {@link DtlsEvent.Closed} follows. Handshaking: the handshake thread sends user_canceled
     * and close_notify (RFC 5246 §7.2.2) and returns to the pool. Not started, or a server that
     * never got a datagram: Closed at once, nothing sent. Events produced by this call itself are
     * ready when it returns; those produced on the pool thread come with {@code wakeup}.
     */
    public void close() {
        lock.lock();
        try {
            switch (state) {
                case NEW -> endLocked(DtlsState.CLOSED, new DtlsEvent.Closed());
                case HANDSHAKING, CONNECTED -> {
                    if (closeRequested) {
                        return;
                    }
                    closeRequested = true;
                    changed.signalAll();
                    if (task == Task.NONE) {
                        if (state == DtlsState.HANDSHAKING) {
                            endLocked(DtlsState.CLOSED, new DtlsEvent.Closed());
                        } else if (!scheduleLocked()) {
                            endLocked(DtlsState.CLOSED, new DtlsEvent.Closed());
                        }
                    }
                }
                default -> {
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Test support: waits up to {@code timeoutMillis} of real time until no input is pending and
     * the pool thread is blocked waiting for the peer or the caller's clock, or holds no thread.
     *
     * @return whether that state was reached
     */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        lock.lock();
        try {
            while (!isIdleLocked()) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "DtlsEndpoint[" + role + ", " + state() + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Scheduling and state changes (lock held)

    /** Records waiting for the pool thread, including those held back for reordering. */
    private int queuedRecordsLocked() {
        return inbound.size() + (state == DtlsState.CONNECTED ? 0 : inboundOrder.held());
    }

    private boolean isIdleLocked() {
        if (task == Task.NONE) {
            return true;
        }
        return task == Task.RUNNING && waitingForInput && inbound.isEmpty()
                && !resendDue && !handshakeTimedOut && !closeRequested && !transportClosed;
    }

    /** Makes sure a pool task will look at this endpoint; false if the pool refused. */
    private boolean scheduleLocked() {
        if (task != Task.NONE) {
            return true; // the running or queued task re-checks the queues before it ends
        }
        task = Task.QUEUED;
        if (pool.submit(this, this::runTask)) {
            return true;
        }
        task = Task.NONE;
        if (state == DtlsState.HANDSHAKING) {
            endLocked(DtlsState.FAILED, new DtlsEvent.Failed("DTLS handshake pool refused the handshake (full or closed)"));
        } else {
            inboundQueueFull += inbound.size();
            inbound.clear();
        }
        return false;
    }

    private void endLocked(DtlsState terminal, DtlsEvent event) {
        state = terminal;
        inbound.clear();
        timer.stop();
        resendDue = false;
        handshakeDeadlineNanos = Long.MAX_VALUE;
        events.add(event);
        changed.signalAll();
    }

    private static String timeoutReason() {
        return "handshake not finished within " + TimeUnit.NANOSECONDS.toSeconds(HANDSHAKE_TIMEOUT_NANOS)
                + " s of caller time";
    }

    // ------------------------------------------------------------------------------------------
    // The pool task: the handshake first (once), then servicing queued records and close().

    private void runTask() {
        boolean doHandshake;
        lock.lock();
        try {
            task = Task.RUNNING;
            doHandshake = state == DtlsState.HANDSHAKING && !handshakeLaunched;
            handshakeLaunched |= doHandshake;
        } finally {
            lock.unlock();
        }
        boolean released = false;
        try {
            if (doHandshake) {
                runHandshake();
            }
            released = serviceRecords();
        } catch (RuntimeException | Error e) {
            finishFromTask(DtlsState.FAILED, new DtlsEvent.Failed("internal error: " + e));
            throw e;
        } finally {
            if (!released) {
                lock.lock();
                try {
                    task = Task.NONE;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void runHandshake() {
        boolean endedBeforeStart = true;
        lock.lock();
        try {
            if (closeRequested) {
                endLocked(DtlsState.CLOSED, new DtlsEvent.Closed());
            } else if (handshakeTimedOut) {
                endLocked(DtlsState.FAILED, new DtlsEvent.Failed(timeoutReason()));
            } else {
                endedBeforeStart = false;
            }
        } finally {
            lock.unlock();
        }
        if (endedBeforeStart) {
            wakeup.run();
            return;
        }
        DtlsEvent outcome;
        try {
            BcTlsCrypto crypto = new BcTlsCrypto(random);
            DtlsSrtpKeys keys;
            if (role == DtlsRole.CLIENT) {
                WebRtcDtlsClient client = new WebRtcDtlsClient(crypto, certificate, remoteFingerprint, profiles,
                        peerListener);
                activePeer = client;
                dtls = new DTLSClientProtocol().connect(client, bridge);
                keys = client.keys();
            } else {
                WebRtcDtlsServer server = new WebRtcDtlsServer(crypto, certificate, remoteFingerprint, profiles,
                        peerListener);
                activePeer = server;
                dtls = new DTLSServerProtocol().accept(server, bridge);
                keys = server.keys();
            }
            outcome = new DtlsEvent.Connected(Objects.requireNonNull(keys, "keys not exported"));
        } catch (IOException | RuntimeException e) {
            outcome = null;
            lock.lock();
            try {
                if (closeRequested) {
                    endLocked(DtlsState.CLOSED, new DtlsEvent.Closed());
                } else if (state == DtlsState.HANDSHAKING) {
                    endLocked(DtlsState.FAILED, new DtlsEvent.Failed(describeFailure(e)));
                }
            } finally {
                lock.unlock();
            }
        } finally {
            activePeer = null;
        }
        if (outcome != null) {
            lock.lock();
            try {
                // Only this task ends a handshake that has a task, so the state is still HANDSHAKING.
                state = DtlsState.CONNECTED;
                timer.stop();
                resendDue = false;
                handshakeDeadlineNanos = Long.MAX_VALUE;
                events.add(outcome);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        wakeup.run();
    }

    /**
     * After the handshake: feeds queued records to BouncyCastle (which answers a retransmitted last
     * flight of the peer, RFC 6347 §4.2.4, and handles close_notify) and performs close().
     * Returns true once it has released the endpoint's task slot.
     */
    private boolean serviceRecords() {
        byte[] buf = new byte[RECEIVE_LIMIT];
        while (true) {
            boolean closeNow;
            lock.lock();
            try {
                closeNow = closeRequested;
                if (state != DtlsState.CONNECTED || (!closeNow && inbound.isEmpty())) {
                    task = Task.NONE;
                    changed.signalAll();
                    return true;
                }
            } finally {
                lock.unlock();
            }
            if (closeNow) {
                try {
                    dtls.close(); // sends close_notify, then closes the bridge
                } catch (IOException ignored) {
                    // BouncyCastle swallows send errors on close; nothing is left to do either way
                }
                finishFromTask(DtlsState.CLOSED, new DtlsEvent.Closed());
                continue;
            }
            try {
                int received = dtls.receive(buf, 0, buf.length, SERVICE_WAIT_MILLIS);
                if (received >= 0) {
                    lock.lock();
                    try {
                        applicationDataDropped++;
                    } finally {
                        lock.unlock();
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (peerClosed()) {
                    finishFromTask(DtlsState.CLOSED, new DtlsEvent.Closed());
                } else {
                    finishFromTask(DtlsState.FAILED, new DtlsEvent.Failed(describeFailure(e)));
                }
                continue;
            }
            if (peerClosed()) {
                // The peer's close_notify: BouncyCastle answered with its own and closed the bridge.
                finishFromTask(DtlsState.CLOSED, new DtlsEvent.Closed());
            }
        }
    }

    /** Moves a live endpoint to a terminal state from the pool thread and tells the caller. */
    private void finishFromTask(DtlsState terminal, DtlsEvent event) {
        boolean changedState = false;
        lock.lock();
        try {
            if (state == DtlsState.HANDSHAKING || state == DtlsState.CONNECTED) {
                endLocked(terminal, event);
                changedState = true;
            }
        } finally {
            lock.unlock();
        }
        if (changedState) {
            wakeup.run();
        }
    }

    private final PeerListener peerListener = new PeerListener() {
        @Override
        public void cipherSuiteSelected(int cipherSuite) {
            lock.lock();
            try {
                minEncryptedPayload = WebRtcTlsSupport.minCiphertextLength(cipherSuite);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void closeNotifyReceived() {
            lock.lock();
            try {
                peerCloseNotify = true;
            } finally {
                lock.unlock();
            }
        }
    };

    private boolean peerClosed() {
        lock.lock();
        try {
            return peerCloseNotify;
        } finally {
            lock.unlock();
        }
    }

    private String describeFailure(Throwable e) {
        if (e instanceof TlsFatalAlertReceived received) {
            return "peer sent fatal alert " + AlertDescription.getName(received.getAlertDescription());
        }
        if (e instanceof TlsTimeoutException) {
            return timeoutReason();
        }
        if (peerClosed()) {
            return "peer closed the connection (close_notify) before the handshake finished";
        }
        if (e instanceof TlsFatalAlert alert) {
            return "fatal alert " + alert.getMessage()
                    + (alert.getCause() != null ? " (" + alert.getCause() + ")" : "");
        }
        if (e instanceof RuntimeException) {
            // Hostile records must end in an alert or an IOException; an unchecked exception out
            // of BouncyCastle or the bridge is a bug, and the reason says so (the fuzz target
            // DtlsFuzzTest#endpoint relies on it).
            return "internal error: " + e;
        }
        return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
    }

    // ------------------------------------------------------------------------------------------

    /**
     * BouncyCastle's view of the network: {@code send} queues for {@link #pollTransmit},
     * {@code receive} takes from the records {@link #handleDatagram} queued and otherwise blocks
     * until the caller's clock or a datagram says something happened.
     */
    private final class Bridge implements DatagramTransport {

        @Override
        public int getReceiveLimit() {
            return RECEIVE_LIMIT;
        }

        @Override
        public int getSendLimit() {
            return SEND_LIMIT;
        }

        /**
         * Returns one queued record, or -1 ("timed out") when the caller's clock asked for a
         * retransmission, or -1 when a post-handshake service call has nothing more to read. Before
         * returning -1 it lets BouncyCastle's own {@code waitMillis} elapse in real time, because
         * {@code DTLSRecordLayer.receive} keeps calling again until its wall-clock wait is over;
         * with the 1 ms resend setting that wait is almost always already over.
         */
        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            // While this thread waits for the peer or the caller's clock, its computing permit goes
            // to another handshake (DtlsHandshakePool); it is taken back only after the lock is
            // released, since the caller's threads take the lock to feed us.
            try {
                long remainingNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, waitMillis));
                lock.lock();
                try {
                    burst = Burst.UNDECIDED;
                    lastReceipt = Receipt.NONE;
                    while (true) {
                        if (transportClosed) {
                            throw new IOException("DTLS transport closed");
                        }
                        boolean handshaking = state == DtlsState.HANDSHAKING;
                        if (handshaking && closeRequested) {
                            break; // cancel below, outside the lock
                        }
                        if (handshaking && handshakeTimedOut) {
                            // Ends connect/accept as BouncyCastle's own handshake timeout would.
                            throw new TlsTimeoutException(timeoutReason());
                        }
                        byte[] record = inbound.poll();
                        if (record != null) {
                            if (record.length > len) {
                                malformedDropped++; // cannot happen: records are at most RECEIVE_LIMIT
                                continue;
                            }
                            if (DtlsRecords.epoch(record) > 0
                                    && record.length - DtlsRecords.HEADER_LENGTH < minEncryptedPayload) {
                                malformedDropped++; // see WebRtcTlsSupport.minCiphertextLength
                                continue;
                            }
                            System.arraycopy(record, 0, buf, off, record.length);
                            lastReceipt = Receipt.RECORD;
                            return record.length;
                        }
                        boolean returnTimeout = !handshaking || resendDue;
                        if (returnTimeout) {
                            if (remainingNanos <= 0) {
                                lastReceipt = handshaking ? Receipt.TIMEOUT : Receipt.NONE;
                                return -1;
                            }
                            pool.releaseWhileWaiting();
                            remainingNanos = changed.awaitNanos(remainingNanos);
                            continue;
                        }
                        waitingForInput = true;
                        changed.signalAll();
                        pool.releaseWhileWaiting();
                        try {
                            if (remainingNanos > 0) {
                                remainingNanos = changed.awaitNanos(remainingNanos);
                            } else {
                                changed.await();
                            }
                        } finally {
                            waitingForInput = false;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("DTLS handshake pool is shutting down");
                } finally {
                    lock.unlock();
                }
                // close() during the handshake. The peer's close handle re-enters send() and close(),
                // so it runs without our lock: DTLSRecordLayer.close sends user_canceled (once the peer
                // has spoken) and close_notify (RFC 5246 §7.2.2), then closes this transport.
                pool.resumeAfterWaiting();
                AbstractTlsPeer peer = activePeer;
                if (peer != null) {
                    peer.cancel();
                }
                throw new IOException("DTLS handshake cancelled by close()");
            } finally {
                pool.resumeAfterWaiting();
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            lock.lock();
            try {
                if (transportClosed) {
                    return;
                }
                if (state == DtlsState.HANDSHAKING && !admitHandshakeDatagramLocked(buf, off, len)) {
                    return;
                }
                outbound.add(Arrays.copyOfRange(buf, off, off + len));
            } finally {
                lock.unlock();
            }
            wakeup.run();
        }

        @Override
        public void close() {
            lock.lock();
            try {
                transportClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /**
         * During the handshake BouncyCastle may send a new flight, or resend its last flight. A
         * resend is let through only when the caller's clock asked for it; a resend BouncyCastle
         * decided on its own wall clock is dropped (see package-info). Alerts always pass.
         */
        private boolean admitHandshakeDatagramLocked(byte[] buf, int off, int len) {
            int type = len > 0 ? buf[off] & 0xff : -1;
            if (type == DtlsRecords.ALERT) {
                return true;
            }
            if (burst == Burst.UNDECIDED) {
                if (lastReceipt == Receipt.TIMEOUT) {
                    burst = Burst.TIMER_RETRANSMISSION;
                    timerRetransmissions++;
                    resendDue = false;
                } else if (startsNewFlight(buf, off, len, type)) {
                    burst = Burst.NEW_FLIGHT;
                    resendDue = false;
                } else {
                    burst = Burst.UNSOLICITED;
                    suppressedRetransmissions++;
                }
            }
            if (burst == Burst.UNSOLICITED) {
                return false;
            }
            highestSentMessageSeq = Math.max(highestSentMessageSeq, DtlsRecords.plaintextMessageSeq(buf, off, len));
            sentChangeCipherSpec |= type == DtlsRecords.CHANGE_CIPHER_SPEC;
            // RFC 6347 §4.2.4: the timer runs from the (re)transmission of the flight.
            timer.flightQueued(burst == Burst.NEW_FLIGHT);
            changed.signalAll();
            return true;
        }

        /**
         * A new flight starts with a handshake message never sent before (RFC 6347 §4.2.2: each
         * new message takes the next message_seq; a resend reuses them), or with the first
         * ChangeCipherSpec (the server's final flight, whose Finished is encrypted).
         */
        private boolean startsNewFlight(byte[] buf, int off, int len, int type) {
            int messageSeq = DtlsRecords.plaintextMessageSeq(buf, off, len);
            if (messageSeq >= 0) {
                return messageSeq > highestSentMessageSeq;
            }
            if (type == DtlsRecords.CHANGE_CIPHER_SPEC) {
                return !sentChangeCipherSpec;
            }
            return true;
        }
    }
}
