package io.streamlearn.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/** What a consumer of the checkpoints topic sees: published models loaded in plain DL4J. */
final class PublishedModels {

  private PublishedModels() {}

  /**
   * Loads every checkpoint the harness published with {@link ModelSerializer} and checks that it
   * scores the samples its version served as the trainer did, within 1e-6. A checkpoint that served
   * nothing must be of {@code finalVersion}: no batch came after it.
   *
   * @return the number of predictions compared
   */
  static int assertReproduceServedScores(
      TrainerHarness harness, List<LabeledSample> samples, long finalVersion) throws Exception {
    Map<String, LabeledSample> byId =
        samples.stream().collect(Collectors.toMap(LabeledSample::getId, Function.identity()));
    int compared = 0;
    for (ModelCheckpoint checkpoint : harness.checkpoints()) {
      MultiLayerNetwork restored =
          ModelSerializer.restoreMultiLayerNetwork(
              new ByteArrayInputStream(checkpoint.getModel().array()), true);
      List<Prediction> served = harness.servedBy(checkpoint);
      if (served.isEmpty()) {
        assertThat(checkpoint.getVersion()).isEqualTo(finalVersion);
        continue;
      }
      List<LabeledSample> batch = served.stream().map(p -> byId.get(p.getSampleId())).toList();
      float[][] scores =
          restored.output(Nd4j.create(Samples.featureRows(batch)), false).toFloatMatrix();
      for (int row = 0; row < batch.size(); row++) {
        List<Float> servedScores = served.get(row).getScores();
        assertThat(servedScores).hasSize(scores[row].length);
        for (int output = 0; output < scores[row].length; output++) {
          assertThat((double) servedScores.get(output))
              .as("%s version %d", checkpoint.getKey(), checkpoint.getVersion())
              .isCloseTo(scores[row][output], within(1e-6));
        }
      }
      compared += batch.size();
    }
    return compared;
  }
}
