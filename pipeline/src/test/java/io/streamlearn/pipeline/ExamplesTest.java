package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OUTPUTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.KeyModel;
import io.streamlearn.operators.KeyModels;
import io.streamlearn.operators.ModelOverride;
import io.streamlearn.operators.ModelSpec;
import io.streamlearn.operators.TrainerSettings;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.config.Task;
import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every configuration in the repository's {@code examples/} loads as {@code run --config} loads it,
 * and the network it describes (built, imported or read from its file) scores a sample of its shape
 * with the number of outputs its task has.
 */
class ExamplesTest {

  @TempDir Path workDir;

  static Stream<String> examples() throws IOException {
    return RepositoryExamples.names().stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void loadsAndScoresASampleOfItsShape(String example) throws IOException {
    StreamlearnConfig config =
        StreamlearnConfig.load(RepositoryExamples.asRunFromTheRoot(example, workDir), Map.of());

    TrainerSettings settings = KafkaJob.pipelineSettings(config).trainer();
    int outputs =
        config.get(MODEL_TASK) == Task.REGRESSION
            ? config.get(MODEL_OUTPUTS)
            : config.get(MODEL_CLASSES);
    // The default model, and each override's.
    List<ModelSpec> models =
        Stream.concat(
                Stream.of(settings.defaultModel()),
                settings.overrides().stream().map(ModelOverride::model))
            .toList();
    for (ModelSpec spec : models) {
      KeyModel model = KeyModels.create(spec, settings.shape());
      model.load(model.newKeyState(0));
      float[][] scores = model.predict(List.of(sampleOf(config.get(MODEL_FEATURES))));

      assertThat(scores).hasDimensions(1, outputs);
      for (float score : scores[0]) {
        assertThat(score).isFinite();
      }
    }
  }

  @Test
  void theExamplesCoverEveryKindTheDocsName() throws IOException {
    assertThat(examples())
        .contains(
            "mlp.yaml",
            "cnn1d.yaml",
            "lstm.yaml",
            "regression.yaml",
            "multi-label.yaml",
            "multi-output-regression.yaml",
            "dl4j-json.yaml",
            "keras-transfer.yaml",
            "overrides.yaml");
  }

  private static LabeledSample sampleOf(int features) {
    return LabeledSample.newBuilder()
        .setId("example-0")
        .setKey("example")
        .setFeatures(Collections.nCopies(features, 0.5f))
        .setLabel(null)
        .setTarget(null)
        .setEventTime(Instant.EPOCH)
        .build();
  }
}
