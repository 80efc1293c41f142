package io.relaycast.load;

import com.sun.management.GarbageCollectionNotificationInfo;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The harness JVM's own garbage-collection pauses, each with the run time it ended at. A pause
 * stops the receiving thread too, so datagrams arriving meanwhile are stamped late and the
 * run's latency tail (p99, max) includes it: the result says how many pauses fell in the window
 * and the longest, and a long one makes the harness judge itself limited.
 *
 * <p>Collectors report through their MXBeans' notifications (HotSpot's
 * {@link GarbageCollectionNotificationInfo}). Beans that report concurrent work rather than pauses
 * ("ZGC Cycles", "G1 Concurrent GC", "Shenandoah Cycles") are kept apart as cycles: a concurrent
 * cycle stops nothing, but on the harness's one core its worker competes with the receiving
 * thread for as long as it marks and relocates (a ZGC cycle in a rooms20 window came with a
 * second of 150-200 ms p99 in Relaycast's and the floor's runs alike), so the result lists
 * when each one ended, to line up with the run's bad seconds.
 */
final class HarnessPauses implements AutoCloseable {
    /** One pause: when it ended (seconds into the run) and how long it lasted. */
    record Pause(double endSeconds, double millis) {
    }

    private final List<Pause> pauses = new ArrayList<>();
    private final List<Pause> cycles = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final DoubleSupplier runSeconds;
    private final NotificationListener listener = this::onNotification;

    /** @param runSeconds the run's clock (seconds since the harness started) */
    HarnessPauses(DoubleSupplier runSeconds) {
        this.runSeconds = runSeconds;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(listener, null, gc.getName());
                emitters.add(e);
            }
        }
    }

    static boolean isConcurrent(String beanName) {
        return beanName.contains("Cycles") || beanName.contains("Concurrent");
    }

    private void onNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        double millis = info.getGcInfo().getDuration();
        if (isConcurrent((String) handback)) {
            recordCycle(runSeconds.getAsDouble(), millis);
        } else {
            record(runSeconds.getAsDouble(), millis);
        }
    }

    /** A pause of {@code millis} that ended at {@code endSeconds} (notifications come on a JMX thread). */
    synchronized void record(double endSeconds, double millis) {
        pauses.add(new Pause(endSeconds, millis));
    }

    /** A concurrent cycle of {@code millis} that ended at {@code endSeconds}. */
    synchronized void recordCycle(double endSeconds, double millis) {
        cycles.add(new Pause(endSeconds, millis));
    }

    /** The pauses that ended within [from, to] seconds. */
    synchronized List<Pause> within(double from, double to) {
        return between(pauses, from, to);
    }

    /** The concurrent cycles that ended within [from, to] seconds. */
    synchronized List<Pause> cyclesWithin(double from, double to) {
        return between(cycles, from, to);
    }

    private static List<Pause> between(List<Pause> all, double from, double to) {
        List<Pause> in = new ArrayList<>();
        for (Pause p : all) {
            if (p.endSeconds() >= from && p.endSeconds() <= to) {
                in.add(p);
            }
        }
        return in;
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // never added: nothing to remove
            }
        }
    }
}
