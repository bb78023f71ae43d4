package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
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
final class ProduceCommand implements Callable<Integer> {

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

  @Option(
      names = "--keys",
      defaultValue = "4",
      description = "Model keys to generate (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(
      names = "--features",
      defaultValue = "10",
      description = "Features per generated sample (default: ${DEFAULT-VALUE}).")
  int features;

  @Option(
      names = "--drift",
      defaultValue = "0.0",
      description = "Hyperplane drift per sample (default: ${DEFAULT-VALUE}).")
  double drift;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Iterable<LabeledSample> samples;
    long count;
    if (input.csv != null) {
      List<LabeledSample> rows = CsvSamples.read(input.csv);
      samples = rows;
      count = rows.size();
    } else {
      RotatingHyperplane generator = new RotatingHyperplane(seed, features, keys, drift, 0.0);
      samples = () -> Stream.generate(generator::next).limit(input.generate).iterator();
      count = input.generate;
    }
    KafkaConnectors.produce(bootstrapServers, topic, samples);
    System.out.println("Wrote " + count + " samples to " + topic);
    return 0;
  }
}
