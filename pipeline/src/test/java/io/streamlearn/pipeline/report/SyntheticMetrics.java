package io.streamlearn.pipeline.report;

import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A metrics stream with known values: the whole job and two keys, 50 snapshots each at positions
 * 100, 200, ..., 5000, whose accuracy rises from 0.5 to 0.9 until a drift, falls to 0.55 there and
 * recovers to a ceiling by position 5000. Kappa is {@code 2 * accuracy - 1} and log loss {@code 1.2
 * - accuracy}; every value is rounded to three decimals, so the last ones are exact:
 *
 * <ul>
 *   <li>{@link #KEY_A}: ADWIN drift at 2500, recovers to accuracy 0.85 (kappa 0.7, log loss 0.35),
 *       model version 11 at the end (one more every 5 snapshots);
 *   <li>{@link #KEY_B}: PAGE_HINKLEY drift at 3500, recovers to 0.8 (kappa 0.6, log loss 0.4),
 *       model version 6 (one more every 10 snapshots);
 *   <li>the whole job: accuracy dips at 3000 with no drift event (detectors watch keys), recovers
 *       to 0.875 (kappa 0.75, log loss 0.325), no model version.
 * </ul>
 *
 * Each snapshot also has the {@code @time} variants (accuracy minus 0.01, and so on) and {@code
 * predictions} equal to its position. Events come in time order, keys interleaved, as on the topic.
 */
public final class SyntheticMetrics {

  public static final String KEY_A = "sensor-a";
  public static final String KEY_B = "sensor/b";
  public static final long DRIFT_A = 2500;
  public static final long DRIFT_B = 3500;
  public static final int SNAPSHOTS_PER_KEY = 50;
  public static final long STEP = 100;

  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private SyntheticMetrics() {}

  public static List<MetricsEvent> stream() {
    List<MetricsEvent> events = new ArrayList<>();
    for (int i = 1; i <= SNAPSHOTS_PER_KEY; i++) {
      long position = i * STEP;
      events.add(snapshot(null, position, accuracy(position, 3000, 0.875), null));
      events.add(snapshot(KEY_A, position, accuracy(position, DRIFT_A, 0.85), 1L + i / 5));
      events.add(snapshot(KEY_B, position, accuracy(position, DRIFT_B, 0.8), 1L + i / 10));
      if (position == DRIFT_A) {
        events.add(drift(KEY_A, DRIFT_A, "ADWIN", "RESET", 1L + i / 5));
      }
      if (position == DRIFT_B) {
        events.add(drift(KEY_B, DRIFT_B, "PAGE_HINKLEY", "ALERT", 1L + i / 10));
      }
    }
    return events;
  }

  private static double accuracy(long position, long drift, double ceiling) {
    long end = SNAPSHOTS_PER_KEY * STEP;
    double accuracy =
        position <= drift
            ? 0.5 + 0.4 * position / drift
            : 0.55 + (ceiling - 0.55) * (position - drift) / (end - drift);
    return round(accuracy);
  }

  private static MetricsEvent snapshot(String key, long position, double accuracy, Long version) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", accuracy);
    metrics.put("kappa", round(2 * accuracy - 1));
    metrics.put("logLoss", round(1.2 - accuracy));
    metrics.put("accuracy@time", round(accuracy - 0.01));
    metrics.put("kappa@time", round(2 * accuracy - 1.02));
    metrics.put("logLoss@time", round(1.21 - accuracy));
    metrics.put("predictions", (double) position);
    return event(MetricsEventKind.SNAPSHOT, key, position, version, metrics).build();
  }

  private static MetricsEvent drift(
      String key, long position, String detector, String reaction, long version) {
    return event(
            MetricsEventKind.DRIFT,
            key,
            position,
            version,
            Map.of("estimation", 0.62, "width", 640.0))
        .setDetector(detector)
        .setReaction(reaction)
        .build();
  }

  private static MetricsEvent.Builder event(
      MetricsEventKind kind, String key, long position, Long version, Map<String, Double> metrics) {
    return MetricsEvent.newBuilder()
        .setKind(kind)
        .setKey(key)
        .setPosition(position)
        .setTime(START.plusSeconds(position))
        .setModelVersion(version)
        .setMetrics(metrics);
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
