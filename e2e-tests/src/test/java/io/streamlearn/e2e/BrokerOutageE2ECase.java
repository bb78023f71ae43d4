package io.streamlearn.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaBroker;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under a running {@code bin/streamlearn run} and comes back: the log, with
 * the logging configuration bin/streamlearn ships, says at WARN which broker cannot be reached, and
 * the job goes on with the samples written once the broker is back.
 */
class BrokerOutageE2ECase {

  private static final int FEATURES = 4;
  private static final int KEYS = 4;
  private static final int SAMPLES_PER_PART = 2_000;
  private static final Duration OUTPUT_TIMEOUT = Duration.ofMinutes(6);

  /** Named so that the job's own Kafka clients can be told apart in the log. */
  private static final String JOB = "outage-job";

  private static final String GROUP = "outage-group";

  // Kept when the test fails: the run's output, its state and the broker's log are there.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  private KafkaBroker kafka;
  private Process run;

  @AfterEach
  void stopEverything() throws InterruptedException {
    BinStreamlearn.kill(run);
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aBrokerThatGoesAwayIsNamedInAWarningAndTheJobGoesOnOnceItIsBack() throws Exception {
    kafka = KafkaBroker.start(workDir.resolve("kafka"));
    JobTopics.create(kafka);
    RotatingHyperplane generator = new RotatingHyperplane(5, FEATURES, KEYS, 0.0001, 0.05);
    KafkaConnectors.produce(kafka.bootstrapServers(), "samples", part(generator));
    run = BinStreamlearn.start(workDir, "run", "run", "--config", writeConfig().toString());
    assertThat(predictions(SAMPLES_PER_PART))
        .as("predictions before the outage\n%s", output())
        .hasSize(SAMPLES_PER_PART);

    kafka.close();
    Pattern jobClientCannotReachBroker =
        Pattern.compile(
            "(?m)^\\S+ WARN .*(" + JOB + "|" + GROUP + ").*" + Pattern.quote(address()) + ".*$");
    assertThat(
            Await.until(OUTPUT_TIMEOUT, () -> jobClientCannotReachBroker.matcher(output()).find()))
        .as("a WARN of the job's Kafka clients naming %s\n%s", address(), output())
        .isTrue();

    kafka = kafka.restart();
    List<LabeledSample> afterTheOutage = part(generator);
    KafkaConnectors.produce(kafka.bootstrapServers(), "samples", afterTheOutage);

    List<String> predicted =
        predictions(2 * SAMPLES_PER_PART).stream().map(p -> p.getSampleId().toString()).toList();
    assertThat(predicted)
        .as("predictions of the samples written after the outage\n%s", output())
        .containsAll(afterTheOutage.stream().map(s -> s.getId().toString()).toList());
    assertThat(run.isAlive()).as("run still running\n%s", output()).isTrue();
  }

  private List<Prediction> predictions(int expected) {
    return KafkaConnectors.readAll(
        kafka.bootstrapServers(), "predictions", WireCodec.predictions(), expected, OUTPUT_TIMEOUT);
  }

  private static List<LabeledSample> part(RotatingHyperplane generator) {
    return Stream.generate(generator::next).limit(SAMPLES_PER_PART).toList();
  }

  /** The broker as Kafka's clients name it in their messages: host:port. */
  private String address() {
    return kafka.bootstrapServers();
  }

  private Path writeConfig() throws IOException {
    return Files.writeString(
        workDir.resolve("job.yaml"),
        String.join(
            "\n",
            "kafka.bootstrap-servers: " + kafka.bootstrapServers(),
            "kafka.group-id: " + GROUP,
            "model.features: " + FEATURES,
            "job.name: " + JOB,
            "job.checkpoint-interval: 1 s",
            ""));
  }

  private String output() throws IOException {
    return BinStreamlearn.output(workDir, "run");
  }
}
