package io.streamlearn.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Where the CPU went while a job ran in this JVM: the JVM's own CPU time, the part of it each of
 * its busiest threads took, the time its JIT compilers spent, and the broker's JVM. Everything is
 * read every 100 ms (a job's task threads end with the job, so their CPU times are read while they
 * live), so the time between a job's first prediction and its last can be cut out of a run, as the
 * throughput figures are timed. Printed per 1,000 samples, beside the wall time of a one-threaded
 * ceiling (a bare DL4J loop, the fused core), it tells whether the job's trainer thread or the
 * machine's two cores hold a figure where it is.
 */
final class CpuUse {

  private static final long SAMPLE_MILLIS = 100;
  private static final int BUSIEST = 4;

  private final ProcessHandle broker;
  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final com.sun.management.OperatingSystemMXBean system =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final Map<Long, String> names = new HashMap<>();
  private final Map<String, Long> compilerTicks = new HashMap<>();
  private final List<Reading> readings = new ArrayList<>();
  private final ScheduledExecutorService sampler =
      Executors.newSingleThreadScheduledExecutor(
          work -> {
            Thread thread = new Thread(work, "cpu-use-sampler");
            thread.setDaemon(true);
            return thread;
          });

  /** One reading: when, and each CPU time so far, in nanoseconds; the threads' by thread id. */
  private record Reading(
      long epochMillis, long jvm, long compilers, long broker, Map<Long, Long> threads) {}

  private CpuUse(ProcessHandle broker) {
    this.broker = broker;
  }

  /** Starts reading this JVM's and the broker's CPU times every 100 ms. */
  static CpuUse start(ProcessHandle broker) {
    CpuUse use = new CpuUse(broker);
    use.sampler.scheduleAtFixedRate(use::read, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    return use;
  }

  private synchronized void read() {
    long[] ids = threads.getAllThreadIds();
    long[] nanos = threads.getThreadCpuTime(ids);
    Map<Long, Long> byThread = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (nanos[i] >= 0) {
        byThread.put(ids[i], nanos[i]);
        names.computeIfAbsent(ids[i], this::threadName);
      }
    }
    readings.add(
        new Reading(
            System.currentTimeMillis(),
            system.getProcessCpuTime(),
            compilerCpuNanos(),
            broker.info().totalCpuDuration().map(Duration::toNanos).orElse(0L),
            byThread));
  }

  /**
   * CPU time of the JVM's JIT compiler threads so far, read from /proc (they are hidden from the
   * thread MXBean). The compilation MXBean's total counts elapsed compile time, which on 2 busy
   * cores includes the time compiler threads waited for one. A compiler thread that ended counts
   * with its last reading.
   */
  private long compilerCpuNanos() {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String comm = Files.readString(task.resolve("comm")).strip();
          if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
            String stat = Files.readString(task.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // utime and stime, the 14th and 15th fields, in clock ticks of 10 ms (USER_HZ 100).
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            compilerTicks.put(task.getFileName().toString(), ticks);
          }
        } catch (IOException | RuntimeException ended) {
          // The thread ended between listing and reading: its last reading stays.
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return compilerTicks.values().stream().mapToLong(Long::longValue).sum()
        * TimeUnit.MILLISECONDS.toNanos(10);
  }

  private String threadName(long id) {
    ThreadInfo info = threads.getThreadInfo(id);
    return info == null ? "thread " + id : info.getThreadName();
  }

  /** Stops reading. */
  synchronized CpuUse stop() {
    read();
    sampler.shutdownNow();
    return this;
  }

  /**
   * What each part took from the last reading at or before {@code fromMillis} to the last at or
   * before {@code toMillis} (epoch milliseconds): a thread that ended in between counts to its last
   * reading, one that started in between from zero.
   */
  synchronized Spent between(long fromMillis, long toMillis) {
    Reading from = readings.get(0);
    Map<Long, Long> atFrom = new HashMap<>(from.threads());
    Map<Long, Long> latest = new HashMap<>(from.threads());
    Reading to = from;
    for (Reading reading : readings) {
      if (reading.epochMillis() > toMillis) {
        break;
      }
      latest.putAll(reading.threads());
      if (reading.epochMillis() <= fromMillis) {
        from = reading;
        atFrom = new HashMap<>(latest);
      }
      to = reading;
    }
    Map<String, Long> byName = new HashMap<>();
    for (Map.Entry<Long, Long> thread : latest.entrySet()) {
      long spent = thread.getValue() - atFrom.getOrDefault(thread.getKey(), 0L);
      byName.merge(names.get(thread.getKey()), spent, Long::sum);
    }
    List<Map.Entry<String, Long>> busiest =
        byName.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
            .limit(BUSIEST)
            .toList();
    return new Spent(
        TimeUnit.MILLISECONDS.toNanos(to.epochMillis() - from.epochMillis()),
        to.jvm() - from.jvm(),
        to.compilers() - from.compilers(),
        to.broker() - from.broker(),
        busiest);
  }

  /**
   * CPU nanoseconds spent while a job ran: this JVM's, the JIT compiler threads' part of it, the
   * broker JVM's, and this JVM's busiest threads (by name; a job's task threads are named after
   * their chains).
   */
  record Spent(
      long wallNanos,
      long jvmNanos,
      long compilerNanos,
      long brokerNanos,
      List<Map.Entry<String, Long>> busiestThreads) {

    /** Milliseconds per 1,000 samples, of wall time and of each part's CPU. */
    String perThousand(long samples) {
      double per = 1e6 * samples / 1_000;
      String threads = busiestThreads("%s %.1f", per);
      return String.format(
          Locale.ROOT,
          "per 1,000 samples: wall %.1f ms; CPU of the job's JVM %.1f ms (JIT compilers %.1f;"
              + " busiest threads: %s), of the broker %.1f ms",
          wallNanos / per,
          jvmNanos / per,
          compilerNanos / per,
          threads,
          brokerNanos / per);
    }

    /** Cores busy on average (CPU seconds per second), by part. */
    String cores() {
      double wall = Math.max(1, wallNanos);
      String threads = busiestThreads("%s %.2f", wall);
      return String.format(
          Locale.ROOT,
          "over %.1f s, cores busy: the job's JVM %.2f (JIT compilers %.2f; busiest threads: %s),"
              + " the broker %.2f",
          wallNanos / 1e9,
          jvmNanos / wall,
          compilerNanos / wall,
          threads,
          brokerNanos / wall);
    }

    /** The busiest threads' names and CPU nanoseconds over {@code divisor}, in {@code format}. */
    private String busiestThreads(String format, double divisor) {
      return busiestThreads.stream()
          .map(
              thread ->
                  String.format(
                      Locale.ROOT, format, shortName(thread.getKey()), thread.getValue() / divisor))
          .collect(Collectors.joining(", "));
    }

    /** A task thread's name up to its chain's first operator: "predict then train", "main". */
    private static String shortName(String name) {
      int chain = name.indexOf(" -> ");
      int subtask = name.indexOf(" (");
      int end = chain >= 0 ? chain : subtask >= 0 ? subtask : name.length();
      return name.substring(0, end);
    }
  }
}
