package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeaConceptsTest {

  private static final int CONCEPT_LENGTH = 1_000;

  @Test
  void labelsEachSampleByF1PlusF2AtMostTheThetaOfItsConcept() {
    List<LabeledSample> samples =
        GeneratedSamples.take(new SeaConcepts(5, 2, CONCEPT_LENGTH, 0), 2 * 4 * CONCEPT_LENGTH);

    assertThat(samples)
        .allSatisfy(
            sample -> {
              List<Float> f = sample.getFeatures();
              assertThat(f).hasSize(3).allSatisfy(x -> assertThat(x).isBetween(0f, 10f));
              double theta = SeaConcepts.THETAS.get(conceptOf(sample));
              assertThat(sample.getLabel())
                  .isEqualTo((double) f.get(0) + f.get(1) <= theta ? 1 : 0);
            });
    // The paper's four concepts in turn: 8, 9, 7, 9.5.
    assertThat(SeaConcepts.THETAS).containsExactly(8.0, 9.0, 7.0, 9.5);
    SeaConcepts sea = new SeaConcepts(5, 1, CONCEPT_LENGTH, 0);
    assertThat(sea.theta(0)).isEqualTo(8.0);
    assertThat(sea.theta(CONCEPT_LENGTH - 1)).isEqualTo(8.0);
    assertThat(sea.theta(CONCEPT_LENGTH)).isEqualTo(9.0);
    assertThat(sea.theta(3 * CONCEPT_LENGTH)).isEqualTo(9.5);
    assertThat(sea.theta(4 * CONCEPT_LENGTH)).as("and round again").isEqualTo(8.0);
  }

  @Test
  void flipsTheNoiseRateOfLabels() {
    List<LabeledSample> samples =
        GeneratedSamples.take(
            new SeaConcepts(6, 3, CONCEPT_LENGTH, SeaConcepts.PAPER_NOISE), 40_000);

    long wrong =
        samples.stream()
            .filter(
                sample -> {
                  List<Float> f = sample.getFeatures();
                  double theta = SeaConcepts.THETAS.get(conceptOf(sample));
                  return sample.getLabel() != ((double) f.get(0) + f.get(1) <= theta ? 1 : 0);
                })
            .count();

    assertThat(wrong / 40_000.0).isBetween(0.09, 0.11);
  }

  @Test
  void keepsItsFirstConceptWithoutDrift() {
    SeaConcepts sea = new SeaConcepts(5, 1, 0, 0);

    assertThat(sea.theta(1_000_000)).isEqualTo(8.0);
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new SeaConcepts(seed, 2, 100, 0.1));
  }

  /** Which of the four concepts made a sample. */
  private static int conceptOf(LabeledSample sample) {
    return (int) (GeneratedSamples.positionInKey(sample) / CONCEPT_LENGTH % 4);
  }
}
