package io.streamlearn.e2e;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.mapping;
import static java.util.stream.Collectors.summingDouble;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line submits the packaged job jar to a real Flink cluster, which learns from
 * a real Kafka broker: what an operator does with {@code bin/streamlearn run --jobmanager}.
 */
class StreamlearnOnClusterE2ECase {

  private static final int FEATURES = 4;
  private static final int KEYS = 4;
  private static final int SAMPLES = 8_000;
  private static final int BATCH_SIZE = 32;
  private static final int CHECKPOINT_EVERY_STEPS = 20;

  /** Samples with one feature too many: the decoder dead-letters them as FEATURE_COUNT_MISMATCH. */
  private static final int MISFITS = 7;

  /** How the TaskManager's Prometheus reporter names the operators' metrics. */
  private static final String OPERATOR_METRIC = "flink_taskmanager_job_task_operator_";

  /**
   * Each key trains on SAMPLES / KEYS samples in batches of at most BATCH_SIZE, so in at least
   * SAMPLES / KEYS / BATCH_SIZE steps, and publishes a checkpoint every CHECKPOINT_EVERY_STEPS.
   */
  private static final int MIN_CHECKPOINTS_PER_KEY =
      (SAMPLES / KEYS / BATCH_SIZE) / CHECKPOINT_EVERY_STEPS;

  // Kept when a test fails: the cluster's logs are there.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path workDir;

  private static KafkaBroker kafka;
  private static FlinkCluster flink;

  @BeforeAll
  static void startKafkaAndFlink() throws Exception {
    kafka = KafkaBroker.start(workDir.resolve("kafka"));
    JobTopics.create(kafka);
    flink = FlinkCluster.start(workDir.resolve("flink"));
  }

