package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.pipeline.report.MetricsFile;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Prints predictions, model checkpoints or metrics events from a topic, decoded, one per"
          + " line, reading committed records from the beginning."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic predictions --max 10",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic model-checkpoints"
          + " --type checkpoints",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic metrics --type metrics"
          + " --max 100000 --output metrics.jsonl"
    })
final class ConsumeCommand extends Subcommand {

  enum RecordType {
    predictions,
    checkpoints,
    metrics
  }

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers.")
  String bootstrapServers;

  @Option(names = "--topic", required = true, description = "Topic to read.")
  String topic;

  @Option(
      names = "--type",
      defaultValue = "predictions",
      description = "What the topic holds: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  RecordType type;

  @Option(
      names = "--max",
      defaultValue = "100",
      description = "Stop after N records (default: ${DEFAULT-VALUE}).")
  int max;

  @Option(
      names = "--timeout",
      defaultValue = "PT10S",
      description =
          "Wait at most this long (ISO-8601) for --max records (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--output",
      paramLabel = "FILE",
      description =
          "--type metrics only: write the events to FILE, one Avro JSON record a line, for"
              + " 'report --input' (default: print those lines).")
  Path output;

  @Override
  public Integer call() throws IOException {
    if (type == RecordType.metrics) {
      consumeMetrics();
      return 0;
    }
    if (output != null) {
      throw new ParameterException(spec.commandLine(), "--output is for --type metrics only");
    }
    if (type == RecordType.predictions) {
      KafkaConnectors.readAll(bootstrapServers, topic, WireCodec.predictions(), max, timeout)
          .forEach(out()::println);
    } else {
      KafkaConnectors.readAll(bootstrapServers, topic, WireCodec.modelCheckpoints(), max, timeout)
          .forEach(checkpoint -> out().println(describe(checkpoint)));
    }
    return 0;
  }

  private void consumeMetrics() throws IOException {
    List<MetricsEvent> events =
        KafkaConnectors.readAll(bootstrapServers, topic, WireCodec.metricsEvents(), max, timeout);
    if (output == null) {
      events.forEach(event -> out().println(MetricsFile.toJsonLine(event)));
    } else {
      MetricsFile.write(output, events);
      out().println("Wrote " + events.size() + " metrics events to " + output);
    }
  }

  /** The checkpoint without its model bytes, which are no use on a terminal. */
  static String describe(ModelCheckpoint checkpoint) {
    return String.format(
        java.util.Locale.ROOT,
        "{\"key\": \"%s\", \"version\": %d, \"steps\": %d, \"samplesSeen\": %d, \"createdAt\": \"%s\","
            + " \"modelFormat\": \"%s\", \"modelBytes\": %d, \"metrics\": %s, \"configDigest\": \"%s\"}",
        checkpoint.getKey(),
        checkpoint.getVersion(),
        checkpoint.getSteps(),
        checkpoint.getSamplesSeen(),
        checkpoint.getCreatedAt(),
        checkpoint.getModelFormat(),
        checkpoint.getModel().remaining(),
        checkpoint.getMetrics(),
        checkpoint.getConfigDigest());
  }
}
