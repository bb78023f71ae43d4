package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StandardStreamTest {

  @Test
  void namesEachStreamInAnyCase() {
    assertThat(StandardStream.named("sea")).isEqualTo(StandardStream.SEA);
    assertThat(StandardStream.named("Waveform")).isEqualTo(StandardStream.WAVEFORM);
    assertThatThrownBy(() -> StandardStream.named("agrawal"))
        .hasMessage("unknown stream 'agrawal': one of hyperplane, sea, rbf, led, waveform");
  }

  @Test
  void createsEachStreamWithItsOwnShapeOrTheOneAskedFor() {
    assertThat(Arrays.stream(StandardStream.values()).map(s -> s.create(1, 3, 7, 0.001)))
        .extracting(stream -> stream.getClass(), SampleStream::features, SampleStream::classes)
        .containsExactly(
            tuple(RotatingHyperplane.class, 7, 2),
            tuple(SeaConcepts.class, 3, 2),
            tuple(RandomRbf.class, 7, 2),
            tuple(LedDigits.class, 24, 10),
            tuple(Waveform.class, 21, 3));
    for (StandardStream kind : StandardStream.values()) {
      SampleStream stream = kind.create(1, 3, 7, 0.001);
      assertThat(GeneratedSamples.take(stream, 300))
          .as("%s", kind)
          .allSatisfy(
              sample -> {
                assertThat(sample.getFeatures()).hasSize(stream.features());
                assertThat(sample.getLabel()).isBetween(0, stream.classes() - 1);
              })
          .extracting(sample -> sample.getKey())
          .containsOnly("key-0", "key-1", "key-2");
    }
  }

  @Test
  void anAbruptStreamChangesItsConceptEveryOneOverDriftSamples() {
    assertThat(StandardStream.conceptLength(0.0001)).isEqualTo(10_000);
    assertThat(StandardStream.conceptLength(0)).as("never").isZero();
    SeaConcepts sea = (SeaConcepts) StandardStream.SEA.create(1, 1, 0, 0.001);
    assertThat(sea.theta(999)).isEqualTo(8.0);
    assertThat(sea.theta(1_000)).isEqualTo(9.0);
  }
}
