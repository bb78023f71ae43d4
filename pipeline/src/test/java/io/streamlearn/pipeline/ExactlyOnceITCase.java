package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.ExactlyOnceAssertions.assertEachSampleCountedOnce;
import static io.streamlearn.pipeline.ExactlyOnceAssertions.assertRepeatedPredictionsAreCopies;
import static io.streamlearn.pipeline.ExactlyOnceAssertions.assertSameModelsAndPredictions;
import static io.streamlearn.pipeline.ExactlyOnceAssertions.assertTrainedAs;
import static io.streamlearn.pipeline.InjectedFailures.Point.AFTER_COMMIT;
import static io.streamlearn.pipeline.InjectedFailures.Point.AFTER_TRAINING_STEP;
import static io.streamlearn.pipeline.InjectedFailures.Point.BEFORE_COMMIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.InjectedFailures.Failure;
import io.streamlearn.pipeline.config.TrainerMode;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly-once, reproducible training through the real job: a real Kafka broker, the MiniCluster,
 * DL4J. Runs that fail and recover, or that stop with a savepoint and resume at another
 * parallelism, must end exactly where a failure-free run over the same input ends: the same
 * committed predictions, each sample counted once, the same published versions and final models
 * equal bit for bit. Each test runs with the per-key trainer and with the fused one, each compared
 * with a failure-free run of its own mode (the two modes agree within float rounding, not bit for
 * bit).
 */
class ExactlyOnceITCase {

  private static final int KEYS = 4;

  /** 50 full batches per key and a last one of 3 samples, flushed at the end of input. */
  private static final int SAMPLES_PER_KEY = 403;

  private static final String SAMPLES_TOPIC = "samples";

  /** Settings that keep training reproducible across restarts (see docs/training.md). */
  private static final Map<String, String> TRAINING =
      Map.of(
          "model.features", "4",
          "model.hidden-layers", "8",
          "model.learning-rate", "0.05",
          "batch.size", "8",
          // Batches cut by count only: their boundaries depend on nothing but each key's order.
          "batch.max-delay", "0 ms",
          // Published by step count only, so that every run publishes the same versions.
          "model.checkpoint.every-steps", "10",
          "model.checkpoint.interval", "0 s",
          "job.parallelism", "2");

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

  @TempDir static Path workDir;
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private static List<LabeledSample> samples;

  /** Each trainer mode's run without failures: every failing run of the mode must end as it. */
  private static final Map<TrainerMode, RunOutputs> FAILURE_FREE = new EnumMap<>(TrainerMode.class);

  @BeforeAll
  static void produceSamples() throws Exception {
    samples = generateSamples();
    // Kafka's default partitioner sends all samples of a key to one partition, in order.
    KAFKA.broker().createTopic(SAMPLES_TOPIC, 2);
    KafkaConnectors.produce(KAFKA.broker().bootstrapServers(), SAMPLES_TOPIC, samples);
  }

  /** The trainers compared: the per-key one, and the fused one, which steps keys together. */
  static Stream<TrainerMode> trainerModes() {
    return Stream.of(TrainerMode.PER_KEY, TrainerMode.FUSED);
  }

  /** The run without failures of a trainer mode, run the first time a test asks for it. */
  private static RunOutputs failureFree(TrainerMode mode) throws Exception {
    RunOutputs outputs = FAILURE_FREE.get(mode);
    if (outputs == null) {
      PipelineRun run =
          new PipelineRun(KAFKA.broker(), "failure-free-" + mode, SAMPLES_TOPIC, TRAINING)
              .set("trainer.mode", mode.toString());
      run.createTopics().runToEndOfInput();
      outputs = run.outputs();
      assertEachSampleCountedOnce(outputs, samples);
      FAILURE_FREE.put(mode, outputs);
    }
    return outputs;
  }

  /** Failures injected into one run; step counts include the steps replayed after a restart. */
  enum Scenario {
    EXCEPTION_IN_TRAINER(new Failure(AFTER_TRAINING_STEP, 40)),
    THREE_EXCEPTIONS_IN_TRAINER(
        new Failure(AFTER_TRAINING_STEP, 30),
        new Failure(AFTER_TRAINING_STEP, 70),
        new Failure(AFTER_TRAINING_STEP, 120)),
    FAILURES_AROUND_A_COMMIT(new Failure(BEFORE_COMMIT, 40), new Failure(AFTER_COMMIT, 100));

