package io.relaycast.node.room;

import io.relaycast.node.cluster.MemberRecord;
import io.relaycast.node.cluster.MembershipStore;
import io.relaycast.node.cluster.Reachability;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Brings every local room back in line with the cluster's membership after the cluster's member
 * list changed: a node joined or left, or a partition healed and this side merged (docs/architecture.md,
 * "Partitions"). One pass: every room rewrites its own peers' records (a split-brain merge keeps
 * only what each side held, and may lose some), then the live records are read once and every
 * room tells its members the difference ({@link Room#reconcile}).
 *
 * <p>One pass right after the change is not enough: the other side's records and event-bus
 * registrations reach this node's view of the cluster only as the merge completes on every
 * member, a few seconds apart. So each change starts a short series of passes, at
 * {@link #PASS_DELAYS_MILLIS} after it; a further change restarts the series. Passes never
 * overlap. Passes are idempotent: a peer is announced only when the room's member list changes.
 */
public final class Reconciler {
    private static final Logger LOG = Logger.getLogger(Reconciler.class.getName());
    /** Offsets from the latest change: the first at once, the last ~10 s on, when any merge has long settled. */
    static final long[] PASS_DELAYS_MILLIS = {0, 1000, 3000, 6000, 10_000};

    /** Timers on the node's clock: Vert.x's in the node, the virtual clock's in the simulation. */
    public interface Timers {
        long setTimer(long delayMillis, Runnable task);

        void cancelTimer(long id);
    }

    /** Vert.x's timers (they fire on whichever event loop they were set from). */
    public static Timers timersOf(Vertx vertx) {
        return new Timers() {
            @Override
            public long setTimer(long delayMillis, Runnable task) {
                return vertx.setTimer(delayMillis, id -> task.run());
            }

            @Override
            public void cancelTimer(long id) {
                vertx.cancelTimer(id);
            }
        };
    }

    private final Timers timers;
    private final RoomManager rooms;
    private final MembershipStore store;
    private final Reachability reachability;
    private final List<Long> pending = new ArrayList<>();
    private boolean running;
    private boolean again;
    private long passes;

    public Reconciler(Timers timers, RoomManager rooms, MembershipStore store, Reachability reachability) {
        this.timers = timers;
        this.rooms = rooms;
        this.store = store;
        this.reachability = reachability;
    }

    /**
     * The cluster's member list changed (any thread): (re)starts the series of passes. The state
     * below is guarded by this object's monitor: Hazelcast calls in on its own threads and
     * Vert.x timers fire on whichever event loop they were set from.
     */
    public synchronized void viewChanged() {
        for (long id : pending) {
            timers.cancelTimer(id);
        }
        pending.clear();
        for (long delay : PASS_DELAYS_MILLIS) {
            if (delay == 0) {
                requestPass();
            } else {
                long[] self = new long[1];
                self[0] = timers.setTimer(delay, () -> {
                    synchronized (this) {
                        pending.remove(self[0]);
                        requestPass();
                    }
                });
                pending.add(self[0]);
            }
        }
    }

    /** Passes completed since start (tests). */
    public synchronized long passes() {
        return passes;
    }

    private synchronized void requestPass() {
        if (running) {
            again = true; // one more once the current pass is done
            return;
        }
        running = true;
        Future<Void> pass;
        try {
            pass = pass();
        } catch (RuntimeException e) {
            pass = Future.failedFuture(e);
        }
        pass.onComplete(ar -> {
            if (ar.failed()) {
                LOG.warning("room reconciliation failed: " + ar.cause());
            }
            synchronized (this) {
                running = false;
                passes++;
                if (again) {
                    again = false;
                    requestPass();
                }
            }
        });
    }

    /** One pass over every room, now (tests; passes may overlap a running series harmlessly). */
    public Future<Void> pass() {
        List<Room> snapshot = rooms.openRooms();
        List<Future<Long>> marks = new ArrayList<>(snapshot.size());
        for (Room r : snapshot) {
            Promise<Long> mark = Promise.promise();
            r.execute(() -> r.reassertLocal().onComplete(mark));
            marks.add(mark.future());
        }
        // Joins are announced only for peers of nodes whose event bus answers (BusReachability):
        // a stranger that joined Hazelcast without our event-bus certificate stays unannounced.
        return Future.join(marks).compose(v -> store.all()).compose(records -> {
            Set<String> nodes = new HashSet<>();
            for (MemberRecord r : records) {
                nodes.add(r.busNodeId());
            }
            return reachability.reachable(nodes).map(reachable -> new Snapshot(records, reachable));
        }).compose(live -> {
            List<MemberRecord> records = live.records();
            int orphans = eraseOrphans(records);
            List<Future<int[]>> done = new ArrayList<>(snapshot.size());
            for (int i = 0; i < snapshot.size(); i++) {
                Room r = snapshot.get(i);
                Future<Long> mark = marks.get(i);
                if (mark.failed()) {
                    continue;
                }
                Promise<int[]> changes = Promise.promise();
                // One signaling task per room: each local subscriber gets one offer for all the
                // peers and tracks the reconciliation brings back, not one per track.
                r.execute(() -> r.runAsSignalingTask(() -> {
                    try {
                        changes.complete(r.reconcile(mark.result(), records, live.reachable()));
                    } catch (RuntimeException e) {
                        changes.fail(e);
                    }
                }));
                done.add(changes.future());
            }
            return Future.join(done).map(all -> {
                int joined = 0;
                int left = 0;
                int erased = orphans;
                for (Future<int[]> f : done) {
                    if (f.succeeded()) {
                        joined += f.result()[0];
                        left += f.result()[1];
                        erased += f.result()[2];
                    }
                }
                if (joined + left + erased > 0) {
                    int j = joined;
                    int l = left;
                    int e = erased;
                    LOG.warning(() -> "reconciled " + snapshot.size() + " room(s) with the cluster: " + j
                            + " peer(s) announced joined, " + l + " left, " + e + " stale record(s) of this node erased");
                }
                return (Void) null;
            });
        });
    }

    /**
     * Erases records that name this node for a room that has no part on the record's worker here: no peer here
     * stands behind them (a record is written by its room, before its peer's welcome, and the
     * room lives until its last peer left). Rooms that do exist here judge their own records
     * (Room.reconcile), since only they know who is being admitted.
     */
    private int eraseOrphans(List<MemberRecord> records) {
        String own = rooms.busNodeId();
        int erased = 0;
        for (MemberRecord r : records) {
            if (r.busNodeId().equals(own) && !rooms.hasRoom(r.roomId(), r.worker())) {
                store.remove(r.peerId()).onFailure(e -> LOG.warning("stale record delete failed for " + r.peerId() + ": " + e));
                erased++;
            }
        }
        return erased;
    }

    /** The live records of one pass and the nodes among them this node's event bus reaches. */
    private record Snapshot(List<MemberRecord> records, Set<String> reachable) {
    }
}
