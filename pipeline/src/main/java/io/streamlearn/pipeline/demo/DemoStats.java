package io.streamlearn.pipeline.demo;

import io.streamlearn.pipeline.progress.KeyVersions;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo has seen on its output topics at one moment.
 *
 * @param samples samples written to the samples topic
 * @param predictions predictions read (committed) from the predictions topic
 * @param trained labeled samples the published models were trained on (sum over keys of the latest
 *     checkpoint's samplesSeen)
 * @param checkpoints model checkpoints read from the checkpoints topic
 * @param metrics the whole job's latest prequential metrics snapshot from the metrics topic
 * @param drifts drift alerts on the metrics topic, over all keys
 * @param versions latest model version per key, from the predictions
 * @param seconds seconds since the job started
 */
public record DemoStats(
    long samples,
    long predictions,
    long trained,
    long checkpoints,
    Map<String, Double> metrics,
    long drifts,
    Map<String, Long> versions,
    double seconds) {

  public double samplesPerSecond() {
    return seconds > 0 ? predictions / seconds : 0;
  }

  public String progressLine() {
    return String.format(
        Locale.ROOT,
        "[%5.1fs] samples %,d | predictions %,d (%,.0f/s) | accuracy(last %,d) %.3f kappa %.3f"
            + " | drifts %d | %s | checkpoints %,d",
        seconds,
        samples,
        predictions,
        samplesPerSecond(),
        (long) metric("windowSize"),
        metric("accuracy"),
        metric("kappa"),
        drifts,
        KeyVersions.summary(versions),
        checkpoints);
  }

  public String summary() {
    return String.format(
        Locale.ROOT,
        "Done: %,d samples, %,d predictions, %,d trained, %,d checkpoints published, over the"
            + " last %,d predictions accuracy %.4f kappa %.4f log loss %.4f, %d drift alerts,"
            + " %,.0f samples/s",
        samples,
        predictions,
        trained,
        checkpoints,
        (long) metric("windowSize"),
        metric("accuracy"),
        metric("kappa"),
        metric("logLoss"),
        drifts,
        samplesPerSecond());
  }

  public String json() {
    return String.format(
        Locale.ROOT,
        "{\"samples\":%d,\"trained\":%d,\"predictions\":%d,\"checkpoints\":%d,"
            + "\"accuracy\":%.6f,\"accuracyWindow\":%d,\"kappa\":%.6f,\"logLoss\":%.6f,"
            + "\"drifts\":%d,\"samplesPerSecond\":%.1f}",
        samples,
        trained,
        predictions,
        checkpoints,
        metric("accuracy"),
        (long) metric("windowSize"),
        metric("kappa"),
        metric("logLoss"),
        drifts,
        samplesPerSecond());
  }

  /** A metric of the latest snapshot; 0 before the first one. */
  private double metric(String name) {
    return metrics.getOrDefault(name, 0.0);
  }
}
