package io.streamlearn.pipeline.generate;

import static io.streamlearn.pipeline.generate.GeneratedSamples.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.schemas.LabeledSample;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RotatingHyperplaneTest {

  private static final int FEATURES = 10;
  private static final int KEYS = 4;

  @Test
  void sameSeedGivesTheSameStreamAndAnotherSeedAnother() {
    List<LabeledSample> first = take(new RotatingHyperplane(42, FEATURES, KEYS, 0.01, 0.1), 500);
    List<LabeledSample> again = take(new RotatingHyperplane(42, FEATURES, KEYS, 0.01, 0.1), 500);
    List<LabeledSample> other = take(new RotatingHyperplane(43, FEATURES, KEYS, 0.01, 0.1), 500);

    assertThat(again).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void keysTakeTurnsWithCountingIdsAndMillisecondEventTimes() {
    List<LabeledSample> samples = take(new RotatingHyperplane(1, 3, 2, 0, 0), 5);

    assertThat(samples)
        .extracting(LabeledSample::getKey, LabeledSample::getId)
        .containsExactly(
            tuple("key-0", "key-0-0"),
            tuple("key-1", "key-1-0"),
            tuple("key-0", "key-0-1"),
            tuple("key-1", "key-1-1"),
            tuple("key-0", "key-0-2"));
    assertThat(samples)
        .extracting(LabeledSample::getEventTime)
        .containsExactly(
            IntStream.range(0, 5)
                .mapToObj(i -> Instant.parse("2024-01-01T00:00:00Z").plusMillis(i))
                .toArray(Instant[]::new));
    assertThat(samples)
        .allSatisfy(
            sample -> {
              assertThat(sample.getFeatures())
                  .hasSize(3)
                  .allSatisfy(x -> assertThat(x).isBetween(0f, 1f));
              assertThat(sample.getLabel()).isIn(0, 1);
              assertThat(sample.getTarget()).isNull();
            });
  }

  @Test
  void aFixedConceptIsLearnableByLogisticRegressionAndBalanced() {
    List<LabeledSample> samples = take(new RotatingHyperplane(7, FEATURES, KEYS, 0, 0), 20_000);

    double accuracy = prequentialAccuracyOfLogisticRegression(samples, 2_000);
    double ones = samples.stream().filter(s -> s.getLabel() == 1).count() / (double) samples.size();

    assertThat(accuracy).isGreaterThanOrEqualTo(0.9);
    assertThat(ones).isBetween(0.3, 0.7);
  }

  @Test
  void noiseFlipsThatFractionOfLabels() {
    List<LabeledSample> clean = take(new RotatingHyperplane(3, FEATURES, KEYS, 0, 0), 20_000);
    List<LabeledSample> noisy = take(new RotatingHyperplane(3, FEATURES, KEYS, 0, 0.2), 20_000);

    assertThat(noisy)
        .extracting(LabeledSample::getFeatures)
        .isEqualTo(clean.stream().map(LabeledSample::getFeatures).toList());
    assertThat(disagreement(clean, noisy, 0, 20_000)).isBetween(0.18, 0.22);
  }

  @Test
  void driftMovesTheConceptFurtherAwayOverTime() {
    List<LabeledSample> fixed = take(new RotatingHyperplane(5, FEATURES, KEYS, 0, 0), 20_000);
    List<LabeledSample> drifting =
        take(new RotatingHyperplane(5, FEATURES, KEYS, 0.005, 0), 20_000);

    double early = disagreement(fixed, drifting, 0, 2_000);
    double late = disagreement(fixed, drifting, 18_000, 20_000);

    assertThat(late).isGreaterThan(0.2).isGreaterThan(2 * early);
  }

  /** Fraction of samples in [from, to) whose labels differ between two streams. */
  private static double disagreement(
      List<LabeledSample> a, List<LabeledSample> b, int from, int to) {
    long differing =
        IntStream.range(from, to)
            .filter(i -> !a.get(i).getLabel().equals(b.get(i).getLabel()))
            .count();
    return differing / (double) (to - from);
  }

  /**
   * Trains one logistic regression per key by SGD, test-then-train, and returns its accuracy over
   * the last {@code window} samples.
   */
  private static double prequentialAccuracyOfLogisticRegression(
      List<LabeledSample> samples, int window) {
    double learningRate = 0.5;
    Map<String, double[]> weightsByKey = new HashMap<>(); // the bias is the last weight
    int correct = 0;
    for (int n = 0; n < samples.size(); n++) {
      LabeledSample sample = samples.get(n);
      List<Float> x = sample.getFeatures();
      double[] w = weightsByKey.computeIfAbsent(sample.getKey(), k -> new double[x.size() + 1]);
      double z = w[x.size()];
      for (int i = 0; i < x.size(); i++) {
        z += w[i] * x.get(i);
      }
      double p = 1 / (1 + Math.exp(-z));
      int label = sample.getLabel();
      if (n >= samples.size() - window && (p >= 0.5 ? 1 : 0) == label) {
        correct++;
      }
      double gradient = p - label;
      for (int i = 0; i < x.size(); i++) {
        w[i] -= learningRate * gradient * x.get(i);
      }
      w[x.size()] -= learningRate * gradient;
    }
    return correct / (double) window;
  }
}
