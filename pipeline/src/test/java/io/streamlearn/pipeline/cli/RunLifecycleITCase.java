package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.cli.Cli.streamlearn;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.cli.Cli.Result;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} in this JVM, as a user runs it, against a real broker: a bounded back-fill that ends
 * by itself, and a running job that {@code savepoint} and {@code stop} reach through the state
 * directory.
 */
class RunLifecycleITCase {

  private static final int SAMPLES = 1_500;
  private static final int KEYS = 3;
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
  private static final Pattern SAVEPOINT_LOCATION = Pattern.compile("savepoint written to (\\S+)");

  @TempDir Path workDir;
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void anUntilEndRunPredictsEverySamplePublishesEachKeysFinalModelAndExitsZero() throws Exception {
    Path config = configWithSamples("backfill");

    Result run =
        streamlearn(
            "run", "--config", config.toString(), "--create-topics", "--until-end", "--quiet");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("Started with new models");
    List<Prediction> predictions = predictions("backfill", SAMPLES);
    assertThat(predictions.stream().map(Prediction::getSampleId).distinct()).hasSize(SAMPLES);
    assertThat(lastSamplesSeenPerKey("backfill")).isEqualTo(samplesPerKey(predictions));
  }

  @Test
  void savepointKeepsTheJobRunningAndStopEndsItWithASavepoint() throws Exception {
    Path config = configWithSamples("live");
    // Read from before the job starts; run creates the other topics.
    KAFKA.broker().createTopic("live-predictions", 2);
    CompletableFuture<Result> run =
        CompletableFuture.supplyAsync(
            () -> streamlearn("run", "--config", config.toString(), "--create-topics"));
    assertThat(predictions("live", SAMPLES)).hasSize(SAMPLES);

    Result savepoint = streamlearn("savepoint", "--config", config.toString());

    assertThat(savepoint.exitCode()).as(savepoint.err()).isZero();
    assertThat(savepoint.out()).contains("Job still running");
    assertThat(metadataAt(savepoint)).isRegularFile();
    assertThat(run).isNotDone();

    Result stop = streamlearn("stop", "--config", config.toString());

    assertThat(stop.exitCode()).as(stop.err()).isZero();
    assertThat(metadataAt(stop)).isRegularFile();
    Result ended = run.get(2, TimeUnit.MINUTES);
    assertThat(ended.exitCode()).as(ended.err()).isZero();
  }

  /**
   * A job configuration whose samples topic holds {@link #SAMPLES} generated samples of {@link
   * #KEYS} keys; the job's output topics do not exist yet, so {@code run} is told to create them.
   */
  private Path configWithSamples(String job) throws Exception {
    String samples = job + "-samples";
    KAFKA.broker().createTopic(samples, 2);
    Result produced =
        streamlearn(
            "produce",
            "--bootstrap-servers",
            KAFKA.broker().bootstrapServers(),
            "--topic",
            samples,
            "--generate",
            String.valueOf(SAMPLES),
            "--keys",
            String.valueOf(KEYS),
            "--features",
            "3");
    assertThat(produced.exitCode()).as(produced.err()).isZero();
    Path config =
        Files.writeString(
            workDir.resolve(job + ".yaml"),
            String.join(
                "\n",
                "kafka.bootstrap-servers: " + KAFKA.broker().bootstrapServers(),
                "kafka.topic.samples: " + samples,
                "kafka.topic.predictions: " + job + "-predictions",
                "kafka.topic.checkpoints: " + job + "-checkpoints",
                "kafka.topic.dead-letters: " + job + "-dead-letters",
                "kafka.topic.metrics: " + job + "-metrics",
                "kafka.group-id: " + job,
                "model.features: 3",
                "job.name: " + job,
                "job.state-dir: " + workDir.resolve("state"),
                "job.checkpoint-interval: 1 s",
                ""));
    return config;
  }

  private static List<Prediction> predictions(String job, int expected) {
    return KafkaConnectors.readAll(
        KAFKA.broker().bootstrapServers(),
        job + "-predictions",
        WireCodec.predictions(),
        expected,
        READ_TIMEOUT);
  }

  private static Map<String, Long> lastSamplesSeenPerKey(String job) {
    List<ModelCheckpoint> checkpoints =
        KafkaConnectors.readCommitted(
            KAFKA.broker().bootstrapServers(),
            job + "-checkpoints",
            WireCodec.modelCheckpoints(),
            Duration.ofMinutes(1));
    BinaryOperator<Long> larger = Math::max;
    return checkpoints.stream()
        .collect(toMap(ModelCheckpoint::getKey, ModelCheckpoint::getSamplesSeen, larger));
  }

  private static Map<String, Long> samplesPerKey(List<Prediction> predictions) {
    return predictions.stream().collect(groupingBy(Prediction::getKey, counting()));
  }

  private static Path metadataAt(Result savepointing) {
    Matcher location = SAVEPOINT_LOCATION.matcher(savepointing.out());
    assertThat(location.find()).as(savepointing.out()).isTrue();
    String written = location.group(1);
    Path directory = written.startsWith("file:") ? Path.of(URI.create(written)) : Path.of(written);
    return directory.resolve("_metadata");
  }
}
