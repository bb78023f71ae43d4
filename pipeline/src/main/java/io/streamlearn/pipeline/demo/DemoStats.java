package io.streamlearn.pipeline.demo;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the demo has seen on its output topics at one moment.
 *
 * @param samples samples written to the samples topic
 * @param predictions predictions read (committed) from the predictions topic
 * @param trained labeled samples the published models were trained on (sum over keys of the latest
 *     checkpoint's samplesSeen)
 * @param checkpoints model checkpoints read from the checkpoints topic
 * @param accuracy prequential accuracy over the last {@code window} labeled predictions
 * @param window number of predictions {@code accuracy} is over
 * @param versions latest model version per key, from the predictions
 * @param seconds seconds since the job started
 */
public record DemoStats(
    long samples,
    long predictions,
    long trained,
    long checkpoints,
    double accuracy,
    int window,
    Map<String, Long> versions,
    double seconds) {

  public double samplesPerSecond() {
    return seconds > 0 ? predictions / seconds : 0;
  }

  public String progressLine() {
    String keyVersions =
        versions.entrySet().stream()
            .map(e -> e.getKey() + ":v" + e.getValue())
            .collect(Collectors.joining(" "));
    return String.format(
        Locale.ROOT,
        "[%5.1fs] samples %,d | predictions %,d (%,.0f/s) | accuracy(last %,d) %.3f | versions %s"
            + " | checkpoints %,d",
        seconds,
        samples,
        predictions,
        samplesPerSecond(),
        window,
        accuracy,
        keyVersions,
        checkpoints);
  }

  public String summary() {
    return String.format(
        Locale.ROOT,
        "Done: %,d samples, %,d predictions, %,d trained, %,d checkpoints published,"
            + " accuracy over the last %,d predictions %.4f, %,.0f samples/s",
        samples,
        predictions,
        trained,
        checkpoints,
        window,
        accuracy,
        samplesPerSecond());
  }

  public String json() {
    return String.format(
        Locale.ROOT,
        "{\"samples\":%d,\"trained\":%d,\"predictions\":%d,\"checkpoints\":%d,"
            + "\"accuracy\":%.6f,\"accuracyWindow\":%d,\"samplesPerSecond\":%.1f}",
        samples,
        trained,
        predictions,
        checkpoints,
        accuracy,
        window,
        samplesPerSecond());
  }
}
