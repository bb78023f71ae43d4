package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.OutputRecords.prediction;
import static io.streamlearn.pipeline.cli.Cli.streamlearn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.streamlearn.pipeline.cli.Cli.Result;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the commands do when Kafka is not as they need it: no broker on the port, a host that does
 * not resolve, a topic that does not exist. The broker here auto-creates topics, as Kafka does by
 * default, so that a command that reads a missing topic would create it.
 */
class KafkaChecksITCase {

  /** The bound: a command against unusable brokers says so within this long. */
  private static final Duration FAIL_FAST = Duration.ofSeconds(30);

  @TempDir static Path workDir;

  @RegisterExtension
  static final KafkaBrokerExtension KAFKA =
      new KafkaBrokerExtension("auto.create.topics.enable=true\n");

  @ParameterizedTest
  @ValueSource(strings = {"produce", "consume", "report", "run"})
  void everyCommandNamesAClosedPortInOneLineWithinThirtySeconds(String command) throws Exception {
    String closed = "127.0.0.1:" + closedPort();

    Result result = assertTimeoutPreemptively(FAIL_FAST, () -> streamlearn(args(command, closed)));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .startsWith("streamlearn " + command + ": ")
                    .contains(closed)
                    .contains("connection refused"));
  }

  /**
   * In a JVM of its own that resolves names from a hosts file alone, so that the unknown name sends
   * no query to a DNS server.
   */
  @Test
  void produceNamesAnUnknownHostInOneLineWithinThirtySeconds() throws Exception {
    Path hosts = Files.writeString(workDir.resolve("hosts"), "127.0.0.1 localhost\n");

    Result result =
        Cli.streamlearnInItsOwnJvm(
            FAIL_FAST,
            List.of("-Djdk.net.hosts.file=" + hosts),
            "produce",
            "--bootstrap-servers",
            "kafka.example.invalid:9092",
            "--generate",
            "100");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .singleElement()
        .isEqualTo(
            "streamlearn produce: Kafka at kafka.example.invalid:9092 cannot be reached:"
                + " kafka.example.invalid:9092: unknown host kafka.example.invalid");
  }

  @Test
  void consumeOfAMissingTopicFailsAndDoesNotCreateIt() throws Exception {
    Result result = consume("never-written", "--max", "1");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("No topic never-written on " + servers());
    try (Admin admin = admin()) {
      assertThat(admin.listTopics().names().get()).doesNotContain("never-written");
    }
  }

  @Test
  void consumeSaysHowManyRecordsItReadWhenFewerThanMaxCameInTime() throws Exception {
    KAFKA.broker().createTopic("two-predictions", 1);
    WireCodec<Prediction> codec = WireCodec.predictions();
    send(
        "two-predictions",
        codec.encode(prediction("a", "k", 1, 0)),
        codec.encode(prediction("b", "k", 1, 0)));

    Result result = consume("two-predictions", "--max", "5", "--timeout", "PT2S");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines()).hasSize(2);
    assertThat(result.err())
        .contains("Read 2 of --max 5 records: two-predictions had no more within --timeout PT2S");
  }

  @Test
  void consumeDecodesDeadLetters() throws Exception {
    KAFKA.broker().createTopic("some-dead-letters", 1);
    DeadLetter deadLetter =
        DeadLetter.newBuilder()
            .setReason(DeadLetterReason.CORRUPT_RECORD)
            .setMessage("string length 34359738368 \"exceeds\" the record")
            .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 1, 7}))
            .setSourceTopic("samples")
            .setSourcePartition(0)
            .setSourceOffset(41L)
            .setRejectedAt(Instant.ofEpochMilli(0))
            .build();
    send("some-dead-letters", WireCodec.deadLetters().encode(deadLetter));

    Result result = consume("some-dead-letters", "--type", "dead-letters", "--max", "1");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines())
        .containsExactly(
            "{\"reason\":\"CORRUPT_RECORD\",\"message\":\"string length 34359738368"
                + " \\\"exceeds\\\" the record\",\"sourceTopic\":\"samples\",\"sourcePartition\":0,"
                + "\"sourceOffset\":41,\"key\":null,\"sampleId\":null,"
                + "\"rejectedAt\":\"1970-01-01T00:00:00Z\",\"valueBytes\":3}");
  }

  @Test
  void runNamesAMissingSamplesTopicInsteadOfFailingOver() throws Exception {
    Path config = jobConfig("missing-topic-job", "absent-samples", servers());

    Result result =
        assertTimeoutPreemptively(
            FAIL_FAST, () -> streamlearn("run", "--config", config.toString()));

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines())
        .singleElement()
        .isEqualTo(
            "streamlearn run: No topic absent-samples on "
                + servers()
                + " that the job reads: create it, or run with --create-topics");
    try (Admin admin = admin()) {
      assertThat(admin.listTopics().names().get()).doesNotContain("absent-samples");
    }
  }

  @Test
  void runCreatesTheJobsTopicsAndStartsWithCreateTopics() throws Exception {
    Path config = jobConfig("create-topics-job", "fresh-samples", servers());
    int restPort = closedPort();

    CompletableFuture<Result> run =
        CompletableFuture.supplyAsync(
            () ->
                streamlearn(
                    "run",
                    "--config",
                    config.toString(),
                    "--set",
                    "flink.rest.port=" + restPort,
                    "--create-topics",
                    "--partitions",
                    "3"));
    try {
      String jobId = awaitRunningJob(restPort, run);

      try (Admin admin = admin()) {
        Map<String, TopicDescription> topics =
            admin
                .describeTopics(
                    List.of(
                        "fresh-samples",
                        "fresh-samples-predictions",
                        "fresh-samples-checkpoints",
                        "fresh-samples-dead-letters",
                        "fresh-samples-metrics"))
                .allTopicNames()
                .get();
        assertThat(topics.values())
            .hasSize(5)
            .allSatisfy(topic -> assertThat(topic.partitions()).hasSize(3));
      }
      rest(restPort, "PATCH", "/jobs/" + jobId + "?mode=cancel");
    } finally {
      Result result = run.get(2, TimeUnit.MINUTES);
      assertThat(result.out())
          .contains(
              "Created topics fresh-samples, fresh-samples-predictions, fresh-samples-checkpoints,"
                  + " fresh-samples-dead-letters, fresh-samples-metrics (3 partitions, replication"
                  + " factor 1)");
    }
  }

  private static String[] args(String command, String servers) throws IOException {
    return switch (command) {
      case "produce" ->
          new String[] {"produce", "--bootstrap-servers", servers, "--generate", "100"};
      case "consume" -> new String[] {"consume", "--bootstrap-servers", servers, "--topic", "t"};
      case "report" ->
          new String[] {
            "report", "--bootstrap-servers", servers, "--output", workDir.resolve("r").toString()
          };
      case "run" ->
          new String[] {"run", "--config", jobConfig("closed-port", "samples", servers).toString()};
      default -> throw new IllegalArgumentException(command);
    };
  }

  /** A job reading {@code samples}, its other topics named after it. */
  private static Path jobConfig(String name, String samples, String servers) throws IOException {
    return Files.writeString(
        workDir.resolve(name + ".yaml"),
        String.join(
            "\n",
            "kafka:",
            "  bootstrap-servers: " + servers,
            "  group-id: " + name,
            "  topic:",
            "    samples: " + samples,
            "    predictions: " + samples + "-predictions",
            "    checkpoints: " + samples + "-checkpoints",
            "    dead-letters: " + samples + "-dead-letters",
            "    metrics: " + samples + "-metrics",
            "model:",
            "  features: 3",
            "job:",
            "  name: " + name,
            "  state-dir: " + workDir.resolve("state"),
            ""));
  }

  /** The id of the job once the in-process cluster's REST API reports it running. */
  private static String awaitRunningJob(int restPort, CompletableFuture<Result> run)
      throws Exception {
    Pattern running = Pattern.compile("\"jid\":\"(\\w+)\"[^}]*\"state\":\"RUNNING\"");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      if (run.isDone()) {
        throw new AssertionError("run ended before its job ran: " + run.get());
      }
      try {
        Matcher job = running.matcher(rest(restPort, "GET", "/jobs/overview"));
        if (job.find()) {
          return job.group(1);
        }
      } catch (IOException notListeningYet) {
        // The cluster is still starting.
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no running job within 2 min");
  }

  private static String rest(int port, String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(10))
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** A loopback port that nothing listens on: bound once to find it, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  private static void send(String topic, byte[]... values) {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (byte[] value : values) {
        producer.send(new ProducerRecord<>(topic, value));
      }
    }
  }

  /** {@code consume} of the broker's topic, with more options. */
  private static Result consume(String topic, String... options) {
    List<String> args =
        new ArrayList<>(List.of("consume", "--bootstrap-servers", servers(), "--topic", topic));
    args.addAll(List.of(options));
    return streamlearn(args.toArray(String[]::new));
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers()));
  }

  private static String servers() {
    return KAFKA.broker().bootstrapServers();
  }
}
