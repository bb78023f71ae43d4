package io.streamlearn.pipeline.generate;

import static io.streamlearn.pipeline.generate.GeneratedSamples.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MultiLabelHyperplanesTest {

  private static final int FEATURES = 6;
  private static final int CLASSES = 4;
  private static final int SAMPLES = 20_000;

  @Test
  void eachClassHoldsWhereItsKeysHyperplaneSaysAndForHalfOfTheSamples() {
    MultiLabelHyperplanes stream = new MultiLabelHyperplanes(3, FEATURES, 2, CLASSES, 0);
    double[][][] weights = new double[2][CLASSES][];
    for (int key = 0; key < 2; key++) {
      for (int c = 0; c < CLASSES; c++) {
        weights[key][c] = stream.weights(key, c);
      }
    }
    List<LabeledSample> samples = take(stream, SAMPLES);

    int[] holding = new int[CLASSES];
    Set<List<Integer>> sets = new HashSet<>();
    for (LabeledSample sample : samples) {
      int key = sample.getKey().equals("key-0") ? 0 : 1;
      List<Integer> expected = new ArrayList<>();
      for (int c = 0; c < CLASSES; c++) {
        double sum = 0;
        double threshold = 0;
        for (int i = 0; i < FEATURES; i++) {
          sum += weights[key][c][i] * sample.getFeatures().get(i);
          threshold += weights[key][c][i];
        }
        if (sum >= threshold / 2) {
          expected.add(c);
          holding[c]++;
        }
      }
      assertThat(sample.getLabels()).isEqualTo(expected);
      assertThat(sample.getLabel()).isNull();
      assertThat(sample.getTarget()).isNull();
      assertThat(sample.getTargets()).isNull();
      assertThat(sample.getFeatures()).allSatisfy(x -> assertThat(x).isBetween(0f, 1f));
      sets.add(expected);
    }
    for (int c = 0; c < CLASSES; c++) {
      assertThat((double) holding[c] / SAMPLES).as("class %d", c).isCloseTo(0.5, within(0.02));
    }
    assertThat(sets).as("every one of the 16 sets, the empty one too").hasSize(16);
  }

  @Test
  void theClassesHyperplanesPointEveryWay() {
    MultiLabelHyperplanes stream = new MultiLabelHyperplanes(5, 20, 1, 3, 0);

    List<Double> weights = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      for (double w : stream.weights(0, c)) {
        weights.add(w);
      }
    }

    assertThat(weights).allSatisfy(w -> assertThat(w).isBetween(-1.0, 1.0));
    assertThat(weights.stream().filter(w -> w < 0).count()).isBetween(15L, 45L);
  }

  @Test
  void driftMovesEveryWeightByTheStepAfterEachSampleOfItsKey() {
    MultiLabelHyperplanes stream = new MultiLabelHyperplanes(9, FEATURES, 2, CLASSES, 0.01);
    double[] before = stream.weights(1, 2);

    take(stream, 2);

    double[] after = stream.weights(1, 2);
    for (int i = 0; i < FEATURES; i++) {
      assertThat(Math.abs(after[i] - before[i])).isCloseTo(0.01, within(1e-12));
    }
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new MultiLabelHyperplanes(seed, FEATURES, 2, 3, 0.001));
  }

  @Test
  void needsAFeatureAndAClass() {
    assertThatThrownBy(() -> new MultiLabelHyperplanes(1, 3, 1, 0, 0))
        .hasMessage("multilabel needs at least 1 feature and 1 class, got 3 and 0");
  }
}
