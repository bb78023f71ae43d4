package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Prints predictions or model checkpoints from a topic, decoded, one per line, reading"
          + " committed records from the beginning."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic predictions --max 10",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic model-checkpoints"
          + " --type checkpoints"
    })
final class ConsumeCommand implements Callable<Integer> {

  enum RecordType {
    predictions,
    checkpoints
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

  @Override
  public Integer call() {
    if (type == RecordType.predictions) {
      KafkaConnectors.readAll(bootstrapServers, topic, WireCodec.predictions(), max, timeout)
          .forEach(System.out::println);
    } else {
      KafkaConnectors.readAll(bootstrapServers, topic, WireCodec.modelCheckpoints(), max, timeout)
          .forEach(checkpoint -> System.out.println(describe(checkpoint)));
    }
    return 0;
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
