package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.pipeline.kafka.KafkaPreflight;
import io.streamlearn.pipeline.report.LearningCurveReport;
import io.streamlearn.pipeline.report.MetricsFile;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a learning-curve report of the metrics topic, or of a saved metrics file, into a"
          + " directory.",
      "report.html is one page that needs nothing else (charts embedded): a summary of each"
          + " key's last metrics, learning curves per key and overall with drift markers, and"
          + " model versions. PNG files beside it hold the same charts."
    },
    footer = {
      "",
      "Files: report.html, overall.png, key-<key>.png (characters other than letters, digits,"
          + " '.', '_' and '-' become '_'), versions.png.",
      "",
      "A saved metrics file holds one MetricsEvent a line in Avro JSON: what 'consume --type"
          + " metrics --output FILE' writes.",
      "",
      "Examples:",
      "  bin/streamlearn report --bootstrap-servers localhost:9092 --topic metrics --output report",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic metrics --type metrics"
          + " --max 100000 --output metrics.jsonl",
      "  bin/streamlearn report --input metrics.jsonl --output report"
    })
final class ReportCommand extends Subcommand {

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Option(
        names = "--bootstrap-servers",
        description = "Kafka brokers: read the metrics topic from the beginning.")
    String bootstrapServers;

    @Option(names = "--input", paramLabel = "FILE", description = "Read a saved metrics file.")
    Path input;
  }

  @Mixin KafkaPropertiesOption kafkaProperties;

  @Option(
      names = "--topic",
      defaultValue = "metrics",
      description = "Metrics topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--max",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Stop reading the topic after N events (default: ${DEFAULT-VALUE}).")
  int max;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "PT10S",
      description =
          "Read the topic at most this long (ISO-8601); the report covers what arrived"
              + " (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write the report into; created if missing.")
  Path output;

  @Override
  public Integer call() throws IOException {
    // The charts are drawn into images in memory: no display is needed, and servers have none.
    System.setProperty("java.awt.headless", "true");
    List<MetricsEvent> events;
    try {
      events = read();
    } catch (NoSuchFileException e) {
      err().println("No such file: " + e.getFile());
      return 1;
    } catch (IOException e) {
      err().println(e.getMessage());
      return 1;
    }
    if (events.isEmpty()) {
      err()
          .println(
              "No metrics events in " + (source.input != null ? source.input : "topic " + topic));
      return 1;
    }
    List<Path> files = LearningCurveReport.write(events, output);
    out().println("Report of " + events.size() + " metrics events:");
    files.forEach(file -> out().println("  " + file));
    return 0;
  }

  private List<MetricsEvent> read() throws IOException {
    if (source.input != null) {
      return MetricsFile.read(source.input);
    }
    KafkaClientSettings kafka = kafkaProperties.settings(source.bootstrapServers);
    try (KafkaPreflight preflight = KafkaPreflight.connect(kafka)) {
      preflight.requireTopics(List.of(topic), "");
    }
    return KafkaConnectors.readAll(kafka, topic, WireCodec.metricsEvents(), max, timeout);
  }
}
