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

  private static final String SUBSET_ACCURACY = "subsetAccuracy";

  public double samplesPerSecond() {
    return seconds > 0 ? predictions / seconds : 0;
  }

  /** Whether the job is a regression: its metrics are errors, not accuracy. */
  public boolean regression() {
    return metrics.containsKey("rmse");
  }

  /**
   * Whether the job is multi-label: its accuracy is the Hamming accuracy, and the share of exactly
   * right label sets stands where a single-label classifier's kappa does.
   */
  private boolean multiLabel() {
    return metrics.containsKey(SUBSET_ACCURACY);
  }

  public String progressLine() {
    return String.format(
        Locale.ROOT,
        "[%5.1fs] samples %,d | predictions %,d (%,.0f/s) | %s | drifts %d | %s | checkpoints %,d",
        seconds,
        samples,
        predictions,
        samplesPerSecond(),
        quality(),
        drifts,
        KeyVersions.summary(versions),
        checkpoints);
  }

  public String summary() {
    return String.format(
        Locale.ROOT,
        "Done: %,d samples, %,d predictions, %,d trained, %,d checkpoints published, %s, %d drift"
            + " alerts, %,.0f samples/s",
        samples,
        predictions,
        trained,
        checkpoints,
        regression()
            ? String.format(
                Locale.ROOT,
                "over the last %,d predictions MAE %.4f RMSE %.4f",
                (long) metric("windowSize"),
                metric("mae"),
                metric("rmse"))
            : String.format(
                Locale.ROOT,
                "over the last %,d predictions accuracy %.4f %s %.4f log loss %.4f",
                (long) metric("windowSize"),
                metric("accuracy"),
                multiLabel() ? "subset accuracy" : "kappa",
                metric(secondAccuracy()),
                metric("logLoss")),
        drifts,
        samplesPerSecond());
  }

  /**
   * One JSON object. A classifier's quality is its accuracy, kappa and log loss over the last
   * accuracyWindow predictions (a multi-label one's its Hamming accuracy, subsetAccuracy and log
   * loss); a regression's its mae and rmse over the last errorWindow.
   */
  public String json() {
    String quality =
        regression()
            ? String.format(
                Locale.ROOT,
                "\"mae\":%.6f,\"rmse\":%.6f,\"errorWindow\":%d",
                metric("mae"),
                metric("rmse"),
                (long) metric("windowSize"))
            : String.format(
                Locale.ROOT,
                "\"accuracy\":%.6f,\"accuracyWindow\":%d,\"%s\":%.6f,\"logLoss\":%.6f",
                metric("accuracy"),
                (long) metric("windowSize"),
                secondAccuracy(),
                metric(secondAccuracy()),
                metric("logLoss"));
    return String.format(
        Locale.ROOT,
        "{\"samples\":%d,\"trained\":%d,\"predictions\":%d,\"checkpoints\":%d,%s,"
            + "\"drifts\":%d,\"samplesPerSecond\":%.1f}",
        samples,
        trained,
        predictions,
        checkpoints,
        quality,
        drifts,
        samplesPerSecond());
  }

  /** The progress line's figures of quality over the metrics window. */
  private String quality() {
    return String.format(
        Locale.ROOT,
        regression()
            ? "MAE(last %,d) %.3f RMSE %.3f"
            : "accuracy(last %,d) %.3f " + (multiLabel() ? "subset" : "kappa") + " %.3f",
        (long) metric("windowSize"),
        metric(regression() ? "mae" : "accuracy"),
        metric(regression() ? "rmse" : secondAccuracy()));
  }

  /** The figure beside the accuracy: kappa, or for a multi-label job the subset accuracy. */
  private String secondAccuracy() {
    return multiLabel() ? SUBSET_ACCURACY : "kappa";
  }

  /** A metric of the latest snapshot; 0 before the first one. */
  private double metric(String name) {
    return metrics.getOrDefault(name, 0.0);
  }
}
