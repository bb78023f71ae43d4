package io.streamlearn.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A time per sample, by sample id ({@code <key>-<n>}, n counting the key's samples from 0): one
 * growable array of longs per key. The latency benchmark notes when each of a few hundred thousand
 * samples was sent and when its prediction arrived, in the JVM the job runs in; kept as boxed map
 * entries those notes were some 250 bytes per sample that every young collection of the job's JVM
 * copied. Thread-safe: a consumer thread writes while the benchmark's thread counts.
 */
final class SampleTimes {

  private static final long NONE = Long.MIN_VALUE;

  /** What {@link #forEach} hands over: a sample's key, its number within the key, its time. */
  @FunctionalInterface
  interface Entry {
    void accept(String key, int n, long time);
  }

  private final Map<String, long[]> byKey = new LinkedHashMap<>();
  private int size;

  /** Notes {@code time} for the sample unless it has one. */
  synchronized void putIfAbsent(String sampleId, long time) {
    int dash = sampleId.lastIndexOf('-');
    String key = sampleId.substring(0, dash);
    int n = Integer.parseInt(sampleId.substring(dash + 1));
    long[] times = byKey.get(key);
    if (times == null || times.length <= n) {
      int length = Math.max(n + 1, times == null ? 1_024 : times.length * 2);
      long[] grown = new long[length];
      Arrays.fill(grown, NONE);
      if (times != null) {
        System.arraycopy(times, 0, grown, 0, times.length);
      }
      times = grown;
      byKey.put(key, times);
    }
    if (times[n] == NONE) {
      times[n] = time;
      size++;
    }
  }

  synchronized int size() {
    return size;
  }

  /** The time of the key's sample n. */
  synchronized long get(String key, int n) {
    long[] times = byKey.get(key);
    if (times == null || n >= times.length || times[n] == NONE) {
      throw new IllegalStateException("No time for sample " + key + "-" + n);
    }
    return times[n];
  }

  /** Every sample with a time, key by key, in the order of its number. */
  synchronized void forEach(Entry entry) {
    byKey.forEach(
        (key, times) -> {
          for (int n = 0; n < times.length; n++) {
            if (times[n] != NONE) {
              entry.accept(key, n, times[n]);
            }
          }
        });
  }
}
