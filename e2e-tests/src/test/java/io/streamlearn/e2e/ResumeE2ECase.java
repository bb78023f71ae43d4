package io.streamlearn.e2e;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toList;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/streamlearn run} killed with SIGKILL in the middle of its input and started again with
 * the same command: what the two runs publish together, read committed, is what one run without a
 * crash would have published.
 */
class ResumeE2ECase {

  private static final int FEATURES = 4;
  private static final int KEYS = 4;
  private static final int SAMPLES = 20_000;

  /** Every tenth sample comes without its label: predicted, never trained on. */
  private static final int UNLABELED_EVERY = 10;

  /** Longest a read of everything committed to an output topic may take. */
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(1);

  // Kept when the test fails: the runs' output and the state directory are there.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private KafkaBroker kafka;
  private Process run;
  private int commands;

  @AfterEach
  void stopEverything() throws InterruptedException {
    BinStreamlearn.kill(run);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aRunKilledMidStreamAndRerunPublishesEveryPredictionOnceAndModelsThatNeverGoBack()
      throws Exception {
    List<LabeledSample> samples = startKafkaWithSamples();
    // The same command both times, the state directory left at its default under the working
    // directory.
    Path config = writeConfig("");
    String[] command = {"run", "--config", config.toString(), "--until-end"};

    run = start("run-1", command);
    awaitPredictions("run-1");
    run.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook, no final checkpoint
    assertThat(committedPredictions()).as("killed mid-stream").isLessThan(SAMPLES);

    run = start("run-2", command);
    drainOnceEverySampleIsPredicted("run-2", config);
    String secondRun = output("run-2");
    assertThat(secondRun)
        .contains("Resumed from " + workDir.resolve("streamlearn-state/streamlearn/checkpoints"))
        .contains("ended after")
        .contains("keys " + KEYS + " v");

    assertEveryPredictionOnceWithVersionsNeverGoingBack(samples);
    assertModelVersionsStrictlyIncreasingAndTrainedOnEveryLabel(samples);
  }

  /**
   * Ends a resumed run with {@code stop --drain} once it has predicted every sample: the drain
   * publishes every key's final model. A resumed --until-end run cannot end by itself
   * (FLINK-31006), and says so.
   */
  private void drainOnceEverySampleIsPredicted(String name, Path config) throws Exception {
    assertThat(
            KafkaConnectors.readAll(
                kafka.bootstrapServers(),
                "predictions",
                WireCodec.predictions(),
                SAMPLES,
                Duration.ofMinutes(8)))
        .as("%s predicts every sample\n%s", name, output(name))
        .hasSizeGreaterThanOrEqualTo(SAMPLES);
    CliCommand stop = command("stop", "--config", config.toString(), "--drain");
    assertThat(stop.exitCode()).as(stop.output()).isZero();
    assertThat(stop.output()).contains("Job drained and stopped; savepoint written to");
    assertThat(run.waitFor(3, TimeUnit.MINUTES)).as("%s ended by stop --drain", name).isTrue();
    assertThat(run.exitValue()).as(output(name)).isZero();
  }

  /** What a command that ends by itself printed, and how it exited. */
  private record CliCommand(int exitCode, String output) {}

  private CliCommand command(String... args) throws Exception {
    String name = args[0] + "-" + commands++;
    Process process = start(name, args);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s ended", name).isTrue();
    return new CliCommand(process.exitValue(), output(name));
  }

  private List<LabeledSample> startKafkaWithSamples() throws Exception {
    kafka = KafkaBroker.start(workDir.resolve("kafka"));
    JobTopics.create(kafka);
    List<LabeledSample> samples = samples();
    KafkaConnectors.produce(kafka.bootstrapServers(), "samples", samples);
    return samples;
  }

  /** Waits until a quarter of the predictions are committed, with the run still running. */
  private void awaitPredictions(String name) throws Exception {
    assertThat(
            Await.until(
                Duration.ofMinutes(6),
                () -> !run.isAlive() || committedPredictions() >= SAMPLES / 4))
        .as("%s publishes predictions\n%s", name, output(name))
        .isTrue();
    assertThat(run.isAlive()).as("%s still running\n%s", name, output(name)).isTrue();
  }

  private void assertEveryPredictionOnceWithVersionsNeverGoingBack(List<LabeledSample> samples) {
    // Everything committed, so that duplicates would be read too.
    List<Prediction> predictions =
        KafkaConnectors.readCommitted(
            kafka.bootstrapServers(), "predictions", WireCodec.predictions(), READ_TIMEOUT);
    Map<String, Long> perSample =
        predictions.stream().collect(groupingBy(p -> p.getSampleId().toString(), counting()));
    assertThat(perSample.values()).as("predictions per sample id").containsOnly(1L);
    assertThat(perSample.keySet())
        .containsExactlyInAnyOrderElementsOf(
            samples.stream().map(s -> s.getId().toString()).toList());
    // A key's predictions are in one partition, read in the order they were published.
    predictions.stream()
        .collect(groupingBy(p -> p.getKey().toString(), toList()))
        .forEach(
            (key, ofKey) ->
                assertThat(versions(ofKey, Prediction::getModelVersion))
                    .as("model versions of key %s's predictions", key)
                    .isSorted());
  }

  private void assertModelVersionsStrictlyIncreasingAndTrainedOnEveryLabel(
      List<LabeledSample> samples) {
    List<ModelCheckpoint> checkpoints =
        KafkaConnectors.readCommitted(
            kafka.bootstrapServers(),
            "model-checkpoints",
            WireCodec.modelCheckpoints(),
            READ_TIMEOUT);
    Map<String, List<ModelCheckpoint>> perKey =
        checkpoints.stream().collect(groupingBy(c -> c.getKey().toString(), toList()));
    assertThat(perKey).hasSize(KEYS);
    long samplesSeen = 0;
    for (Map.Entry<String, List<ModelCheckpoint>> key : perKey.entrySet()) {
      List<Long> versions = versions(key.getValue(), ModelCheckpoint::getVersion);
      assertThat(versions).as("versions of key %s, as published", key.getKey()).isSorted();
      assertThat(versions)
          .as("versions of key %s, as published", key.getKey())
          .doesNotHaveDuplicates();
      samplesSeen += key.getValue().get(key.getValue().size() - 1).getSamplesSeen();
    }
    long labeled = samples.stream().filter(s -> s.getLabel() != null).count();
    assertThat(samplesSeen).as("samplesSeen of every key's final model").isEqualTo(labeled);
  }

  private static <T> List<Long> versions(List<T> records, ToLongFunction<T> version) {
    return records.stream().map(r -> version.applyAsLong(r)).toList();
  }

  private static List<LabeledSample> samples() {
    RotatingHyperplane generator = new RotatingHyperplane(11, FEATURES, KEYS, 0.0001, 0.05);
    List<LabeledSample> samples = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      LabeledSample sample = generator.next();
      if (i % UNLABELED_EVERY == 0) {
        sample.setLabel(null);
      }
      samples.add(sample);
    }
    return samples;
  }

  private Path writeConfig(String moreSettings) throws IOException {
    return Files.writeString(
        workDir.resolve("job.yaml"),
        String.join(
            "\n",
            "kafka.bootstrap-servers: " + kafka.bootstrapServers(),
            "model.features: " + FEATURES,
            "job.parallelism: 2",
            "job.checkpoint-interval: 1 s",
            "batch.size: 32",
            "model.checkpoint.every-steps: 20",
            moreSettings,
            ""));
  }

  /** Predictions committed so far: the sum of the partitions' last stable offsets, about. */
  private long committedPredictions() {
    try (KafkaConsumer<byte[], byte[]> consumer =
        KafkaConnectors.committedConsumer(kafka.bootstrapServers())) {
      List<TopicPartition> partitions =
          List.of(new TopicPartition("predictions", 0), new TopicPartition("predictions", 1));
      return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private Process start(String name, String... args) throws IOException {
    return BinStreamlearn.start(workDir, name, args);
  }

  private String output(String name) throws IOException {
    return BinStreamlearn.output(workDir, name);
  }
}
