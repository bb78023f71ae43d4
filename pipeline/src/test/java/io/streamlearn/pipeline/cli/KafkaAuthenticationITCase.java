package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.cli.Cli.streamlearn;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.cli.Cli.Result;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The commands against a broker whose listener wants SASL PLAIN credentials, given as a Kafka
 * client properties file: {@code --kafka-properties} for produce and consume, the configuration's
 * kafka.properties-file for run. Wrong credentials are one line on stderr, as a user sees it with
 * the bundled logging; right ones carry samples through the job to its predictions.
 */
class KafkaAuthenticationITCase {

  /** The bound: a command against unusable brokers says so within this long. */
  private static final Duration FAIL_FAST = Duration.ofSeconds(30);

  private static final String USER = "alice";
  private static final String PASSWORD = "alice-secret";
  private static final int SAMPLES = 300;

  @TempDir static Path workDir;

  @RegisterExtension
  static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.withSaslUser(USER, PASSWORD, "");

  /** In a JVM of its own, so that whatever Kafka's clients log would be on the stderr checked. */
  @ParameterizedTest
  @ValueSource(strings = {"produce", "consume", "run"})
  void wrongCredentialsAreOneLineNamingTheServersWithinThirtySeconds(String command)
      throws Exception {
    Path wrong = clientProperties("wrong.properties", "not-" + PASSWORD);

    Result result = Cli.streamlearnInItsOwnJvm(FAIL_FAST, List.of(), args(command, wrong));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("streamlearn " + command + ": Kafka at " + saslServers())
                    .contains("authentication failed"));
  }

  @Test
  void aClientWithoutCredentialsIsToldTheListenerMayWantThem() {
    Result result =
        streamlearn(
            "consume",
            "--bootstrap-servers",
            saslServers(),
            "--topic",
            "predictions",
            "--max",
            "1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .singleElement()
        .isEqualTo(
            "streamlearn consume: Kafka at "
                + saslServers()
                + " did not describe the cluster: no answer within 10 s (is it a Kafka listener,"
                + " and one that needs no TLS or SASL authentication?)");
  }

  @Test
  void rightCredentialsCarrySamplesThroughTheJobToConsume() throws Exception {
    Path right = clientProperties("right.properties", PASSWORD);
    // Set up over the plaintext listener; everything after goes through the SASL one.
    KAFKA.broker().createTopic("authenticated-samples", 1);

    Result produced =
        streamlearn(
            "produce",
            "--bootstrap-servers",
            saslServers(),
            "--kafka-properties",
            right.toString(),
            "--topic",
            "authenticated-samples",
            "--generate",
            String.valueOf(SAMPLES),
            "--features",
            "3");
    assertThat(produced.exitCode()).as(produced.err()).isZero();

    Result run =
        streamlearn(
            "run",
            "--config",
            jobConfig("authenticated", right).toString(),
            "--create-topics",
            "--until-end",
            "--quiet");
    assertThat(run.exitCode()).as(run.err()).isZero();

    Result consumed =
        streamlearn(
            "consume",
            "--bootstrap-servers",
            saslServers(),
            "--kafka-properties",
            right.toString(),
            "--topic",
            "authenticated-predictions",
            "--max",
            String.valueOf(SAMPLES),
            "--timeout",
            "PT60S");
    assertThat(consumed.exitCode()).as(consumed.err()).isZero();
    assertThat(consumed.out().lines()).hasSize(SAMPLES).allMatch(line -> line.contains("sampleId"));
  }

  private static String[] args(String command, Path properties) throws IOException {
    return switch (command) {
      case "produce" ->
          new String[] {
            "produce",
            "--bootstrap-servers",
            saslServers(),
            "--kafka-properties",
            properties.toString(),
            "--generate",
            "100"
          };
      case "consume" ->
          new String[] {
            "consume",
            "--bootstrap-servers",
            saslServers(),
            "--kafka-properties",
            properties.toString(),
            "--topic",
            "predictions"
          };
      case "run" -> new String[] {"run", "--config", jobConfig("refused", properties).toString()};
      default -> throw new IllegalArgumentException(command);
    };
  }

  /** Kafka client settings for SASL PLAIN as {@link #USER} with {@code password}. */
  private static Path clientProperties(String name, String password) throws IOException {
    return Files.writeString(
        workDir.resolve(name),
        String.join(
            "\n",
            "security.protocol=SASL_PLAINTEXT",
            "sasl.mechanism=PLAIN",
            "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\",
            "  username=\"" + USER + "\" password=\"" + password + "\";",
            ""));
  }

  /** A job reading {@code <name>-samples} over the SASL listener, its topics named after it. */
  private static Path jobConfig(String name, Path properties) throws IOException {
    return Files.writeString(
        workDir.resolve(name + ".yaml"),
        String.join(
            "\n",
            "kafka.bootstrap-servers: " + saslServers(),
            "kafka.properties-file: " + properties,
            "kafka.group-id: " + name,
            "kafka.topic.samples: " + name + "-samples",
            "kafka.topic.predictions: " + name + "-predictions",
            "kafka.topic.checkpoints: " + name + "-checkpoints",
            "kafka.topic.dead-letters: " + name + "-dead-letters",
            "kafka.topic.metrics: " + name + "-metrics",
            "model.features: 3",
            "job.name: " + name,
            "job.state-dir: " + workDir.resolve("state"),
            "job.checkpoint-interval: 1 s",
            ""));
  }

  private static String saslServers() {
    return KAFKA.broker().saslBootstrapServers();
  }
}
