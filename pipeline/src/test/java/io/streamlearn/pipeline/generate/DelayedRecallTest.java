package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayedRecallTest {

  private static final int TIMESTEPS = 8;
  private static final int CHANNELS = 3;

  @Test
  void oneCueInTheFirstHalfCarriesTheClassLevelOnChannelOne() {
    DelayedRecall recall = new DelayedRecall(1, 2, TIMESTEPS, CHANNELS, 3, 0);

    for (LabeledSample sample : GeneratedSamples.take(recall, 3_000)) {
      List<Float> x = sample.getFeatures();
      assertThat(x).hasSize(TIMESTEPS * CHANNELS);
      List<Integer> cues =
          java.util.stream.IntStream.range(0, TIMESTEPS)
              .filter(t -> x.get(t * CHANNELS) == 1f)
              .boxed()
              .toList();
      assertThat(cues).as("marker steps").hasSize(1);
      int cue = cues.get(0);
      assertThat(cue).isLessThan(TIMESTEPS / 2);
      double expected = -2 + 2.0 * sample.getLabel();
      assertThat((double) x.get(cue * CHANNELS + 1))
          .as("level of class %d", sample.getLabel())
          .isCloseTo(expected, within(6 * DelayedRecall.LEVEL_NOISE));
    }
  }

  @Test
  void everythingButMarkerAndLevelIsNoiseOfTheSameSizeWhateverTheClass() {
    List<LabeledSample> samples =
        GeneratedSamples.take(new DelayedRecall(2, 1, TIMESTEPS, CHANNELS, 2, 0), 20_000);

    // The last step is never the cue: its channel 1 says nothing of the class.
    for (int label = 0; label < 2; label++) {
      int c = label;
      double[] last =
          samples.stream()
              .filter(s -> s.getLabel() == c)
              .mapToDouble(s -> s.getFeatures().get((TIMESTEPS - 1) * CHANNELS + 1))
              .toArray();
      double mean = java.util.Arrays.stream(last).average().orElseThrow();
      double variance =
          java.util.Arrays.stream(last).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
      assertThat(mean).as("class %d", c).isCloseTo(0, within(0.1));
      assertThat(Math.sqrt(variance)).as("class %d", c).isCloseTo(DelayedRecall.NOISE, within(0.1));
    }
  }

  @Test
  void aDriftMovesEachClassToTheNextLevel() {
    DelayedRecall recall = new DelayedRecall(3, 1, TIMESTEPS, CHANNELS, 3, 100);

    assertThat(recall.level(0, 99)).isEqualTo(-2);
    assertThat(recall.level(0, 100)).isEqualTo(0);
    assertThat(recall.level(2, 100)).isEqualTo(-2);
  }

  @Test
  void rejectsASequenceWithoutRoomForMarkerAndLevel() {
    assertThatThrownBy(() -> new DelayedRecall(1, 1, TIMESTEPS, 1, 3, 0))
        .hasMessage("recall needs timesteps >= 2, channels >= 2 and classes >= 2, got 8, 1 and 3");
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new DelayedRecall(seed, 2, TIMESTEPS, CHANNELS, 3, 100));
  }
}
