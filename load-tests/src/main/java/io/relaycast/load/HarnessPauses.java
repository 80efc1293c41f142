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
 * ("ZGC Cycles", "G1 Concurrent GC", "Shenandoah Cycles") are left out.
 */
final class HarnessPauses implements AutoCloseable {
    /** One pause: when it ended (seconds into the run) and how long it lasted. */
    record Pause(double endSeconds, double millis) {
    }

    private final List<Pause> pauses = new ArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final DoubleSupplier runSeconds;
    private final NotificationListener listener = this::onNotification;

    /** @param runSeconds the run's clock (seconds since the harness started) */
    HarnessPauses(DoubleSupplier runSeconds) {
        this.runSeconds = runSeconds;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e && !isConcurrent(gc.getName())) {
                e.addNotificationListener(listener, null, null);
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
        record(runSeconds.getAsDouble(), info.getGcInfo().getDuration());
    }

    /** A pause of {@code millis} that ended at {@code endSeconds} (notifications come on a JMX thread). */
    synchronized void record(double endSeconds, double millis) {
        pauses.add(new Pause(endSeconds, millis));
    }

    /** The pauses that ended within [from, to] seconds. */
    synchronized List<Pause> within(double from, double to) {
        List<Pause> in = new ArrayList<>();
        for (Pause p : pauses) {
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
