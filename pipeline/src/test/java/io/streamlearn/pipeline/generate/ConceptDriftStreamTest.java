package io.streamlearn.pipeline.generate;

import static io.streamlearn.pipeline.generate.GeneratedSamples.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConceptDriftStreamTest {

  private static final int FEATURES = 5;

  @Test
  void anAbruptChangeTakesEverySampleFromTheNewConceptFromItsPositionOn() {
    List<LabeledSample> before = take(hyperplane(1, 2), 1_000);
    List<LabeledSample> after = take(hyperplane(2, 2), 1_000);

    List<LabeledSample> drifting =
        take(new ConceptDriftStream(hyperplane(1, 2), hyperplane(2, 2), 400, 1, 7), 1_000);

    assertThat(drifting.subList(0, 400)).isEqualTo(before.subList(0, 400));
    assertThat(drifting.subList(400, 1_000)).isEqualTo(after.subList(400, 1_000));
  }

  @Test
  void aGradualChangeBlendsTheConceptsOverItsWidthAroundItsPosition() {
    List<LabeledSample> after = take(hyperplane(2, 1), 20_000);
    List<LabeledSample> drifting =
        take(new ConceptDriftStream(hyperplane(1, 1), hyperplane(2, 1), 10_000, 4_000, 7), 20_000);

    assertThat(shareFromAfter(drifting, after, 0, 6_000)).isLessThan(0.05);
    assertThat(shareFromAfter(drifting, after, 9_500, 10_500)).isCloseTo(0.5, within(0.1));
    assertThat(shareFromAfter(drifting, after, 14_000, 20_000)).isGreaterThan(0.95);
  }

  @Test
  void keysKeepTakingTurnsAndIdsStayUniqueAcrossTheChange() {
    List<LabeledSample> drifting =
        take(new ConceptDriftStream(hyperplane(1, 3), hyperplane(2, 3), 300, 200, 7), 600);

    Set<String> ids = new HashSet<>();
    for (int i = 0; i < drifting.size(); i++) {
      assertThat(drifting.get(i).getKey()).isEqualTo("key-" + (i % 3));
      ids.add(drifting.get(i).getId());
    }
    assertThat(ids).hasSize(600);
  }

  @Test
  void flippedLabelsKeepEverythingButTheLabel() {
    List<LabeledSample> original = take(hyperplane(1, 2), 200);
    List<LabeledSample> flipped = take(new FlippedLabels(hyperplane(1, 2)), 200);

    for (int i = 0; i < original.size(); i++) {
      assertThat(flipped.get(i).getLabel()).isEqualTo(1 - original.get(i).getLabel());
      assertThat(
              LabeledSample.newBuilder(flipped.get(i)).setLabel(original.get(i).getLabel()).build())
          .isEqualTo(original.get(i));
    }
  }

  @Test
  void rejectsANegativePositionAndAnEmptyWidth() {
    assertThatThrownBy(() -> new ConceptDriftStream(hyperplane(1, 1), hyperplane(2, 1), -1, 1, 7))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConceptDriftStream(hyperplane(1, 1), hyperplane(2, 1), 10, 0, 7))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RotatingHyperplane hyperplane(long seed, int keys) {
    return new RotatingHyperplane(seed, FEATURES, keys, 0, 0);
  }

  private static double shareFromAfter(
      List<LabeledSample> drifting, List<LabeledSample> after, int from, int to) {
    int same = 0;
    for (int i = from; i < to; i++) {
      if (drifting.get(i).equals(after.get(i))) {
        same++;
      }
    }
    return (double) same / (to - from);
  }
}
