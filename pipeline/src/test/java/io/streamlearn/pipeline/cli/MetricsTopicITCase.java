package io.streamlearn.pipeline.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.report.MetricsFile;
import io.streamlearn.pipeline.report.SyntheticMetrics;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.WireCodec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code consume --type metrics} and {@code report} against a real metrics topic. */
class MetricsTopicITCase {

  private static final String TOPIC = "metrics";

  @TempDir static Path workDir;

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();
  private static List<MetricsEvent> events;

  @BeforeAll
  static void startBrokerWithAMetricsTopic() throws Exception {
    // One partition: the topic keeps the order the events were written in.
    KAFKA.broker().createTopic(TOPIC, 1);
    events = SyntheticMetrics.stream();
    WireCodec<MetricsEvent> codec = WireCodec.metricsEvents();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (MetricsEvent event : events) {
        byte[] key = event.getKey() == null ? null : event.getKey().getBytes(UTF_8);
        producer.send(new ProducerRecord<>(TOPIC, key, codec.encode(event))).get();
      }
    }
  }

  @Test
  void consumeSavesTheTopicAsAMetricsFile() throws Exception {
    Path file = workDir.resolve("metrics.jsonl");

    int exitCode = run("--type", "metrics", "--output", file.toString());

    assertThat(exitCode).isZero();
    assertThat(MetricsFile.read(file)).containsExactlyElementsOf(events);
  }

  @Test
  void consumeWithoutOutputPrintsTheLinesOfAMetricsFile() throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exitCode;
    try {
      System.setOut(new PrintStream(printed, true, UTF_8));
      exitCode = run("--type", "metrics");
    } finally {
      System.setOut(stdout);
    }

    assertThat(exitCode).isZero();
    Path file = Files.writeString(workDir.resolve("printed.jsonl"), printed.toString(UTF_8));
    assertThat(MetricsFile.read(file)).containsExactlyElementsOf(events);
  }

  @Test
  void consumeRefusesOutputForOtherTypes() {
    int exitCode = run("--type", "predictions", "--output", workDir.resolve("p").toString());

    assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
  }

  @Test
  void reportReadsTheTopic() {
    Path report = workDir.resolve("report");

    int exitCode =
        new CommandLine(new StreamlearnCommand())
            .execute(
                "report",
                "--bootstrap-servers",
                KAFKA.broker().bootstrapServers(),
                "--max",
                Integer.toString(events.size()),
                "--output",
                report.toString());

    assertThat(exitCode).isZero();
    assertThat(report.resolve("report.html")).content(UTF_8).contains("PAGE_HINKLEY", "ADWIN");
    assertThat(report.resolve("key-sensor-a.png")).isNotEmptyFile();
  }

  private static int run(String... consumeOptions) {
    String[] args = new String[consumeOptions.length + 7];
    args[0] = "consume";
    args[1] = "--bootstrap-servers";
    args[2] = KAFKA.broker().bootstrapServers();
    args[3] = "--topic";
    args[4] = TOPIC;
    args[5] = "--max";
    args[6] = Integer.toString(events.size());
    System.arraycopy(consumeOptions, 0, args, 7, consumeOptions.length);
    return new CommandLine(new StreamlearnCommand()).execute(args);
  }
}
