package io.streamlearn.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.pipeline.RepositoryExamples;
import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.DelayedRecall;
import io.streamlearn.pipeline.generate.RandomRbf;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.ShiftedMotifs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ConfiguredStreamTest {

  @TempDir Path workDir;

  @ParameterizedTest
  @CsvSource({
    "mlp.yaml, RotatingHyperplane, 10, 2",
    "dl4j-json.yaml, RotatingHyperplane, 10, 2",
    "keras-transfer.yaml, RotatingHyperplane, 4, 2",
    "lstm.yaml, DelayedRecall, 24, 3",
    "cnn1d.yaml, ShiftedMotifs, 48, 2",
    "regression.yaml, FriedmanRegression, 8, 0",
    "multi-label.yaml, MultiLabelHyperplanes, 12, 5",
    "multi-output-regression.yaml, FriedmanRegression, 8, 0"
  })
  void eachExampleGetsTheStreamMadeForItsInputAndTask(
      String example, String stream, int features, int classes) throws IOException {
    SampleStream chosen = ConfiguredStream.of(example(example), options());

    assertThat(chosen.getClass().getSimpleName()).isEqualTo(stream);
    assertThat(chosen.features()).isEqualTo(features);
    assertThat(chosen.classes()).isEqualTo(classes);
  }

  @Test
  void theMultiOutputExamplesGetLabelSetsAndTheirNumberOfTargets() throws IOException {
    SampleStream labelSets = ConfiguredStream.of(example("multi-label.yaml"), options());
    SampleStream targets =
        ConfiguredStream.of(example("multi-output-regression.yaml"), options("--outputs", "1"));

    assertThat(labelSets.multiLabel()).isTrue();
    assertThat(labelSets.next().getLabels()).isNotNull();
    assertThat(targets.outputs()).as("the model's, not --outputs'").isEqualTo(3);
    assertThat(targets.next().getTargets()).hasSize(3);
  }

  @Test
  void aStreamOfAnotherKindOfGroundTruthIsRefused() throws IOException {
    assertThatThrownBy(
            () -> ConfiguredStream.of(example("multi-label.yaml"), options("--stream", "rbf")))
        .hasMessage(
            "the rbf stream has 12 features and 5 classes, but the model takes 12 features and"
                + " label sets of 5 classes");
    assertThatThrownBy(
            () ->
                ConfiguredStream.of(example("regression.yaml"), options("--stream", "multilabel")))
        .hasMessage(
            "the multilabel stream has 8 features and label sets of 2 classes, but the model"
                + " takes 8 features and a regression target");
  }

  @Test
  void aMultiLabelModelOnASequenceGetsNoStream() throws IOException {
    Path file = workDir.resolve("multi-label-lstm.yaml");
    Files.writeString(
        file,
        """
        kafka: {bootstrap-servers: localhost:9092}
        model:
          features: 24
          task: multi_label
          classes: 3
          input: {type: sequence, timesteps: 8, channels: 3}
          layers:
            - {type: lstm, units: 8, last-step: true}
        """);

    assertThatThrownBy(() -> ConfiguredStream.of(StreamlearnConfig.load(file, Map.of()), options()))
        .hasMessage(
            "no generated stream suits a MULTI_LABEL model on a sequence of 8 timesteps x 3"
                + " channels: multilabel is a vector");
  }

  @Test
  void aSequenceTakesItsShapeFromTheConfigurationNotTheOptions() throws IOException {
    SampleStream chosen =
        ConfiguredStream.of(example("cnn1d.yaml"), options("--timesteps", "4", "--channels", "1"));

    assertThat(chosen).isInstanceOf(ShiftedMotifs.class);
    assertThat(chosen.next().getFeatures()).hasSize(16 * 3);
  }

  @Test
  void aVectorClassifierOfMoreThanTwoClassesGetsRbfWithThatMany() {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "localhost:9092",
                "model.features", "6",
                "model.classes", "4"));

    SampleStream chosen = ConfiguredStream.of(config, options());

    assertThat(chosen).isInstanceOf(RandomRbf.class);
    assertThat(chosen.classes()).isEqualTo(4);
  }

  @Test
  void aStreamAskedForMustHaveTheModelsShape() throws IOException {
    StreamlearnConfig mlp = example("mlp.yaml");

    assertThat(ConfiguredStream.of(example("lstm.yaml"), options("--stream", "motif")))
        .isInstanceOf(ShiftedMotifs.class);
    assertThat(ConfiguredStream.of(mlp, options("--stream", "hyperplane")))
        .isInstanceOf(RotatingHyperplane.class);
    assertThatThrownBy(() -> ConfiguredStream.of(mlp, options("--stream", "led")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the led stream has 24 features and 10 classes, but the model takes 10 features and 2"
                + " classes");
    assertThatThrownBy(
            () -> ConfiguredStream.of(example("regression.yaml"), options("--stream", "sea")))
        .hasMessage(
            "the sea stream has 3 features and 2 classes, but the model takes 8 features and a"
                + " regression target");
  }

  @Test
  void aFlatSequenceStreamFitsADenseNetworkOfItsSize() {
    StreamlearnConfig dense =
        StreamlearnConfig.fromMap(
            Map.of(
                "kafka.bootstrap-servers", "localhost:9092",
                "model.features", "24",
                "model.classes", "3"));

    SampleStream chosen =
        ConfiguredStream.of(
            dense, options("--stream", "recall", "--timesteps", "8", "--class-count", "2"));

    assertThat(chosen).isInstanceOf(DelayedRecall.class);
    assertThat(chosen.classes()).as("the model's, not --class-count's").isEqualTo(3);
  }

  private StreamlearnConfig example(String name) throws IOException {
    return StreamlearnConfig.load(RepositoryExamples.asRunFromTheRoot(name, workDir), Map.of());
  }

  private static GeneratorOptions options(String... args) {
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs(args);
    return demo.stream;
  }
}
