package io.streamlearn.pipeline.config;

import static io.streamlearn.pipeline.config.ConfigFixtures.problemsOf;
import static io.streamlearn.pipeline.config.ConfigFixtures.required;
import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_MAX_DELAY;
import static io.streamlearn.pipeline.config.StreamlearnOptions.BATCH_SIZE;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_BOOTSTRAP_SERVERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.KAFKA_GROUP_ID;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_HIDDEN_LAYERS;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_L2;
import static io.streamlearn.pipeline.config.StreamlearnOptions.MODEL_TASK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StreamlearnConfigTest {

  @TempDir Path tempDir;

  // ---- loading ----

  @Test
  void loadsNestedYaml() throws IOException {
    Path file =
        yaml(
            """
            kafka:
              bootstrap-servers: broker:9092
            batch:
              size: 128
              max-delay: 50 ms
            model:
              features: 8
              task: regression
              hidden-layers: [64, 8]
              l2: 0.00001
            """);

    StreamlearnConfig config = StreamlearnConfig.load(file, Map.of());

    assertThat(config.get(KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("broker:9092");
    assertThat(config.get(BATCH_SIZE)).isEqualTo(128);
    assertThat(config.get(BATCH_MAX_DELAY)).isEqualTo(Duration.ofMillis(50));
    assertThat(config.get(MODEL_TASK)).isEqualTo(Task.REGRESSION);
    assertThat(config.get(MODEL_HIDDEN_LAYERS)).containsExactly(64, 8);
    assertThat(config.get(MODEL_L2)).isEqualTo(0.00001);
  }

  @Test
  void flatYamlMeansTheSameAsNestedYaml() throws IOException {
    Path nested =
        yaml(
            """
            kafka: {bootstrap-servers: broker:9092, topic: {samples: in}}
            model: {features: 8, hidden-layers: [4]}
            """);
    Path flat =
        yaml(
            """
            kafka.bootstrap-servers: broker:9092
            kafka.topic.samples: in
            model.features: 8
            model.hidden-layers: [4]
            """);

    Map<String, String> fromFlat = StreamlearnConfig.load(flat, Map.of()).toMap();

    assertThat(fromFlat).containsEntry("kafka.topic.samples", "in");
    assertThat(StreamlearnConfig.load(nested, Map.of()).toMap()).isEqualTo(fromFlat);
  }

  @Test
  void overridesWinOverTheFile() throws IOException {
    Path file = yaml(minimalYaml() + "batch: {size: 32}\n");

    StreamlearnConfig config =
        StreamlearnConfig.load(
            file, StreamlearnConfig.parseOverrides(List.of("batch.size=256", "job.name=nightly")));

    assertThat(config.get(BATCH_SIZE)).isEqualTo(256);
    assertThat(config.get(StreamlearnOptions.JOB_NAME)).isEqualTo("nightly");
  }

  @ParameterizedTest
  @ValueSource(strings = {"32,16", " 32 , 16 ", "32;16", "[32, 16]"})
  void readsListsAsCommaSeparatedTextOrFlinkListSyntax(String hiddenLayers) {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(required("model.hidden-layers", hiddenLayers));

    assertThat(config.get(MODEL_HIDDEN_LAYERS)).containsExactly(32, 16);
  }

  @Test
  void emptyHiddenLayerListFromYamlOrOverrideMeansNoHiddenLayers() throws IOException {
    Path file = yaml(minimalYaml() + "model.hidden-layers: []\n");

    assertThat(StreamlearnConfig.load(file, Map.of()).get(MODEL_HIDDEN_LAYERS)).isEmpty();
    assertThat(
            StreamlearnConfig.fromMap(required("model.hidden-layers", "")).get(MODEL_HIDDEN_LAYERS))
        .isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"200 ms, PT0.2S", "10s, PT10S", "10 min, PT10M", "1500, PT1.5S", "0 ms, PT0S"})
  void readsDurationsTheWayFlinkDoes(String text, Duration expected) {
    StreamlearnConfig config = StreamlearnConfig.fromMap(required("batch.max-delay", text));

    assertThat(config.get(BATCH_MAX_DELAY)).isEqualTo(expected);
  }

  @Test
  void keepsYamlScalarsAsWrittenInsteadOfYamlTypes() throws IOException {
    // YAML 1.1 would turn "off" into false and "0x10" into 16.
    Path file = yaml(minimalYaml() + "kafka.group-id: off\njob.name: 0x10\n");

    StreamlearnConfig config = StreamlearnConfig.load(file, Map.of());

    assertThat(config.get(KAFKA_GROUP_ID)).isEqualTo("off");
    assertThat(config.get(StreamlearnOptions.JOB_NAME)).isEqualTo("0x10");
  }

  @Test
  void emptyYamlValueLeavesTheKeyAtItsDefault() throws IOException {
    Path file = yaml(minimalYaml() + "kafka:\n  group-id:\n");

    assertThat(StreamlearnConfig.load(file, Map.of()).get(KAFKA_GROUP_ID)).isEqualTo("streamlearn");
  }

  @Test
  void loadsTheExampleConfigurationShippedWithThePipeline() throws URISyntaxException {
    Path example = Path.of(getClass().getResource("/streamlearn-example.yaml").toURI());

    StreamlearnConfig config = StreamlearnConfig.load(example, Map.of());

    assertThat(config.get(KAFKA_BOOTSTRAP_SERVERS)).isEqualTo("localhost:9092");
    assertThat(config.flinkConfiguration().toMap()).containsEntry("state.backend.type", "hashmap");
  }

  /**
   * The example and docs/configuration.md (generated from the options) must not disagree: every key
   * the example sets that has a default is set to that default.
   */
  @Test
  void exampleConfigurationSetsEveryKeyToItsDefault() throws URISyntaxException {
    Path example = Path.of(getClass().getResource("/streamlearn-example.yaml").toURI());
    Set<String> keysInExample = YamlConfigFile.read(example, new Problems()).keySet();

    StreamlearnConfig config = StreamlearnConfig.load(example, Map.of());

    List<ConfigOption<?>> shown =
        StreamlearnOptions.all().stream()
            .filter(option -> keysInExample.contains(option.key()) && option.hasDefaultValue())
            .toList();
    assertThat(shown).hasSizeGreaterThan(20).contains(MODEL_HIDDEN_LAYERS, MODEL_L2);
    assertThat(shown)
        .allSatisfy(
            option ->
                assertThat((Object) config.get(option))
                    .as(option.key())
                    .isEqualTo(option.defaultValue()));
  }

  // ---- overrides ----

  @Test
  void parseOverridesSplitsAtTheFirstEqualsSign() {
    assertThat(
            StreamlearnConfig.parseOverrides(List.of("job.name=a=b", "kafka.group-id=", "x = y")))
        .containsExactly(
            Map.entry("job.name", "a=b"), Map.entry("kafka.group-id", ""), Map.entry("x", "y"));
  }

  @Test
  void parseOverridesRejectsEveryArgumentWithoutKeyAndEquals() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> StreamlearnConfig.parseOverrides(List.of("batch.size", "job.name=ok", "=5")));

    assertThat(e.problems())
        .containsExactly(
            "override 'batch.size' is not of the form key=value",
            "override '=5' is not of the form key=value");
  }

  // ---- validation: one rule, one message naming key, value and what is allowed ----

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "batch.size | abc | batch.size: 'abc' is not an integer",
        "batch.size | 0 | batch.size: 0 is out of range, must be >= 1",
        "batch.max-delay | soon | batch.max-delay: 'soon' is not a duration such as '200 ms', '10"
            + " s' or '10 min'",
        "kafka.transaction-timeout | 16 min | kafka.transaction-timeout: 16 min is out of range,"
            + " must be > 0 ms and <= 15 min",
        "kafka.transaction-timeout | 0 | kafka.transaction-timeout: 0 is out of range, must be > 0"
            + " ms and <= 15 min",
        "kafka.group-id | \"  \" | kafka.group-id: '' is empty, must be a non-empty string",
        "model.features | 0 | model.features: 0 is out of range, must be >= 1",
        "model.features | 2.5 | model.features: '2.5' is not an integer",
        "model.task | clustering | model.task: 'clustering' is not one of CLASSIFICATION,"
            + " BINARY, MULTI_LABEL, REGRESSION (case-insensitive)",
        "model.classes | 1 | model.classes: 1 is out of range, must be >= 2",
        "model.hidden-layers | 32,0 | model.hidden-layers: 0 in '32,0' is out of range, each must"
            + " be >= 1",
        "model.hidden-layers | 32,x | model.hidden-layers: '32,x' is not a comma-separated list"
            + " whose elements are each an integer",
        "model.updater | adam-w | model.updater: 'adam-w' is not one of ADAM, SGD, NESTEROVS,"
            + " ADAGRAD, RMSPROP, ADAMW, ADAMAX, NADAM, AMSGRAD, ADADELTA (case-insensitive)",
        "model.learning-rate | 0 | model.learning-rate: 0 is out of range, must be > 0.0",
        "model.learning-rate | NaN | model.learning-rate: 'NaN' is not a finite number",
        "model.l2 | -0.1 | model.l2: -0.1 is out of range, must be >= 0.0",
        "model.seed | 4.2 | model.seed: '4.2' is not an integer",
        "model.checkpoint.every-steps | -1 | model.checkpoint.every-steps: -1 is out of range, must"
            + " be >= 0",
        "model.checkpoint.interval | -1 s | model.checkpoint.interval: '-1 s' is not a duration"
            + " such as '200 ms', '10 s' or '10 min'",
        "metrics.window | 0 | metrics.window: 0 is out of range, must be >= 1",
        "labels.time-to-live | 0 s | labels.time-to-live: 0 s is out of range, must be > 0 ms",
        "model.drift.reaction | retrain | model.drift.reaction: 'retrain' is not one of ALERT,"
            + " BOOST_LEARNING_RATE, RESET, ROLLBACK (case-insensitive)",
        "model.drift.boost-factor | 1 | model.drift.boost-factor: 1 is out of range, must be > 1.0",
        "model.drift.boost-steps | 0 | model.drift.boost-steps: 0 is out of range, must be >= 1",
        "model.drift.rollback-horizon | 0 | model.drift.rollback-horizon: 0 is out of range, must"
            + " be >= 1",
        "job.name | \"\" | job.name: '' is empty, must be a non-empty string",
        "job.parallelism | 0 | job.parallelism: 0 is out of range, must be >= 1",
        "job.checkpoint-interval | 0 s | job.checkpoint-interval: 0 s is out of range, must be > 0"
            + " ms",
      })
  void rejectsValueNamingKeyValueAndWhatIsAllowed(String key, String value, String problem) {
    assertThat(problemsOf(required(key, value))).containsExactly(problem);
  }

  @Test
  void rejectsUnknownActivationListingTheDl4jNames() {
    List<String> problems = problemsOf(required("model.activation", "rellu"));

    assertThat(problems)
        .singleElement()
        .asString()
        .startsWith("model.activation: 'rellu' is not a DL4J activation, must be one of ")
        .contains("relu, relu6", "tanh", "(case-insensitive)");
  }

  @Test
  void acceptsActivationNamesInAnyCase() {
    assertThat(
            StreamlearnConfig.fromMap(required("model.activation", "LeakyReLU"))
                .get(StreamlearnOptions.MODEL_ACTIVATION))
        .isEqualTo("LeakyReLU");
  }

  @ParameterizedTest
  @ValueSource(strings = {"kafka.bootstrap-servers", "model.features"})
  void rejectsMissingRequiredKey(String key) {
    Map<String, String> flat = required();
    flat.remove(key);

    assertThat(problemsOf(flat)).containsExactly(key + ": required, not set");
  }

  @Test
  void rejectsTurningOffBothModelCheckpointTriggers() {
    assertThat(
            problemsOf(
                required("model.checkpoint.every-steps", "0", "model.checkpoint.interval", "0 s")))
        .containsExactly(
            "model.checkpoint.every-steps and model.checkpoint.interval: both are 0 (off) and"
                + " model.checkpoint.at-job-checkpoints is false: one must be on or the model is"
                + " never checkpointed");
  }

  @Test
  void acceptsEachModelCheckpointTriggerAlone() {
    assertThat(
            StreamlearnConfig.fromMap(required("model.checkpoint.every-steps", "0"))
                .get(StreamlearnOptions.MODEL_CHECKPOINT_EVERY_STEPS))
        .isZero();
    assertThat(
            StreamlearnConfig.fromMap(required("model.checkpoint.interval", "0 s"))
                .get(StreamlearnOptions.MODEL_CHECKPOINT_INTERVAL))
        .isZero();
    assertThat(
            StreamlearnConfig.fromMap(
                    required(
                        "model.checkpoint.every-steps",
                        "0",
                        "model.checkpoint.interval",
                        "0 s",
                        "model.checkpoint.at-job-checkpoints",
                        "true"))
                .get(StreamlearnOptions.MODEL_CHECKPOINT_AT_JOB_CHECKPOINTS))
        .isTrue();
  }

  @Test
  void rejectsADriftReactionWithoutADetector() {
    assertThat(
            problemsOf(required("model.drift.reaction", "reset", "metrics.drift-detector", "none")))
        .containsExactly(
            "model.drift.reaction: 'RESET' needs a drift detector, but metrics.drift-detector is"
                + " NONE; choose ADWIN or PAGE_HINKLEY, or the reaction ALERT");
  }

  @Test
  void rejectsTransactionTimeoutNotLongerThanTheCheckpointInterval() {
    assertThat(
            problemsOf(
                required("kafka.transaction-timeout", "1 min", "job.checkpoint-interval", "60 s")))
        .containsExactly(
            "kafka.transaction-timeout: 1 min must be longer than job.checkpoint-interval (1 min):"
                + " a transaction stays open until the next checkpoint commits it");
  }

  @ParameterizedTest
  @CsvSource({
    "batch.sise, batch.size",
    "Model.Hidden_Layers, model.hidden-layers",
    "kafka.topic.sample, kafka.topic.samples",
    "parallelism, job.parallelism"
  })
  void rejectsUnknownKeyAndSuggestsClosest(String unknown, String suggestion) {
    assertThat(problemsOf(required(unknown, "1")))
        .containsExactly("unknown key '" + unknown + "' (did you mean '" + suggestion + "'?)");
  }

  @Test
  void reportsEveryProblemTogetherOnePerLine() {
    Map<String, String> flat =
        required("batch.size", "abc", "job.parallelism", "0", "batch.sise", "1");
    flat.remove("model.features");

    ConfigException e = assertThrows(ConfigException.class, () -> StreamlearnConfig.fromMap(flat));

    List<String> expected =
        List.of(
            "unknown key 'batch.sise' (did you mean 'batch.size'?)",
            "batch.size: 'abc' is not an integer",
            "model.features: required, not set",
            "job.parallelism: 0 is out of range, must be >= 1");
    assertThat(e.problems()).containsExactlyElementsOf(expected);
    assertThat(e.getMessage().lines().map(String::strip)).containsAll(expected);
  }

  @Test
  void reportsProblemsOfTheFileAndTheOverridesTogether() throws IOException {
    Path file = yaml(minimalYaml() + "batch: {size: 8}\nbatch.size: 16\n");

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> StreamlearnConfig.load(file, Map.of("job.parallelism", "zero")));

    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "batch.size: set twice in the file, as '8' and as '16'; nested and dotted keys name"
                + " the same option, keep one",
            "job.parallelism: 'zero' is not an integer");
  }

  @Test
  void rejectsMissingOrMalformedFile() throws IOException {
    Path missing = tempDir.resolve("missing.yaml");
    Path malformed = yaml("batch: [1,\n");
    Path list = yaml("- batch.size\n");

    assertThatThrownBy(() -> StreamlearnConfig.load(missing, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("configuration file '" + missing + "' not found");
    assertThatThrownBy(() -> StreamlearnConfig.load(malformed, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("configuration file '" + malformed + "' is not valid YAML");
    assertThatThrownBy(() -> StreamlearnConfig.load(list, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "configuration file '" + list + "' must be a mapping of keys to values");
  }

  // ---- Flink configuration ----

  @Test
  void flinkKeysReachTheFlinkConfigurationWithoutTheirPrefix() {
    Configuration flink =
        StreamlearnConfig.fromMap(
                required("flink.state.backend.type", "rocksdb", "flink.rest.port", "8082"))
            .flinkConfiguration();

    assertThat(flink.toMap())
        .containsEntry("state.backend.type", "rocksdb")
        .containsEntry("rest.port", "8082");
  }

  @Test
  void jobKeysSetTheirFlinkOptions() {
    Configuration flink =
        StreamlearnConfig.fromMap(
                required(
                    "job.name", "churn", "job.parallelism", "3", "job.checkpoint-interval", "5 s"))
            .flinkConfiguration();

    assertThat(flink.get(PipelineOptions.NAME)).isEqualTo("churn");
    assertThat(flink.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
    assertThat(flink.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void rejectsFlinkKeyForAnOptionThatAJobKeySets() {
    assertThat(problemsOf(required("flink.parallelism.default", "4")))
        .containsExactly(
            "flink.parallelism.default: '4' conflicts with job.parallelism, which sets Flink's"
                + " parallelism.default; set job.parallelism instead");
  }

  @Test
  void flinkConfigurationIsAFreshCopyEachCall() {
    StreamlearnConfig config = StreamlearnConfig.fromMap(required());

    config.flinkConfiguration().set(CoreOptions.DEFAULT_PARALLELISM, 99);

    assertThat(config.flinkConfiguration().get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(1);
  }

  // ---- accessors ----

  @Test
  void toMapListsEveryEffectiveValueWithDefaults() {
    Map<String, String> map =
        StreamlearnConfig.fromMap(required("model.hidden-layers", "[8, 4]", "flink.a.b", "c"))
            .toMap();

    assertThat(map)
        .containsEntry("kafka.bootstrap-servers", "localhost:9092")
        .containsEntry("kafka.transaction-timeout", "10 min")
        .containsEntry("model.hidden-layers", "8,4")
        .containsEntry("model.task", "CLASSIFICATION")
        .containsEntry("flink.a.b", "c");
    List<String> everyKeyButTheUnsetOptionalOnes =
        StreamlearnOptions.all().stream()
            .map(ConfigOption::key)
            .filter(key -> !key.equals("model.configuration-file"))
            .filter(key -> !key.equals("kafka.topic.labels"))
            .filter(key -> !key.equals("kafka.properties-file"))
            .filter(key -> !key.equals("model.initial"))
            .filter(key -> !key.equals("model.initial.parent-key"))
            .filter(key -> !key.equals("model.initial.learning-rate"))
            .filter(key -> !key.equals("model.overrides"))
            .filter(key -> !key.startsWith("model.input.") || key.equals("model.input.type"))
            .filter(key -> !TrainingControls.OPTIONAL.stream().anyMatch(o -> o.key().equals(key)))
            .toList();
    assertThat(map.keySet())
        .containsAll(everyKeyButTheUnsetOptionalOnes)
        .hasSize(everyKeyButTheUnsetOptionalOnes.size() + 1);
  }

  @Test
  void toMapRoundTripsThroughFromMap() {
    StreamlearnConfig config =
        StreamlearnConfig.fromMap(
            required("model.hidden-layers", "", "batch.max-delay", "1500", "flink.x", "y"));

    assertThat(StreamlearnConfig.fromMap(config.toMap()).toMap()).isEqualTo(config.toMap());
  }

  @Test
  void getRejectsOptionsThatAreNotStreamlearnOptions() {
    StreamlearnConfig config = StreamlearnConfig.fromMap(required());

    assertThatThrownBy(() -> config.get(CoreOptions.DEFAULT_PARALLELISM))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelism.default");
  }

  // ---- helpers ----

  private static String minimalYaml() {
    return "kafka.bootstrap-servers: localhost:9092\nmodel.features: 16\n";
  }

  private Path yaml(String text) throws IOException {
    return Files.writeString(Files.createTempFile(tempDir, "config", ".yaml"), text);
  }
}
