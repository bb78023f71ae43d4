package io.streamlearn.pipeline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.pipeline.kafka.KafkaPreflight;
import io.streamlearn.pipeline.report.MetricsFile;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Prints predictions, model checkpoints, metrics events or dead letters from a topic,"
          + " decoded, one per line, reading committed records from the beginning.",
      "The topic must exist: consume never creates it. When fewer than --max records come"
          + " within --timeout, it prints what came and says how many on stderr."
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic predictions --max 10",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic model-checkpoints"
          + " --type checkpoints",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic metrics --type metrics"
          + " --max 100000 --output metrics.jsonl",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic dead-letters"
          + " --type dead-letters",
      "  bin/streamlearn consume --bootstrap-servers kafka:9094 --kafka-properties client.properties"
          + " --topic predictions"
    })
final class ConsumeCommand extends Subcommand {

  private static final ObjectMapper JSON = new ObjectMapper();

  enum RecordType {
    predictions,
    checkpoints,
    metrics,
    dead_letters;

    /** As written on the command line: dead-letters. */
    @Override
    public String toString() {
      return name().replace('_', '-');
    }
  }

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers.")
  String bootstrapServers;

  @Mixin KafkaPropertiesOption kafkaProperties;

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
    if (output != null && type != RecordType.metrics) {
      throw new ParameterException(spec.commandLine(), "--output is for --type metrics only");
    }
    try (KafkaPreflight kafka = KafkaPreflight.connect(kafka())) {
      kafka.requireTopics(List.of(topic), "");
    }
    switch (type) {
      case predictions -> print(read(WireCodec.predictions()), Object::toString);
      case checkpoints -> print(read(WireCodec.modelCheckpoints()), ConsumeCommand::describe);
      case dead_letters -> print(read(WireCodec.deadLetters()), ConsumeCommand::describe);
      case metrics -> consumeMetrics();
    }
    return 0;
  }

  private void consumeMetrics() throws IOException {
    List<MetricsEvent> events = read(WireCodec.metricsEvents());
    if (output == null) {
      print(events, MetricsFile::toJsonLine);
    } else {
      MetricsFile.write(output, events);
      out().println("Wrote " + events.size() + " metrics events to " + output);
    }
  }

  /**
   * Up to --max records; fewer when the timeout comes first, which is said on stderr so that stdout
   * holds only records.
   */
  private <T> List<T> read(WireCodec<T> codec) {
    List<T> records = KafkaConnectors.readAll(kafka(), topic, codec, max, timeout);
    if (records.size() < max) {
      err()
          .println(
              "Read "
                  + records.size()
                  + " of --max "
                  + max
                  + " records: "
                  + topic
                  + " had no more within --timeout "
                  + timeout);
    }
    return records;
  }

  private KafkaClientSettings kafka() {
    return kafkaProperties.settings(bootstrapServers);
  }

  private <T> void print(List<T> records, Function<T, String> format) {
    records.forEach(record -> out().println(format.apply(record)));
  }

  /** The checkpoint without its model bytes, which are no use on a terminal. */
  static String describe(ModelCheckpoint checkpoint) {
    return String.format(
        Locale.ROOT,
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

  /** The dead letter as one JSON object, with the rejected record's size instead of its bytes. */
  static String describe(DeadLetter deadLetter) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("reason", deadLetter.getReason().name());
    fields.put("message", deadLetter.getMessage());
    fields.put("sourceTopic", deadLetter.getSourceTopic());
    fields.put("sourcePartition", deadLetter.getSourcePartition());
    fields.put("sourceOffset", deadLetter.getSourceOffset());
    fields.put("key", deadLetter.getKey());
    fields.put("sampleId", deadLetter.getSampleId());
    fields.put("rejectedAt", deadLetter.getRejectedAt().toString());
    fields.put("valueBytes", deadLetter.getValue().remaining());
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a dead letter as JSON", e);
    }
  }
}
