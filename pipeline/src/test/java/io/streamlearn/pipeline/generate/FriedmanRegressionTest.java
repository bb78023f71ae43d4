package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class FriedmanRegressionTest {

  private static final int SAMPLES = 50_000;

  @Test
  void theTargetIsThePapersFunctionOfTheFirstFiveFeaturesPlusUnitNoise() {
    List<LabeledSample> samples =
        GeneratedSamples.take(new FriedmanRegression(1, 8, 2, 0), SAMPLES);

    double squaredNoise = 0;
    for (LabeledSample sample : samples) {
      assertThat(sample.getLabel()).isNull();
      assertThat(sample.getFeatures()).hasSize(8).allSatisfy(x -> assertThat(x).isBetween(0f, 1f));
      squaredNoise += Math.pow(sample.getTarget() - function(sample.getFeatures()), 2);
    }
    assertThat(Math.sqrt(squaredNoise / SAMPLES)).isCloseTo(1.0, within(0.02));
    double mean = samples.stream().mapToDouble(LabeledSample::getTarget).average().orElseThrow();
    double variance =
        samples.stream()
            .mapToDouble(s -> (s.getTarget() - mean) * (s.getTarget() - mean))
            .average()
            .orElseThrow();
    assertThat(mean).isCloseTo(14.4, within(0.1));
    assertThat(Math.sqrt(variance)).isCloseTo(5.0, within(0.1));
  }

  @Test
  void theFunctionAtKnownPoints() {
    // sin(pi/4) = 0.7071; (0 - 0.5)^2 = 0.25.
    assertThat(FriedmanRegression.function(new float[] {0.5f, 0.5f, 0f, 1f, 1f}))
        .isCloseTo(10 * Math.sqrt(0.5) + 5 + 10 + 5, within(1e-6));
    assertThat(FriedmanRegression.function(new float[] {0f, 0f, 0.5f, 0f, 0f})).isZero();
  }

  @Test
  void aDriftMovesTheRelevantFeaturesToOtherPlaces() {
    FriedmanRegression plain = new FriedmanRegression(4, 10, 1, 0);
    FriedmanRegression drifting = new FriedmanRegression(4, 10, 1, 100);
    GeneratedSamples.take(plain, 100);
    GeneratedSamples.take(drifting, 100);

    LabeledSample before = plain.next();
    LabeledSample after = drifting.next();
    int[] order = drifting.featureOrder(0);

    assertThat(after.getTarget()).isEqualTo(before.getTarget());
    for (int i = 0; i < 10; i++) {
      assertThat(after.getFeatures().get(order[i])).isEqualTo(before.getFeatures().get(i));
    }
    assertThat(after.getFeatures()).isNotEqualTo(before.getFeatures());
  }

  @Test
  void severalTargetsAreTheFunctionOfFiveFeaturesEachStartingOneFurtherWithUnitNoise() {
    List<LabeledSample> samples =
        GeneratedSamples.take(new FriedmanRegression(2, 6, 3, 1, 0), SAMPLES);

    double[] squaredNoise = new double[3];
    for (LabeledSample sample : samples) {
      assertThat(sample.getTarget()).isNull();
      assertThat(sample.getTargets()).hasSize(3);
      float[] x = new float[6];
      for (int i = 0; i < 6; i++) {
        x[i] = sample.getFeatures().get(i);
      }
      for (int output = 0; output < 3; output++) {
        squaredNoise[output] +=
            Math.pow(sample.getTargets().get(output) - FriedmanRegression.function(x, output), 2);
      }
    }
    for (int output = 0; output < 3; output++) {
      assertThat(Math.sqrt(squaredNoise[output] / SAMPLES))
          .as("output %d", output)
          .isCloseTo(1.0, within(0.02));
    }
    // The third output wraps round: features 3, 4, 5, 6 and 1.
    assertThat(FriedmanRegression.function(new float[] {1f, 0f, 0.5f, 0.5f, 0f, 1f}, 2))
        .isCloseTo(10 * Math.sin(Math.PI * 0.25) + 20 * 0.25 + 10 * 1 + 5 * 1, within(1e-6));
    assertThat(new FriedmanRegression(2, 6, 3, 1, 0).outputs()).isEqualTo(3);
  }

  @Test
  void hasAtMostOneOutputPerFeature() {
    assertThatThrownBy(() -> new FriedmanRegression(1, 5, 6, 1, 0))
        .hasMessage("friedman has 1 to features (5) outputs, got 6");
  }

  @Test
  void needsTheFiveFeaturesTheFunctionUses() {
    assertThatThrownBy(() -> new FriedmanRegression(1, 4, 1, 0))
        .hasMessage("friedman needs at least 5 features, got 4");
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new FriedmanRegression(seed, 6, 2, 100));
  }

  private static double function(List<Float> features) {
    float[] x = new float[5];
    for (int i = 0; i < 5; i++) {
      x[i] = features.get(i);
    }
    return FriedmanRegression.function(x);
  }
}
