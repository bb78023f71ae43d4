package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.pipeline.kafka.KafkaPreflight;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Writes samples to a topic in Avro single-object encoding, keyed by model key: generated"
          + " (a drifting stream, rotating hyperplane unless --stream says otherwise) or read"
          + " from a CSV file."
    },
    footer = {
      "",
      "CSV: a header row (or --no-header), cells separated by ',', ';' or tabs (found from the"
          + " first row), quoted as RFC 4180 says. The model key is --key, or the column"
          + " --key-column names (default 'key'); the id, class label and regression target come"
          + " from --id-column, --label-column and --target-column (defaults 'id', 'label',"
          + " 'target'; an empty label or target cell is unknown). Every other column, but those"
          + " --ignore-column names, is a feature, in file order. Columns are named as in the"
          + " header, or by number from 1. Rows without an id are numbered 1, 2, ... in file"
          + " order.",
      "",
      "Multi-label samples and several targets: --label-columns a,b,c names one column per class,"
          + " in class order, each 0/1 or true/false (the sample's labels are the classes whose"
          + " cell is 1 or true); --target-columns y1,y2 names one column per regression output,"
          + " in output order. A row with all of those cells empty is unlabeled; one with only"
          + " some empty is refused, naming its line.",
      "",
      "Class labels: whole numbers (0, 1, also 1.0) are the class indexes as written. Other"
          + " labels (setosa, yes, ...) get indexes in sorted order, or in the order --classes"
          + " gives; the mapping is printed. Give model.classes the number of classes.",
      "",
      "Delayed labels: --unlabeled-fraction F writes that share of the labeled samples without"
          + " their label, and their labels (SampleLabel records) to --labels-topic --label-delay"
          + " after the last sample, for a job whose kafka.topic.labels names that topic. Keep the"
          + " delay under the job's labels.time-to-live, or the labels arrive too late to join.",
      "",
      "Examples:",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --topic samples --generate 10000",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --topic samples --csv data.csv",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --csv iris.csv --key iris"
          + " --label-column species",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --csv tags.csv --key tags"
          + " --label-columns sports,politics,science",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --generate 10000"
          + " --stream friedman --outputs 3 --features 8",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --generate 10000"
          + " --unlabeled-fraction 0.3 --label-delay PT10S",
      "  bin/streamlearn produce --bootstrap-servers kafka:9094 --kafka-properties client.properties"
          + " --generate 10000"
    })
final class ProduceCommand extends Subcommand {

  @Option(names = "--bootstrap-servers", required = true, description = "Kafka brokers.")
  String bootstrapServers;

  @Mixin KafkaPropertiesOption kafkaProperties;

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

  @Mixin CsvSamples csvColumns;

  @Option(
      names = "--unlabeled-fraction",
      paramLabel = "F",
      defaultValue = "0",
      description =
          "Share of the labeled samples, in [0, 1], written without their label; their labels go"
              + " to --labels-topic later (default: ${DEFAULT-VALUE}).")
  double unlabeledFraction;

  @Option(
      names = "--labels-topic",
      defaultValue = "labels",
      description = "Topic of the withheld labels (default: ${DEFAULT-VALUE}).")
  String labelsTopic;

  @Option(
      names = "--label-delay",
      defaultValue = "PT5S",
      description =
          "How long (ISO-8601) after the last sample the withheld labels are written"
              + " (default: ${DEFAULT-VALUE}).")
  Duration labelDelay;

  @Override
  public Integer call() throws Exception {
    Iterable<LabeledSample> samples;
    long count;
    if (input.csv != null) {
      List<LabeledSample> rows = csvColumns.read(input.csv, out());
      samples = rows;
      count = rows.size();
    } else {
      Iterator<LabeledSample> generated = stream.generator();
      samples = () -> Stream.generate(generated::next).limit(input.generate).iterator();
      count = input.generate;
    }
    if (unlabeledFraction < 0 || unlabeledFraction > 1 || labelDelay.isNegative()) {
      throw new IllegalArgumentException(
          "--unlabeled-fraction must be in [0, 1] and --label-delay not negative");
    }
    KafkaClientSettings kafka = kafkaProperties.settings(bootstrapServers);
    try (KafkaPreflight preflight = KafkaPreflight.connect(kafka)) {
      preflight.requireTopics(
          unlabeledFraction > 0 ? List.of(topic, labelsTopic) : List.of(topic),
          ": create it first (kafka-topics.sh --create, or 'run --create-topics' for a job's"
              + " topics)");
    }
    List<SampleLabel.Builder> withheld = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(stream.seed);
    Iterable<LabeledSample> sent =
        () ->
            StreamSupport.stream(samples.spliterator(), false)
                .map(sample -> withholdLabel(sample, random, withheld))
                .iterator();
    KafkaConnectors.produce(kafka, topic, sent);
    out().println("Wrote " + count + " samples to " + topic);
    if (!withheld.isEmpty()) {
      out().println("Writing the labels of " + withheld.size() + " of them in " + labelDelay);
      out().flush();
      Thread.sleep(labelDelay.toMillis());
      Instant now = Instant.now();
      KafkaConnectors.produce(
          kafka,
          labelsTopic,
          withheld.stream().map(label -> label.setLabelTime(now).build()).toList(),
          WireCodec.sampleLabels(),
          SampleLabel::getKey);
      out().println("Wrote " + withheld.size() + " labels to " + labelsTopic);
    }
    return 0;
  }

  /** The sample, or the sample without its label when chance says so; the label is kept aside. */
  private LabeledSample withholdLabel(
      LabeledSample sample, SplittableRandom random, List<SampleLabel.Builder> withheld) {
    boolean labeled =
        sample.getLabel() != null
            || sample.getTarget() != null
            || sample.getLabels() != null
            || sample.getTargets() != null;
    if (!labeled || random.nextDouble() >= unlabeledFraction) {
      return sample;
    }
    withheld.add(
        SampleLabel.newBuilder()
            .setSampleId(sample.getId())
            .setKey(sample.getKey())
            .setLabel(sample.getLabel())
            .setTarget(sample.getTarget())
            .setLabels(sample.getLabels())
            .setTargets(sample.getTargets()));
    return LabeledSample.newBuilder(sample)
        .setLabel(null)
        .setTarget(null)
        .setLabels(null)
        .setTargets(null)
        .build();
  }
}
