package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaveformTest {

  private static final int SAMPLES = 60_000;

  @Test
  void thePapersThreeTriangularWaves() {
    // h1 peaks at m = 11, h2 = h1(m - 4) at 15, h3 = h1(m + 4) at 7; each 6 high, 0 at distance 6.
    assertThat(Waveform.wave(0, 11)).isEqualTo(6);
    assertThat(Waveform.wave(0, 5)).isZero();
    assertThat(Waveform.wave(0, 8)).isEqualTo(3);
    assertThat(Waveform.wave(1, 15)).isEqualTo(6);
    assertThat(Waveform.wave(2, 7)).isEqualTo(6);
    assertThat(Waveform.wave(2, 13)).isZero();
  }

  @Test
  void eachClassIsAnEvenMixOfItsTwoWavesOnAverageWithUnitNoise() {
    List<LabeledSample> samples = GeneratedSamples.take(new Waveform(1, 3, 0), SAMPLES);

    for (int label = 0; label < 3; label++) {
      int c = label;
      List<List<Float>> ofClass =
          samples.stream().filter(s -> s.getLabel() == c).map(LabeledSample::getFeatures).toList();
      assertThat(ofClass.size() / (double) SAMPLES).as("class %d", c).isBetween(0.32, 0.35);
      for (int m = 1; m <= 21; m++) {
        double expected =
            (Waveform.wave(Waveform.CLASS_WAVES[c][0], m)
                    + Waveform.wave(Waveform.CLASS_WAVES[c][1], m))
                / 2;
        assertThat(mean(ofClass, m - 1))
            .as("class %d, x_%d", c, m)
            .isCloseTo(expected, within(0.1));
      }
      // The first and last attributes are beyond every wave: noise alone, standard normal.
      assertThat(variance(ofClass, 0)).as("class %d, x_1", c).isCloseTo(1.0, within(0.05));
      assertThat(variance(ofClass, 20)).as("class %d, x_21", c).isCloseTo(1.0, within(0.05));
    }
  }

  @Test
  void aDriftMovesTheAttributesToOtherPlaces() {
    Waveform plain = new Waveform(4, 1, 0);
    Waveform drifting = new Waveform(4, 1, 100);
    GeneratedSamples.take(plain, 100);
    GeneratedSamples.take(drifting, 100);

    LabeledSample before = plain.next();
    LabeledSample after = drifting.next();
    int[] order = drifting.attributeOrder(0);

    assertThat(after.getLabel()).isEqualTo(before.getLabel());
    for (int m = 0; m < 21; m++) {
      assertThat(after.getFeatures().get(order[m])).isEqualTo(before.getFeatures().get(m));
    }
    assertThat(after.getFeatures()).isNotEqualTo(before.getFeatures());
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new Waveform(seed, 2, 100));
  }

  private static double mean(List<List<Float>> samples, int attribute) {
    return samples.stream().mapToDouble(x -> x.get(attribute)).average().orElseThrow();
  }

  private static double variance(List<List<Float>> samples, int attribute) {
    double mean = mean(samples, attribute);
    return samples.stream()
        .mapToDouble(x -> (x.get(attribute) - mean) * (x.get(attribute) - mean))
        .average()
        .orElseThrow();
  }
}