    final List<Failure> failures;

    Scenario(Failure... failures) {
      this.failures = List.of(failures);
    }
  }

  /** Flink's name for the backend, and the prefix of its keyed state classes. */
  enum StateBackend {
    HASHMAP("hashmap", "Heap"),
    ROCKSDB("rocksdb", "RocksDB");

    final String type;
    final String stateClassPrefix;

    StateBackend(String type, String stateClassPrefix) {
      this.type = type;
      this.stateClassPrefix = stateClassPrefix;
    }
  }

  /**
   * Every scenario on the heap backend with each trainer, and the one that restores most often on
   * RocksDB. What the backend changes is how keyed state is stored and restored, which three
   * restores exercise, and both trainers keep the same keyed state; the commit failures concern
   * Kafka's transactions, whatever the backend.
   */
  static Stream<Arguments> scenariosOnEachStateBackendWithEachTrainer() {
    return Stream.concat(
        trainerModes()
            .flatMap(
                mode ->
                    Arrays.stream(Scenario.values())
                        .map(scenario -> Arguments.of(scenario, StateBackend.HASHMAP, mode))),
        Stream.of(
            Arguments.of(
                Scenario.THREE_EXCEPTIONS_IN_TRAINER, StateBackend.ROCKSDB, TrainerMode.PER_KEY)));
  }

  @ParameterizedTest(name = "{0} on {1}, {2} trainer")
  @MethodSource("scenariosOnEachStateBackendWithEachTrainer")
  void recoversToTheFailureFreeResult(Scenario scenario, StateBackend backend, TrainerMode mode)
      throws Exception {
    String name =
        (scenario + "-" + backend + "-" + mode).toLowerCase(Locale.ROOT).replace('_', '-');
    InjectedFailures failures = InjectedFailures.plan(name, scenario.failures);
    PipelineRun run = failingRun(name, mode).set("flink.state.backend.type", backend.type);

    run.createTopics().runToEndOfInput();

    assertThat(failures.fired())
        .as("failures injected; checkpoints completed at steps %s", failures.stepsAtCheckpoints())
        .hasSize(scenario.failures.size());
    assertThat(failures.restarts()).as("restarts").isEqualTo(scenario.failures.size());
    assertThat(failures.restoredCheckpoints()).as("checkpoints restored").isNotEmpty();
    assertThat(failures.stateClasses())
        .as("classes of the trainer's keyed state")
        .allMatch(stateClass -> stateClass.startsWith(backend.stateClassPrefix));
    RunOutputs outputs = run.outputs();
    assertEachSampleCountedOnce(outputs, samples);
    assertTrainedAs(failureFree(mode), outputs);
  }

  @ParameterizedTest(name = "{0} trainer")
  @MethodSource("trainerModes")
  void atLeastOncePredictionsAreRepeatedAfterAFailureAsExactCopies(TrainerMode mode)
      throws Exception {
    RunOutputs outputs =
        runFailingOnce(
            "at-least-once-predictions-" + mode,
            mode,
            "kafka.predictions.delivery-guarantee",
            "at-least-once");

    assertThat(outputs.predictions())
        .as("predictions, those made since the restored checkpoint twice")
        .hasSizeGreaterThan(samples.size());
    assertRepeatedPredictionsAreCopies(outputs);
    // Model checkpoints are written exactly once whatever the predictions' guarantee.
    assertEachSampleCountedOnce(outputs.firstPredictionOfEachSample(), samples);
    assertTrainedAs(failureFree(mode), outputs.firstPredictionOfEachSample());
  }

  /**
   * Models published before each Flink checkpoint as well: the versions published then depend on
   * when checkpoints come, but a failure repeats or loses none of them, and training ends as in the
   * failure-free run.
   */
  @ParameterizedTest(name = "{0} trainer")
  @MethodSource("trainerModes")
  void modelsPublishedAtJobCheckpointsAreCommittedOnceAcrossAFailure(TrainerMode mode)
      throws Exception {
    RunOutputs outputs =
        runFailingOnce(
            "at-job-checkpoints-" + mode, mode, "model.checkpoint.at-job-checkpoints", "true");

    assertEachSampleCountedOnce(outputs, samples);
    assertSameModelsAndPredictions(failureFree(mode), outputs);
    assertThat(outputs.checkpoints())
        .as("versions published, by step count and before Flink checkpoints")
        .hasSizeGreaterThan(failureFree(mode).checkpoints().size());
  }