  @AfterAll
  static void stopKafkaAndFlink() throws Exception {
    if (flink != null) {
      flink.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theSubmittedJobPredictsEverySampleAndPublishesModelsOnTheCluster() throws Exception {
    long submittedNanos = System.nanoTime();
    String jobId = submitDetached(writeConfig());

    List<LabeledSample> samples =
        // A slowly drifting concept with 5 % label noise: learnable, never learnt perfectly.
        Stream.generate(new RotatingHyperplane(7, FEATURES, KEYS, 0.0005, 0.05)::next)
            .limit(SAMPLES)
            .toList();
    KafkaConnectors.produce(kafka.bootstrapServers(), "samples", samples);
    KafkaConnectors.produce(
        kafka.bootstrapServers(),
        "samples",
        Stream.generate(new RotatingHyperplane(8, FEATURES + 1, KEYS, 0, 0)::next)
            .limit(MISFITS)
            .toList());

    List<Prediction> predictions =
        KafkaConnectors.readAll(
            kafka.bootstrapServers(),
            "predictions",
            WireCodec.predictions(),
            SAMPLES,
            Duration.ofMinutes(3));
    assertOnePredictionPerSample(predictions, samples);

    List<ModelCheckpoint> checkpoints =
        KafkaConnectors.readAll(
            kafka.bootstrapServers(),
            "model-checkpoints",
            WireCodec.modelCheckpoints(),
            KEYS * MIN_CHECKPOINTS_PER_KEY,
            Duration.ofMinutes(1));
    assertCheckpointsOfEveryKeyInVersionOrder(checkpoints, samples);
    assertTaskManagerExportsTrainingMetrics(
        checkpoints, Duration.ofNanos(System.nanoTime() - submittedNanos));

    assertThat(flink.jobStatus(jobId)).isEqualTo("RUNNING");
    assertThat(flink.runningJobs()).containsExactly(jobId);
    // The networks were trained where ND4J's native library is loaded: in the TaskManager.
    assertThat(loadsNd4jNatives(flink.taskManagerProcess().pid())).isTrue();
    assertThat(loadsNd4jNatives(ProcessHandle.current().pid())).isFalse();

    flink.cancelJob(jobId);
    assertThat(Await.until(Duration.ofSeconds(30), () -> isCanceled(jobId)))
        .as("job %s CANCELED, the REST API says %s", jobId, flink.jobStatus(jobId))
        .isTrue();
  }

  private static void assertOnePredictionPerSample(
      List<Prediction> predictions, List<LabeledSample> samples) {
    // Compared as numbers first: a failing comparison of 8,000 ids is unreadable.
    assertThat(predictions.size())
        .as("predictions within 3 minutes; logs in %s", workDir)
        .isEqualTo(samples.size());
    Map<String, Long> predictionsPerSample =
        predictions.stream().collect(groupingBy(Prediction::getSampleId, counting()));
    assertThat(predictionsPerSample.keySet())
        .containsExactlyInAnyOrderElementsOf(samples.stream().map(LabeledSample::getId).toList());
    assertThat(predictionsPerSample).allSatisfy((id, count) -> assertThat(count).isOne());
    assertThat(predictions).allSatisfy(p -> assertThat(p.getModelVersion()).isNotNegative());
  }

  private static void assertCheckpointsOfEveryKeyInVersionOrder(
      List<ModelCheckpoint> checkpoints, List<LabeledSample> samples) {
    Map<String, List<Long>> versionsPerKey =
        checkpoints.stream()
            .collect(
                groupingBy(
                    ModelCheckpoint::getKey, mapping(ModelCheckpoint::getVersion, toList())));
    assertThat(versionsPerKey)
        .containsOnlyKeys(samples.stream().map(LabeledSample::getKey).distinct().toList());
    assertThat(versionsPerKey)
        .allSatisfy(
            (key, versions) -> {
              assertThat(versions).hasSizeGreaterThanOrEqualTo(MIN_CHECKPOINTS_PER_KEY);
              // Strictly increasing.
              assertThat(versions).isSorted().doesNotHaveDuplicates();
            });
  }

  /**
   * What Prometheus would scrape from the TaskManager, with the reporter docker/conf/config.yaml
   * configures. Every prediction is committed, so every batch has been trained on: predictions are
   * emitted in the same call that then trains, and become visible only after a checkpoint.
   */
  private static void assertTaskManagerExportsTrainingMetrics(
      List<ModelCheckpoint> checkpoints, Duration jobRunTime) throws Exception {
    String text = flink.scrapeTaskManagerMetrics();
    Files.writeString(workDir.resolve("taskmanager-metrics.txt"), text);
    PrometheusScrape scrape = PrometheusScrape.parse(text);

    assertThat(scrape.sum(OPERATOR_METRIC + "samplesTrained")).isEqualTo(SAMPLES);
    double steps = scrape.sum(OPERATOR_METRIC + "trainingSteps");
    assertThat(steps).isGreaterThanOrEqualTo(SAMPLES / BATCH_SIZE);
    String stepTime = OPERATOR_METRIC + "trainingStepTimeMicros";
    assertThat(scrape.sum(stepTime + "_count")).isEqualTo(steps);
    assertThat(scrape.named(stepTime))
        .as("quantiles of the step time, in µs")
        .extracting(sample -> sample.labels().get("quantile"))
        .contains("0.5", "0.99");
    // In µs: no step can take longer than the whole job has run, however loaded the machine is.
    double jobRunMicros = jobRunTime.toNanos() / 1e3;
    assertThat(scrape.named(stepTime))
        .allSatisfy(quantile -> assertThat(quantile.value()).isPositive().isLessThan(jobRunMicros));
    assertThat(scrape.named(OPERATOR_METRIC + "trainingLoss"))
        .as("trainingLoss of both trainer subtasks")
        .hasSize(2)
        .allSatisfy(loss -> assertThat(loss.value()).isFinite().isPositive());
    // A subtask's highest version: at least what its keys published, which is read so far.
    List<Double> versions =
        scrape.named(OPERATOR_METRIC + "modelVersion").stream()
            .map(PrometheusScrape.Sample::value)
            .toList();
    assertThat(versions).as("modelVersion of both trainer subtasks").hasSize(2);
    assertThat(Collections.max(versions))
        .isGreaterThanOrEqualTo(
            checkpoints.stream().mapToLong(ModelCheckpoint::getVersion).max().orElseThrow());

    Map<String, Double> deadLettersByReason =
        scrape.named(OPERATOR_METRIC + "deadLetters_reason_count").stream()
            .collect(groupingBy(s -> s.labels().get("reason"), summingDouble(s -> s.value())));
    assertThat(deadLettersByReason)
        .as("dead letters by reason, over all operators and subtasks")
        .containsEntry(DeadLetterReason.FEATURE_COUNT_MISMATCH.name(), (double) MISFITS)
        .containsEntry(DeadLetterReason.DIVERGED_BATCH.name(), 0.0)
        .hasSize(DeadLetterReason.values().length);
  }

  private static Path writeConfig() throws IOException {
    return Files.writeString(
        workDir.resolve("streamlearn.yaml"),
        """
        kafka:
          bootstrap-servers: %s
        model:
          features: %d
          checkpoint:
            every-steps: %d
        batch:
          size: %d
        job:
          parallelism: 2
          checkpoint-interval: 1 s
          state-dir: %s
        """
            .formatted(
                kafka.bootstrapServers(),
                FEATURES,
                CHECKPOINT_EVERY_STEPS,
                BATCH_SIZE,
                workDir.resolve("state")));
  }

  /** Submits with the packaged command line and returns the job id it prints. */
  private static String submitDetached(Path config) throws Exception {
    return StreamlearnCli.run(
            workDir.resolve("submit.out"),
            Duration.ofMinutes(2),
            "run",
            "--config",
            config.toString(),
            "--jobmanager",
            flink.restAddress(),
            "--job-jar",
            StreamlearnCli.jar("streamlearn.job.jar").toString(),
            "--detached")
        .submittedJobId();
  }

  private static boolean isCanceled(String jobId) throws IOException, InterruptedException {
    return flink.jobStatus(jobId).equals("CANCELED");
  }

  /** Whether the process has ND4J's CPU backend (libnd4jcpu.so) mapped; Linux only. */
  private static boolean loadsNd4jNatives(long pid) throws IOException {
    try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
      return maps.anyMatch(mapping -> mapping.contains("libnd4jcpu"));
    }
  }
}
