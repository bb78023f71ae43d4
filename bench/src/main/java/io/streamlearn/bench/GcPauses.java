package io.streamlearn.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The stop-the-world collections of this JVM while it is open, as the JVM reports them: the job
 * runs in this JVM, so every pause stops its task threads, and a sample that arrives during one
 * waits it out. G1's collectors report each pause; a concurrent collector (ZGC) reports its pauses
 * under a bean of its own ("ZGC Pauses"), and its cycles, which do not stop the job, are left out.
 */
final class GcPauses implements AutoCloseable {

  private final List<Long> pauseMillis = new CopyOnWriteArrayList<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final NotificationListener listener = this::collected;

  GcPauses() {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter && stopsTheWorld(collector.getName())) {
        emitter.addNotificationListener(listener, null, null);
        emitters.add(emitter);
      }
    }
  }

  /** ZGC's "ZGC Cycles" run beside the application; every other collector here pauses it. */
  private static boolean stopsTheWorld(String collector) {
    return !collector.endsWith("Cycles");
  }

  private void collected(Notification notification, Object handback) {
    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) {
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
      pauseMillis.add(info.getGcInfo().getDuration());
    }
  }

  /** Pauses so far, their longest and their sum, in milliseconds. */
  String summary() {
    long longest = pauseMillis.stream().mapToLong(Long::longValue).max().orElse(0);
    long total = pauseMillis.stream().mapToLong(Long::longValue).sum();
    return "pauses " + pauseMillis.size() + ", longest " + longest + " ms, total " + total + " ms";
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(listener);
      } catch (ListenerNotFoundException e) {
        // Not registered: nothing to remove.
      }
    }
  }
}