  @ParameterizedTest(name = "{0} trainer")
  @MethodSource("trainerModes")
  void resumesFromASavepointAtAnotherParallelismWithoutRepeatingAVersionOrAPrediction(
      TrainerMode mode) throws Exception {
    String topic = "samples-in-two-parts-" + mode;
    KAFKA.broker().createTopic(topic, 2);
    // 25 full batches per key and 3 samples left waiting in the batcher's state at the savepoint.
    List<LabeledSample> firstPart = samples.subList(0, KEYS * 203);
    List<LabeledSample> secondPart = samples.subList(firstPart.size(), samples.size());
    Path savepoints = workDir.resolve("savepoints");
    String name = "rescaled-" + mode;
    InjectedFailures observed = InjectedFailures.plan(name, List.of());
    PipelineRun run =
        new PipelineRun(KAFKA.broker(), name, topic, TRAINING)
            .set("trainer.mode", mode.toString())
            .set("job.parallelism", "1")
            .trainers(FailingTrainer.factory(name))
            .createTopics();

    KafkaConnectors.produce(KAFKA.broker().bootstrapServers(), topic, firstPart);
    String savepoint;
    try (RunningJob job = run.start()) {
      run.awaitPredictionsOfFullBatches(firstPart);
      savepoint = job.stopWithSavepoint(savepoints, false);
    }
    KafkaConnectors.produce(KAFKA.broker().bootstrapServers(), topic, secondPart);
    run.set("job.parallelism", "2").set("flink.execution.state-recovery.path", savepoint);
    try (RunningJob job = run.start()) {
      run.awaitPredictionsOfFullBatches(samples);
      // Draining ends the input: the last partial batches train and final models are published.
      job.stopWithSavepoint(savepoints, true);
    }

    assertThat(observed.parallelisms()).as("parallelisms run at").isEqualTo(Set.of(1, 2));
    assertThat(observed.restoredCheckpoints()).as("savepoints restored").hasSize(1);
    RunOutputs outputs = run.outputs();
    assertEachSampleCountedOnce(outputs, samples);
    assertTrainedAs(failureFree(mode), outputs);
  }

  /**
   * A run with one option set that fails once, after its 40th training step, and recovers: its
   * committed outputs.
   */
  private static RunOutputs runFailingOnce(
      String name, TrainerMode mode, String option, String value) throws Exception {
    InjectedFailures failures =
        InjectedFailures.plan(name, List.of(new Failure(AFTER_TRAINING_STEP, 40)));
    PipelineRun run = failingRun(name, mode).set(option, value);

    run.createTopics().runToEndOfInput();

    assertThat(failures.fired()).as("failures injected").hasSize(1);
    return run.outputs();
  }

  /**
   * A run that fails as its {@link InjectedFailures} plan says, in the trainer or in the
   * predictions sink's committer.
   */
  private static PipelineRun failingRun(String name, TrainerMode mode) {
    return new PipelineRun(KAFKA.broker(), name, SAMPLES_TOPIC, TRAINING)
        .set("trainer.mode", mode.toString())
        // The run's whole input is queued in network buffers from the start, and an aligned
        // barrier waits behind all of it: no checkpoint would complete before the end of input.
        .set("flink.execution.checkpointing.unaligned.enabled", "true")
        .trainers(FailingTrainer.factory(name))
        .sinks(sinks -> FailingCommitSink.failingPredictionCommits(sinks, name));
  }

  private static List<LabeledSample> generateSamples() {
    RotatingHyperplane generator = new RotatingHyperplane(2024, 4, KEYS, 0.001, 0.05);
    List<LabeledSample> generated = new ArrayList<>();
    for (int n = 0; n < KEYS * SAMPLES_PER_KEY; n++) {
      generated.add(generator.next());
    }
    return generated;
  }
}
