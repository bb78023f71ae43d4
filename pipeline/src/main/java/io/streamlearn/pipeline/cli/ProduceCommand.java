package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Writes samples to a topic in Avro single-object encoding, keyed by model key: generated"
          + " (a drifting rotating-hyperplane stream) or read from a CSV file."
    },
    footer = {
      "",
      "CSV: a header row; columns 'key' (required), 'id', 'label', 'target' (optional; empty cell"
          + " = unknown); every other column is a feature, in order.",
      "",
      "Examples:",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --topic samples --generate 10000",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --topic samples --csv data.csv"
    })
final class ProduceCommand extends Subcommand {

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--topic",
      defaultValue = "samples",
      description = "Topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @ArgGroup(multiplicity = "1")
  Input input;

  static final class Input {
    @Option(names = "--generate", paramLabel = "N", description = "Generate N samples.")
    Long generate;

    @Option(names = "--csv", paramLabel = "FILE", description = "Read samples from a CSV file.")
    Path csv;
  }

  @Mixin GeneratorOptions stream;

  @Override
  public Integer call() throws Exception {
    Iterable<LabeledSample> samples;
    long count;
    if (input.csv != null) {
      List<LabeledSample> rows = CsvSamples.read(input.csv);
      samples = rows;
      count = rows.size();
    } else {
      Iterator<LabeledSample> generated = stream.generator();
      samples = () -> Stream.generate(generated::next).limit(input.generate).iterator();
      count = input.generate;
    }
    KafkaConnectors.produce(bootstrapServers, topic, samples);
    out().println("Wrote " + count + " samples to " + topic);
    return 0;
  }
}
