package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_CLASSES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_FEATURES;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_OUTPUTS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.KeyModel;
import io.streamlearn.operators.KeyModels;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.config.Task;
import io.streamlearn.schemas.LabeledSample;
import java.io.IOException;
import java.nio.file.Files;
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

  /** The tests run in pipeline/; the examples' paths are relative to the repository root. */
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  private static final Path EXAMPLES = REPOSITORY.resolve("examples");

  @TempDir Path workDir;

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .sorted()
          .toList()
          .stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void loadsAndScoresASampleOfItsShape(String example) throws IOException {
    StreamlearnConfig config = StreamlearnConfig.load(asRunFromTheRoot(example), Map.of());

    KeyModel model = KeyModels.create(KafkaJob.pipelineSettings(config).trainer());
    model.load(model.newKeyState(0));
    float[][] scores = model.predict(List.of(sampleOf(config.get(MODEL_FEATURES))));

    int outputs =
        config.get(MODEL_TASK) == Task.REGRESSION
            ? config.get(MODEL_OUTPUTS)
            : config.get(MODEL_CLASSES);
    assertThat(scores).hasDimensions(1, outputs);
    for (float score : scores[0]) {
      assertThat(score).isFinite();
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
            "keras-transfer.yaml");
  }

  /**
   * The example with its repository-relative paths ({@code examples/...}) made absolute, as they
   * resolve when bin/streamlearn runs in the repository root.
   */
  private Path asRunFromTheRoot(String example) throws IOException {
    String text = Files.readString(EXAMPLES.resolve(example));
    Path copy = workDir.resolve(example);
    Files.writeString(copy, text.replace(" examples/", " " + EXAMPLES + "/"));
    return copy;
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
