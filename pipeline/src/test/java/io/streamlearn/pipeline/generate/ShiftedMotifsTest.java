package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShiftedMotifsTest {

  private static final int TIMESTEPS = 16;
  private static final int CHANNELS = 3;

  @Test
  void aSampleMatchesItsOwnClassMotifBetterThanTheOthers() {
    ShiftedMotifs motifs = new ShiftedMotifs(1, 2, TIMESTEPS, CHANNELS, 2, 0);
    assertThat(motifs.motifLength()).isEqualTo(5);
    List<LabeledSample> samples = GeneratedSamples.take(motifs, 2_000);

    long matchingOwn =
        samples.stream()
            .filter(
                sample -> {
                  int key = Integer.parseInt(sample.getKey().substring("key-".length()));
                  int own = sample.getLabel();
                  return bestMatch(sample.getFeatures(), motifs.motif(key, own))
                      > bestMatch(sample.getFeatures(), motifs.motif(key, 1 - own));
                })
            .count();

    // Noise makes the other motif fit better now and then (measured: 93.7% fit their own best).
    assertThat(matchingOwn / (double) samples.size()).isGreaterThan(0.9);
  }

  @Test
  void aMotifAddsNothingToAnyChannelsSumAndTheKeysHaveMotifsOfTheirOwn() {
    ShiftedMotifs motifs = new ShiftedMotifs(2, 2, TIMESTEPS, CHANNELS, 3, 0);

    for (int label = 0; label < 3; label++) {
      double[] motif = motifs.motif(0, label);
      for (int c = 0; c < CHANNELS; c++) {
        double sum = 0;
        for (int t = 0; t < motifs.motifLength(); t++) {
          sum += motif[t * CHANNELS + c];
        }
        assertThat(sum).as("class %d channel %d", label, c).isCloseTo(0, within(1e-9));
      }
      assertThat(motif).isNotEqualTo(motifs.motif(1, label));
    }
  }

  @Test
  void theMotifAppearsAtEveryPlaceItFits() {
    ShiftedMotifs motifs = new ShiftedMotifs(3, 1, TIMESTEPS, CHANNELS, 2, 0);
    int places = TIMESTEPS - motifs.motifLength() + 1;
    boolean[] seen = new boolean[places];

    for (LabeledSample sample : GeneratedSamples.take(motifs, 3_000)) {
      double[] own = motifs.motif(0, sample.getLabel());
      seen[bestPlace(sample.getFeatures(), own)] = true;
    }

    assertThat(seen).containsOnly(true);
  }

  @Test
  void aDriftDrawsNewMotifs() {
    ShiftedMotifs motifs = new ShiftedMotifs(4, 1, TIMESTEPS, CHANNELS, 2, 100);
    GeneratedSamples.take(motifs, 100);
    double[] before = motifs.motif(0, 0);

    motifs.next();

    assertThat(motifs.motif(0, 0)).isNotEqualTo(before);
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new ShiftedMotifs(seed, 2, TIMESTEPS, CHANNELS, 2, 100));
  }

  private static double bestMatch(List<Float> x, double[] motif) {
    return correlation(x, motif, bestPlace(x, motif));
  }

  private static int bestPlace(List<Float> x, double[] motif) {
    int best = 0;
    for (int start = 1; start * CHANNELS + motif.length <= x.size(); start++) {
      if (correlation(x, motif, start) > correlation(x, motif, best)) {
        best = start;
      }
    }
    return best;
  }

  private static double correlation(List<Float> x, double[] motif, int start) {
    double sum = 0;
    for (int i = 0; i < motif.length; i++) {
      sum += x.get(start * CHANNELS + i) * motif[i];
    }
    return sum;
  }
}
