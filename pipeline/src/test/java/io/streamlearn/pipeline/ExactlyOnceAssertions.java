package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** What exactly-once, reproducible training promises about a run's committed outputs. */
final class ExactlyOnceAssertions {

  private ExactlyOnceAssertions() {}

  /**
   * One committed prediction per sample; per key, published versions strictly increasing in topic
   * order (so none twice); and each key's final model counts each of its labeled samples once.
   */
  static void assertEachSampleCountedOnce(RunOutputs run, List<LabeledSample> samples) {
    assertThat(run.predictions())
        .extracting(Prediction::getSampleId)
        .as("sample ids of the committed predictions")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(samples.stream().map(LabeledSample::getId).toList());

    run.publishedVersions()
        .forEach(
            (key, versions) ->
                assertThat(versions)
                    .as("versions %s published, in topic order", key)
                    .isSorted()
                    .doesNotHaveDuplicates());

    Map<String, Long> labeledPerKey =
        samples.stream()
            .filter(sample -> sample.getLabel() != null)
            .collect(Collectors.groupingBy(LabeledSample::getKey, Collectors.counting()));
    Map<String, Long> samplesSeenPerKey =
        run.finalModels().values().stream()
            .collect(Collectors.toMap(ModelCheckpoint::getKey, ModelCheckpoint::getSamplesSeen));
    assertThat(samplesSeenPerKey)
        .as("samples seen by each key's final model")
        .isEqualTo(labeledPerKey);
  }

  /**
   * The run trained exactly as the reference run did: each key published the same versions, its
   * final model has the same parameters and updater state bit for bit, and every sample was
   * predicted by the same model version with the same scores.
   */
  static void assertTrainedAs(RunOutputs reference, RunOutputs run) {
    assertThat(run.publishedVersions())
        .as("versions published per key")
        .isEqualTo(reference.publishedVersions());
    assertSameModelsAndPredictions(reference, run);
  }

  /**
   * Each key's final model has the same parameters and updater state as in the reference run, bit
   * for bit, and every sample was predicted by the same model version with the same scores; which
   * versions were published in between may differ.
   */
  static void assertSameModelsAndPredictions(RunOutputs reference, RunOutputs run) {
    assertThat(run.finalModels().keySet())
        .as("keys with a final model")
        .isEqualTo(reference.finalModels().keySet());
    Map<String, ModelCheckpoint> expectedModels = reference.finalModels();
    run.finalModels()
        .forEach(
            (key, model) -> {
              MultiLayerNetwork actual = restore(model);
              MultiLayerNetwork expected = restore(expectedModels.get(key));
              // Widening float to double is exact, and Double.equals compares bits.
              assertThat(actual.params().toDoubleVector())
                  .as("final parameters of %s, bit for bit", key)
                  .containsExactly(expected.params().toDoubleVector());
              assertThat(actual.getUpdater().getStateViewArray().toDoubleVector())
                  .as("final updater state of %s, bit for bit", key)
                  .containsExactly(expected.getUpdater().getStateViewArray().toDoubleVector());
            });

    assertThat(byId(run.predictions()))
        .as("model version and scores of each sample's prediction")
        .isEqualTo(byId(reference.predictions()));
  }

  /**
   * Every prediction of a sample that was predicted more than once was made by the same model
   * version with the same scores: a repeat is a copy, not a second opinion.
   */
  static void assertRepeatedPredictionsAreCopies(RunOutputs run) {
    Map<String, Set<Scored>> distinctPerSample =
        run.predictions().stream()
            .collect(
                Collectors.groupingBy(
                    Prediction::getSampleId,
                    Collectors.mapping(
                        p -> new Scored(p.getModelVersion(), p.getScores()), Collectors.toSet())));
    assertThat(distinctPerSample)
        .as("distinct (model version, scores) of each sample's predictions")
        .allSatisfy((sampleId, distinct) -> assertThat(distinct).as(sampleId).hasSize(1));
  }

  /** What a prediction says about the model that made it. */
  private record Scored(long modelVersion, List<Float> scores) {}

  private static Map<String, Scored> byId(List<Prediction> predictions) {
    return predictions.stream()
        .collect(
            Collectors.toMap(
                Prediction::getSampleId,
                p -> new Scored(p.getModelVersion(), p.getScores()),
                (first, second) -> {
                  throw new IllegalStateException("two predictions for one sample");
                }));
  }

  private static MultiLayerNetwork restore(ModelCheckpoint checkpoint) {
    ByteBuffer model = checkpoint.getModel().duplicate();
    byte[] bytes = new byte[model.remaining()];
    model.get(bytes);
    try {
      return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), true);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot restore the model of " + checkpoint.getKey(), e);
    }
  }
}
