package io.streamlearn.pipeline;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A savepoint of the Kafka-wired job, kept in {@code src/test/resources/savepoints/v1}, and the
 * predictions its models made right after it was taken. {@link SavepointCompatibilityITCase}
 * restores it with the current code, which must predict the same. {@link #main} writes it; see the
 * README beside it.
 *
 * <p>Everything the savepoint depends on is pinned here, not shared with other tests: the job's
 * options, the samples (their topic, partitions and order) and the run's name (its transactional
 * ids and output topics).
 */
final class SavepointFixture {

  static final String RUN_NAME = "savepoint-v1";
  static final String SAMPLES_TOPIC = "samples";
  static final int SAMPLES_TOPIC_PARTITIONS = 2;

  /** Every option that shapes the model or its state, set explicitly, defaults included. */
  static final Map<String, String> TRAINING =
      Map.ofEntries(
          Map.entry("model.features", "4"),
          Map.entry("model.task", "CLASSIFICATION"),
          Map.entry("model.classes", "2"),
          Map.entry("model.hidden-layers", "8"),
          Map.entry("model.activation", "relu"),
          Map.entry("model.updater", "ADAM"),
          Map.entry("model.learning-rate", "0.05"),
          Map.entry("model.l2", "0"),
          Map.entry("model.seed", "42"),
          // Taken before model.scaling existed: its models trained on raw features, which is what
          // a job resuming such state must keep (the default scales since bench/quality chose it).
          Map.entry("model.scaling", "none"),
          // The recorded predictions are the per-key trainer's; the fused one agrees with them
          // within float rounding only, once it has trained.
          Map.entry("trainer.mode", "per-key"),
          Map.entry("batch.size", "8"),
          Map.entry("batch.max-delay", "0 ms"),
          Map.entry("model.checkpoint.every-steps", "5"),
          Map.entry("model.checkpoint.interval", "0 s"),
          Map.entry("metrics.window", "100"),
          Map.entry("job.parallelism", "1"));

  private static final int KEYS = 3;

  /** Per key: 12 full batches and 3 samples waiting in the batcher's state at the savepoint. */
  private static final int SAMPLES_BEFORE = KEYS * 99;

  private static final int SAMPLES_AFTER = KEYS * 24;

  static final String SAVEPOINT_DIRECTORY = "savepoint";
  static final String PREDICTIONS_FILE = "predictions-after-savepoint.csv";

  private SavepointFixture() {}

  static List<LabeledSample> samplesBefore() {
    return samples().subList(0, SAMPLES_BEFORE);
  }

  static List<LabeledSample> samplesAfter() {
    return samples().subList(SAMPLES_BEFORE, SAMPLES_BEFORE + SAMPLES_AFTER);
  }

  private static List<LabeledSample> samples() {
    RotatingHyperplane generator = new RotatingHyperplane(7, 4, KEYS, 0.001, 0.05);
    List<LabeledSample> samples = new ArrayList<>();
    for (int n = 0; n < SAMPLES_BEFORE + SAMPLES_AFTER; n++) {
      samples.add(generator.next());
    }
    return samples;
  }

  /**
   * What a prediction says about the model that made it, as one line of the predictions file:
   * {@code sampleId,key,modelVersion,score;score}. Scores are written by {@link Float#toString},
   * which reads back to the same float.
   */
  record RecordedPrediction(String sampleId, String key, long modelVersion, List<Float> scores) {

    static RecordedPrediction of(Prediction prediction) {
      return new RecordedPrediction(
          prediction.getSampleId(),
          prediction.getKey(),
          prediction.getModelVersion(),
          prediction.getScores());
    }

    static RecordedPrediction parse(String line) {
      String[] fields = line.split(",");
      List<Float> scores = Arrays.stream(fields[3].split(";")).map(Float::valueOf).toList();
      return new RecordedPrediction(fields[0], fields[1], Long.parseLong(fields[2]), scores);
    }

    String toLine() {
      return String.join(
          ",",
          sampleId,
          key,
          Long.toString(modelVersion),
          scores.stream().map(String::valueOf).collect(Collectors.joining(";")));
    }
  }

  /** The predictions recorded in {@code fixture}, ordered by sample id. */
  static List<RecordedPrediction> readPredictions(Path fixture) {
    try (Stream<String> lines = Files.lines(fixture.resolve(PREDICTIONS_FILE))) {
      return lines.filter(line -> !line.startsWith("#")).map(RecordedPrediction::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<RecordedPrediction> recorded(List<Prediction> predictions) {
    return predictions.stream()
        .map(RecordedPrediction::of)
        .sorted(Comparator.comparing(RecordedPrediction::sampleId))
        .toList();
  }

  /**
   * Writes the fixture into the directory given as the only argument (replacing what is there):
   * runs the job on the samples before the savepoint, stops it with a savepoint, then resumes it on
   * the samples after and records the predictions that follow.
   */
  public static void main(String[] args) throws Exception {
    Path fixture = Path.of(args[0]).toAbsolutePath();
    Path work = Files.createTempDirectory("savepoint-fixture");
    // Outside a test the job runs in a local environment: a MiniCluster of its own per run.
    try (KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"))) {
      write(broker, work, fixture);
    }
    System.out.println("Wrote " + fixture);
  }

  private static void write(KafkaBroker broker, Path work, Path fixture) throws Exception {
    broker.createTopic(SAMPLES_TOPIC, SAMPLES_TOPIC_PARTITIONS);
    PipelineRun run = new PipelineRun(broker, RUN_NAME, SAMPLES_TOPIC, TRAINING).createTopics();
    KafkaConnectors.produce(broker.bootstrapServers(), SAMPLES_TOPIC, samplesBefore());
    String savepoint;
    try (RunningJob job = run.start()) {
      // Everything predicted is committed: the savepoint holds no transaction still to commit.
      run.awaitPredictionsOfFullBatches(samplesBefore());
      savepoint = job.stopWithSavepoint(work.resolve("savepoints"), false);
    }
    Set<String> predictedBefore =
        run.outputs().predictions().stream()
            .map(Prediction::getSampleId)
            .collect(Collectors.toSet());

    KafkaConnectors.produce(broker.bootstrapServers(), SAMPLES_TOPIC, samplesAfter());
    run.set("flink.execution.state-recovery.path", savepoint);
    try (RunningJob job = run.start()) {
      run.awaitPredictionsOfFullBatches(samples());
    }
    List<RecordedPrediction> after =
        recorded(
            run.outputs().predictions().stream()
                .filter(p -> !predictedBefore.contains(p.getSampleId()))
                .toList());

    replaceDirectory(Path.of(URI.create(savepoint)), fixture.resolve(SAVEPOINT_DIRECTORY));
    List<String> lines = new ArrayList<>();
    lines.add("# sampleId,key,modelVersion,scores (see SavepointFixture.RecordedPrediction)");
    after.forEach(prediction -> lines.add(prediction.toLine()));
    Files.write(fixture.resolve(PREDICTIONS_FILE), lines);
  }

  private static void replaceDirectory(Path source, Path target) throws IOException {
    if (Files.exists(target)) {
      try (Stream<Path> old = Files.walk(target)) {
        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    copyDirectory(source, target);
  }

  static void copyDirectory(Path source, Path target) throws IOException {
    try (Stream<Path> files = Files.walk(source)) {
      for (Path path : files.toList()) {
        Files.copy(path, target.resolve(source.relativize(path).toString()));
      }
    }
  }
}
