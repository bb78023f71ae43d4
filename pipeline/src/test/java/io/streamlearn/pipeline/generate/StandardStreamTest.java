package io.streamlearn.pipeline.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class StandardStreamTest {

  @Test
  void namesEachStreamInAnyCase() {
    assertThat(StandardStream.named("sea")).isEqualTo(StandardStream.SEA);
    assertThat(StandardStream.named("Waveform")).isEqualTo(StandardStream.WAVEFORM);
    assertThatThrownBy(() -> StandardStream.named("agrawal"))
        .hasMessage(
            "unknown stream 'agrawal': one of hyperplane, sea, rbf, led, waveform, recall, motif,"
                + " friedman, multilabel");
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
            tuple(Waveform.class, 21, 3),
            tuple(DelayedRecall.class, 24, 2),
            tuple(ShiftedMotifs.class, 24, 2),
            tuple(FriedmanRegression.class, 7, 0),
            tuple(MultiLabelHyperplanes.class, 7, 2));
    for (StandardStream kind : StandardStream.values()) {
      SampleStream stream = kind.create(1, 3, 7, 0.001);
      assertThat(GeneratedSamples.take(stream, 300))
          .as("%s", kind)
          .allSatisfy(
              sample -> {
                assertThat(sample.getFeatures()).hasSize(stream.features());
                if (stream.classes() == 0) {
                  assertThat(sample.getLabel()).isNull();
                  assertThat(sample.getTarget()).isNotNull();
                } else if (stream.multiLabel()) {
                  assertThat(sample.getLabel()).isNull();
                  assertThat(sample.getLabels())
                      .allSatisfy(c -> assertThat(c).isBetween(0, stream.classes() - 1));
                } else {
                  assertThat(sample.getLabel()).isBetween(0, stream.classes() - 1);
                  assertThat(sample.getTarget()).isNull();
                }
              })
          .extracting(sample -> sample.getKey())
          .containsOnly("key-0", "key-1", "key-2");
    }
  }

  @Test
  void theStreamsTakeTheirShapeClassesAndOutputsFromTheSettings() {
    StreamSettings settings = new StreamSettings(1, 2, 99, 16, 3, 4, 5, 0);

    assertThat(shape(StandardStream.RECALL.create(settings))).containsExactly(48, 4);
    assertThat(shape(StandardStream.MOTIF.create(settings))).containsExactly(48, 4);
    assertThat(shape(StandardStream.RBF.create(settings))).containsExactly(99, 4);
    assertThat(shape(StandardStream.MULTILABEL.create(settings))).containsExactly(99, 4);
    assertThat(StandardStream.FRIEDMAN.create(settings).outputs()).isEqualTo(5);
  }

  @Test
  void theStreamsOfTheLiteratureAreTheFiveSingleLabelClassificationStreams() {
    assertThat(StandardStream.OF_THE_LITERATURE)
        .containsExactly(
            StandardStream.HYPERPLANE,
            StandardStream.SEA,
            StandardStream.RBF,
            StandardStream.LED,
            StandardStream.WAVEFORM);
    for (StandardStream kind : StandardStream.OF_THE_LITERATURE) {
      SampleStream stream = kind.create(1, 1, 10, 0);
      assertThat(stream.classes()).as(kind.name()).isGreaterThan(1);
      assertThat(stream.multiLabel()).as(kind.name()).isFalse();
      assertThat(stream.next().getLabel()).as(kind.name()).isNotNull();
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

  private static List<Integer> shape(SampleStream stream) {
    return List.of(stream.features(), stream.classes());
  }
}
