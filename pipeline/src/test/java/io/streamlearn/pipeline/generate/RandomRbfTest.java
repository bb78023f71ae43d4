package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomRbfTest {

  private static final int FEATURES = 5;

  @Test
  void everyCentroidMovesByTheDriftSpeedAfterEachSampleOfItsKey() {
    double speed = 0.001;
    RandomRbf rbf = new RandomRbf(1, FEATURES, 2, 2, 50, speed);
    double[][] before = rbf.centres(0);
    double[][] otherKey = rbf.centres(1);

    rbf.next(); // key-0's

    double[][] after = rbf.centres(0);
    int clearOfTheBorder = 0;
    for (int c = 0; c < before.length; c++) {
      if (insideBy(before[c], speed)) {
        clearOfTheBorder++;
        assertThat(distance(before[c], after[c]))
            .as("centroid %d", c)
            .isCloseTo(speed, within(1e-12));
      } else {
        assertThat(distance(before[c], after[c])).as("centroid %d", c).isLessThanOrEqualTo(speed);
      }
    }
    assertThat(clearOfTheBorder).isGreaterThan(40);
    assertThat(rbf.centres(1)).as("key-1's wait for key-1's samples").isDeepEqualTo(otherKey);
  }

  @Test
  void centroidsKeepMovingOneWayAndTurnBackAtTheBorder() {
    double speed = 0.01;
    RandomRbf rbf = new RandomRbf(2, FEATURES, 1, 2, 20, speed);
    double[][] start = rbf.centres(0);

    GeneratedSamples.take(rbf, 10);
    double[][] tenSteps = rbf.centres(0);
    GeneratedSamples.take(rbf, 5_000);

    for (int c = 0; c < start.length; c++) {
      if (insideBy(start[c], 10 * speed)) {
        assertThat(distance(start[c], tenSteps[c]))
            .as("centroid %d, straight on", c)
            .isCloseTo(10 * speed, within(1e-9));
      }
    }
    DoubleSummaryStatistics coordinates =
        Arrays.stream(rbf.centres(0)).flatMapToDouble(Arrays::stream).summaryStatistics();
    assertThat(coordinates.getMin()).isGreaterThanOrEqualTo(0);
    assertThat(coordinates.getMax()).isLessThanOrEqualTo(1);
  }

  @Test
  void withoutDriftTheCentroidsStay() {
    RandomRbf rbf = new RandomRbf(3, FEATURES, 1, 2, 50, 0);
    double[][] start = rbf.centres(0);

    GeneratedSamples.take(rbf, 1_000);

    assertThat(rbf.centres(0)).isDeepEqualTo(start);
  }

  @Test
  void samplesLieAroundTheCentroidsOfTheirClass() {
    // One centroid per key: every sample is that centroid's class, within a few deviations of it.
    RandomRbf rbf = new RandomRbf(4, FEATURES, 1, 3, 1, 0);
    double[] centre = rbf.centres(0)[0];

    List<LabeledSample> samples = GeneratedSamples.take(rbf, 5_000);

    assertThat(samples.stream().map(LabeledSample::getLabel).distinct()).hasSize(1);
    double meanDistance =
        samples.stream()
            .mapToDouble(
                s ->
                    distance(
                        centre, s.getFeatures().stream().mapToDouble(Float::doubleValue).toArray()))
            .average()
            .orElseThrow();
    assertThat(meanDistance).isLessThan(1.0);
    assertThat(samples).allSatisfy(s -> assertThat(s.getFeatures()).hasSize(FEATURES));
  }

  @Test
  void drawsEveryClassAcrossItsCentroids() {
    List<LabeledSample> samples =
        GeneratedSamples.take(
            new RandomRbf(5, FEATURES, 2, 4, RandomRbf.DEFAULT_CENTROIDS, 0.0001), 20_000);

    assertThat(samples.stream().map(LabeledSample::getLabel).distinct().sorted().toList())
        .containsExactly(0, 1, 2, 3);
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new RandomRbf(seed, FEATURES, 2, 2, 50, 0.001));
  }

  private static boolean insideBy(double[] centre, double margin) {
    for (double x : centre) {
      if (x < margin || x > 1 - margin) {
        return false;
      }
    }
    return true;
  }

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }
}
