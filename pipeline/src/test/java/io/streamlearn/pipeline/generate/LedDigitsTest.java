package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import java.util.List;
import org.junit.jupiter.api.Test;

class LedDigitsTest {

  private static final int SAMPLES = 50_000;

  @Test
  void showsEachDigitOnSevenSegmentsBesideSeventeenRandomAttributes() {
    List<LabeledSample> samples = GeneratedSamples.take(new LedDigits(1, 2, 0, 0), SAMPLES);

    assertThat(samples)
        .allSatisfy(
            sample -> {
              assertThat(sample.getFeatures())
                  .hasSize(24)
                  .allSatisfy(x -> assertThat(x).isIn(0f, 1f));
              assertThat(segments(sample.getFeatures()))
                  .isEqualTo(LedDigits.DIGITS[sample.getLabel()]);
            });
    // Eight, as everybody draws it, lights every segment, and one the two on the right.
    assertThat(LedDigits.DIGITS[8]).containsOnly(true);
    assertThat(LedDigits.DIGITS[1]).containsExactly(false, false, true, false, false, true, false);
    for (int digit = 0; digit < 10; digit++) {
      assertThat(share(samples, digit)).as("digit %d", digit).isBetween(0.09, 0.11);
    }
    for (int attribute = 7; attribute < 24; attribute++) {
      assertThat(litShare(samples, attribute)).as("attribute %d", attribute).isBetween(0.48, 0.52);
    }
  }

  @Test
  void invertsEachSegmentWithTheNoiseRate() {
    List<LabeledSample> samples =
        GeneratedSamples.take(new LedDigits(2, 2, 0, LedDigits.PAPER_NOISE), SAMPLES);

    for (int segment = 0; segment < 7; segment++) {
      int s = segment;
      long inverted =
          samples.stream()
              .filter(
                  sample ->
                      (sample.getFeatures().get(s) == 1) != LedDigits.DIGITS[sample.getLabel()][s])
              .count();
      assertThat(inverted / (double) SAMPLES).as("segment %d", segment).isBetween(0.09, 0.11);
    }
  }

  @Test
  void aDriftMovesTheSegmentsToOtherAttributes() {
    LedDigits led = new LedDigits(3, 1, 1_000, 0);
    List<LabeledSample> first = GeneratedSamples.take(led, 1_000);
    LabeledSample firstOfSecond = led.next();
    int[] order = led.attributeOrder(0);
    List<LabeledSample> second = GeneratedSamples.take(led, 999);
    second.add(0, firstOfSecond);

    assertThat(first)
        .allSatisfy(
            sample ->
                assertThat(segments(sample.getFeatures()))
                    .isEqualTo(LedDigits.DIGITS[sample.getLabel()]));
    assertThat(order).as("a new order of all 24").containsExactlyInAnyOrder(range(24));
    assertThat(order).isNotEqualTo(range(24));
    assertThat(second)
        .allSatisfy(
            sample -> {
              for (int segment = 0; segment < 7; segment++) {
                assertThat(sample.getFeatures().get(order[segment]) == 1)
                    .isEqualTo(LedDigits.DIGITS[sample.getLabel()][segment]);
              }
            });
  }

  @Test
  void sameSeedGivesTheSameStream() {
    GeneratedSamples.assertSeeded(seed -> new LedDigits(seed, 2, 100, 0.1));
  }

  private static boolean[] segments(List<Float> features) {
    boolean[] lit = new boolean[7];
    for (int segment = 0; segment < 7; segment++) {
      lit[segment] = features.get(segment) == 1;
    }
    return lit;
  }

  private static double share(List<LabeledSample> samples, int digit) {
    return samples.stream().filter(sample -> sample.getLabel() == digit).count()
        / (double) samples.size();
  }

  private static double litShare(List<LabeledSample> samples, int attribute) {
    return samples.stream().filter(sample -> sample.getFeatures().get(attribute) == 1).count()
        / (double) samples.size();
  }

  private static int[] range(int n) {
    return java.util.stream.IntStream.range(0, n).toArray();
  }
}
