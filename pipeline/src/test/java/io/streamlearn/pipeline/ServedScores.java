package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks of what a job served: that each key learned, and that checkpoints score as served. */
final class ServedScores {

  private ServedScores() {}

  /** Each key's last 1,000 predictions (by event time) are right at least {@code accuracy}. */
  static void assertEachKeyLearned(List<Prediction> predictions, double accuracy) {
    predictions.stream()
        .collect(Collectors.groupingBy(Prediction::getKey))
        .forEach(
            (key, keyPredictions) -> {
              List<Prediction> last =
                  keyPredictions.stream()
                      .sorted(Comparator.comparing(Prediction::getEventTime))
                      .skip(keyPredictions.size() - 1_000)
                      .toList();
              long correct =
                  last.stream()
                      .filter(p -> Objects.equals(p.getLabel(), p.getPredictedLabel()))
                      .count();
              assertThat(correct / 1_000.0)
                  .as("accuracy of %s over its last 1000", key)
                  .isGreaterThanOrEqualTo(accuracy);
            });
  }

  /**
   * The predictions of the checkpoint's key and version are what {@code restored}, the checkpoint
   * as plain DL4J restores it, scores for their samples' features (scaled by the checkpoint's
   * scaler when it has one), within 1e-6.
   */
  static void assertServedBy(
      UnaryOperator<INDArray> restored,
      ModelCheckpoint published,
      List<Prediction> predictions,
      List<LabeledSample> samples) {
    Map<String, LabeledSample> samplesById =
        samples.stream().collect(Collectors.toMap(LabeledSample::getId, Function.identity()));
    List<Prediction> servedByIt =
        predictions.stream()
            .filter(
                p ->
                    p.getKey().equals(published.getKey())
                        && p.getModelVersion() == published.getVersion())
            .toList();
    assertThat(servedByIt).isNotEmpty();
    for (Prediction prediction : servedByIt) {
      float[] expected =
          restored
              .apply(
                  KafkaJobFixture.modelInput(samplesById.get(prediction.getSampleId()), published))
              .toFloatVector();
      for (int c = 0; c < expected.length; c++) {
        assertThat(prediction.getScores().get(c)).isCloseTo(expected[c], within(1e-6f));
      }
    }
  }
}
