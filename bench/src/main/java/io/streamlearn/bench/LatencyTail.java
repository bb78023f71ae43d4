package io.streamlearn.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a live run's slow predictions were: the stretches of send time in which samples waited
 * longer than a bound for their predictions, and the longest pauses between the trainer's
 * consecutive predictions, in seconds from the first sample sent. A tail made of a few stretches in
 * which the trainer predicted nothing is a stall of the trainer; a trainer that kept predicting
 * while samples waited fell behind them (the benchmark prints where the CPU went in the largest
 * stretch, {@link CpuUse}).
 */
final class LatencyTail {

  /** Samples sent within this many milliseconds of each other belong to one stretch. */
  private static final long STRETCH_GAP_MS = 50;

  private static final int SHOWN = 3;

  private final List<Sample> bySent;
  private final long slowMs;
  private final List<Stretch> stretches;

  /**
   * @param samples every sample of the run, its send time and its prediction's time
   * @param slowMs the bound above which a sample's wait counts as slow
   */
  LatencyTail(List<Sample> samples, long slowMs) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("No samples");
    }
    bySent = new ArrayList<>(samples);
    bySent.sort(Comparator.comparingLong(Sample::sent));
    this.slowMs = slowMs;
    stretches = stretches(bySent, slowMs);
  }

  /** One sample's send time and its prediction's time, in epoch milliseconds. */
  record Sample(long sent, long predicted) {
    long waited() {
      return predicted - sent;
    }
  }

  /** The send times of the first and last sample of the stretch with most slow samples. */
  Optional<long[]> largestStretch() {
    return stretches.stream()
        .max(Comparator.comparingLong((Stretch stretch) -> stretch.count))
        .map(stretch -> new long[] {stretch.firstSent, stretch.lastSent});
  }

  /** The largest stretches and the trainer's longest pauses. */
  String describe() {
    long origin = bySent.get(0).sent();
    long slow = stretches.stream().mapToLong(stretch -> stretch.count).sum();
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "  waits over %d ms: %,d samples in %d stretches of send time; the largest (s from the"
                + " first send: samples, longest wait):",
            slowMs,
            slow,
            stretches.size()));
    stretches.stream()
        .sorted(Comparator.comparingLong((Stretch stretch) -> stretch.count).reversed())
        .limit(SHOWN)
        .forEach(
            stretch ->
                text.append(
                    String.format(
                        Locale.ROOT,
                        " %s-%s: %,d, %d ms;",
                        seconds(stretch.firstSent - origin),
                        seconds(stretch.lastSent - origin),
                        stretch.count,
                        stretch.longestWait)));
    long[] predicted = bySent.stream().mapToLong(Sample::predicted).sorted().toArray();
    text.append("\n  longest pauses between the trainer's predictions (s from the first send):");
    for (long[] pause : longestPauses(predicted)) {
      text.append(
          String.format(
              Locale.ROOT, " %d ms from %s;", pause[1] - pause[0], seconds(pause[0] - origin)));
    }
    return text.toString();
  }

  /** Consecutive slow samples by send time, split where no slow sample came for a while. */
  private static List<Stretch> stretches(List<Sample> bySent, long slowMs) {
    List<Stretch> stretches = new ArrayList<>();
    Stretch current = null;
    for (Sample sample : bySent) {
      if (sample.waited() <= slowMs) {
        continue;
      }
      if (current == null || sample.sent() - current.lastSent > STRETCH_GAP_MS) {
        current = new Stretch(sample.sent());
        stretches.add(current);
      }
      current.add(sample);
    }
    return stretches;
  }

  /** The longest gaps between consecutive prediction times: [from, to] each, longest first. */
  private static List<long[]> longestPauses(long[] predicted) {
    Comparator<long[]> longestFirst =
        Comparator.comparingLong((long[] pause) -> pause[1] - pause[0]).reversed();
    List<long[]> longest = new ArrayList<>(SHOWN + 1);
    for (int i = 1; i < predicted.length; i++) {
      long gap = predicted[i] - predicted[i - 1];
      long[] shortestKept = longest.isEmpty() ? null : longest.get(longest.size() - 1);
      if (longest.size() < SHOWN || gap > shortestKept[1] - shortestKept[0]) {
        longest.add(new long[] {predicted[i - 1], predicted[i]});
        longest.sort(longestFirst);
        if (longest.size() > SHOWN) {
          longest.remove(SHOWN);
        }
      }
    }
    return longest;
  }

  private static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
  }

  private static final class Stretch {
    private final long firstSent;
    private long lastSent;
    private long count;
    private long longestWait;

    Stretch(long firstSent) {
      this.firstSent = firstSent;
      this.lastSent = firstSent;
    }

    void add(Sample sample) {
      lastSent = sample.sent();
      count++;
      longestWait = Math.max(longestWait, sample.waited());
    }
  }
}
