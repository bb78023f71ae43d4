package io.streamlearn.pipeline.cli;

import static io.streamlearn.pipeline.OutputRecords.checkpoint;
import static io.streamlearn.pipeline.OutputRecords.prediction;
import static io.streamlearn.pipeline.cli.Cli.streamlearn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.pipeline.cli.Cli.Result;
import io.streamlearn.pipeline.generate.SampleStream;
import io.streamlearn.pipeline.generate.StandardStream;
import io.streamlearn.pipeline.generate.StreamSettings;
import io.streamlearn.pipeline.kafka.KafkaBrokerExtension;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The subcommands as a user runs them, against a real broker where they need one. */
class CommandLineITCase {

  @TempDir static Path workDir;
  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @ParameterizedTest
  @ValueSource(strings = {"demo", "run", "savepoint", "stop", "produce", "consume"})
  void everyCommandExplainsItselfWithExamples(String command) {
    Result result = streamlearn(command, "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("Usage: streamlearn " + command).contains("Examples:");
  }

  @Test
  void runRejectsABadConfigurationBeforeStartingAnything() throws Exception {
    Path config = workDir.resolve("bad.yaml");
    Files.writeString(config, "kafka:\n  bootstrap-servers: nowhere:9092\nbatch:\n  size: abc\n");

    Result result = streamlearn("run", "--config", config.toString(), "--set", "model.featurs=3");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("batch.size: 'abc' is not an integer")
        .contains("unknown key 'model.featurs' (did you mean 'model.features'?)");
  }

  @Test
  void producesCsvRowsThatDecodeToTheSameSamples() throws Exception {
    KAFKA.broker().createTopic("csv-samples", 1);
    Path csv = workDir.resolve("samples.csv");
    Files.writeString(
        csv, "id,key,label,x1,x2\nr1,fraud,1,0.5,-2\nr2,fraud,,1.5,3\nr3,clicks,0,0,0\n");

    Result result = produce("csv-samples", "--csv", csv.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("Wrote 3 samples to csv-samples");
    List<LabeledSample> written = read("csv-samples", WireCodec.labeledSamples(), 3);
    assertThat(written)
        .extracting(LabeledSample::getId, LabeledSample::getKey, LabeledSample::getLabel)
        .containsExactlyInAnyOrder(
            tuple("r1", "fraud", 1), tuple("r2", "fraud", null), tuple("r3", "clicks", 0));
    assertThat(
            written.stream()
                .filter(s -> s.getId().equals("r1"))
                .findFirst()
                .orElseThrow()
                .getFeatures())
        .containsExactly(0.5f, -2f);
  }

  /** A multi-label CSV, one 0/1 column per class, and a CSV of two regression targets. */
  @Test
  void producesCsvLabelSetsAndSeveralTargetsThatDecodeToTheSameSamples() throws Exception {
    KAFKA.broker().createTopic("csv-label-sets", 1);
    KAFKA.broker().createTopic("csv-targets", 1);
    Path tags = workDir.resolve("tags.csv");
    Files.writeString(
        tags, "id,x1,sports,politics,science,x2\nt1,0.5,1,0,1,-2\nt2,1.5,0,0,0,3\nt3,0,,,,0\n");
    Path demand = workDir.resolve("demand.csv");
    Files.writeString(demand, "id,key,north,x,south\nd1,shop,10.5,0.25,-3\nd2,shop,,1,\n");

    Result labelSets =
        produce(
            "csv-label-sets",
            "--csv",
            tags.toString(),
            "--key",
            "news",
            "--label-columns",
            "sports,politics,science");
    Result targets =
        produce("csv-targets", "--csv", demand.toString(), "--target-columns", "north,south");

    assertThat(labelSets.exitCode()).as(labelSets.err()).isZero();
    assertThat(labelSets.out()).contains("Label columns: sports=0, politics=1, science=2");
    assertThat(read("csv-label-sets", WireCodec.labeledSamples(), 3))
        .extracting(LabeledSample::getId, LabeledSample::getLabels, LabeledSample::getFeatures)
        .containsExactly(
            tuple("t1", List.of(0, 2), List.of(0.5f, -2f)),
            tuple("t2", List.of(), List.of(1.5f, 3f)),
            tuple("t3", null, List.of(0f, 0f)));
    assertThat(targets.exitCode()).as(targets.err()).isZero();
    assertThat(read("csv-targets", WireCodec.labeledSamples(), 2))
        .extracting(LabeledSample::getId, LabeledSample::getKey, LabeledSample::getTargets)
        .containsExactly(tuple("d1", "shop", List.of(10.5, -3.0)), tuple("d2", "shop", null));
  }

  /** The withheld labels of multi-label samples carry their sets, and the samples none. */
  @Test
  void withholdsLabelSetsAndWritesThemToTheLabelsTopic() throws Exception {
    KAFKA.broker().createTopic("withheld-sets", 1);
    KAFKA.broker().createTopic("withheld-set-labels", 1);

    Result result =
        produce(
            "withheld-sets",
            "--generate",
            "50",
            "--stream",
            "multilabel",
            "--class-count",
            "3",
            "--unlabeled-fraction",
            "1",
            "--labels-topic",
            "withheld-set-labels",
            "--label-delay",
            "PT0S");

    assertThat(result.exitCode()).as(result.err()).isZero();
    // produce's defaults: seed 42, 4 keys, 10 features, drift 0.0001.
    SampleStream stream =
        StandardStream.MULTILABEL.create(new StreamSettings(42, 4, 10, 8, 3, 3, 1, 0.0001));
    List<LabeledSample> generated = Stream.generate(stream::next).limit(50).toList();
    assertThat(read("withheld-sets", WireCodec.labeledSamples(), 50))
        .allSatisfy(sample -> assertThat(sample.getLabels()).isNull())
        .hasSize(50);
    assertThat(read("withheld-set-labels", WireCodec.sampleLabels(), 50))
        .extracting(SampleLabel::getSampleId, SampleLabel::getLabels)
        .containsExactlyElementsOf(
            generated.stream().map(s -> tuple(s.getId(), s.getLabels())).toList());
  }

  /** Iris as data-set sites serve it: class names as labels, no id, no key column. */
  @Test
  void producesACsvWithClassNamesNumberedInSortedOrderAndRowsNumbered() throws Exception {
    KAFKA.broker().createTopic("iris", 1);
    Path csv = workDir.resolve("iris.csv");
    Files.writeString(
        csv,
        "sepal_length,sepal_width,petal_length,petal_width,species\n"
            + "5.1,3.5,1.4,0.2,setosa\n"
            + "7.0,3.2,4.7,1.4,versicolor\n"
            + "6.3,3.3,6.0,2.5,virginica\n"
            + "4.9,3.0,1.4,0.2,setosa\n");

    Result result =
        produce("iris", "--csv", csv.toString(), "--key", "iris", "--label-column", "species");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Class labels: setosa=0, versicolor=1, virginica=2")
        .contains("Wrote 4 samples to iris");
    assertThat(read("iris", WireCodec.labeledSamples(), 4))
        .extracting(LabeledSample::getId, LabeledSample::getKey, LabeledSample::getLabel)
        .containsExactly(
            tuple("1", "iris", 0),
            tuple("2", "iris", 1),
            tuple("3", "iris", 2),
            tuple("4", "iris", 0));
  }

  /** Titanic as Kaggle serves it: quoted names holding commas and quotes, text columns, CRLF. */
  @Test
  void producesACsvWithQuotedTextColumnsLeftOutAndNamedIdAndLabelColumns() throws Exception {
    KAFKA.broker().createTopic("titanic", 1);
    Path csv = workDir.resolve("titanic.csv");
    Files.writeString(
        csv,
        "PassengerId,Survived,Pclass,Name,Sex,Age\r\n"
            + "1,0,3,\"Braund, Mr. Owen Harris\",male,22\r\n"
            + "2,1,1,\"Cumings, Mrs. John Bradley (Florence \"\"Flo\"\" Briggs)\",female,38\r\n"
            + "892,,3,\"Kelly, Mr. James\",male,34.5\r\n");

    Result result =
        produce(
            "titanic",
            "--csv",
            csv.toString(),
            "--key",
            "titanic",
            "--id-column",
            "PassengerId",
            "--label-column",
            "Survived",
            "--ignore-column",
            "Name",
            "--ignore-column",
            "Sex");

    assertThat(result.exitCode()).as(result.err()).isZero();
    List<LabeledSample> written = read("titanic", WireCodec.labeledSamples(), 3);
    assertThat(written)
        .extracting(LabeledSample::getId, LabeledSample::getLabel, LabeledSample::getFeatures)
        .containsExactly(
            tuple("1", 0, List.of(3f, 22f)),
            tuple("2", 1, List.of(1f, 38f)),
            tuple("892", null, List.of(3f, 34.5f)));
  }

  /** Wine quality as UCI serves it: semicolons, quoted header names, whole-number classes. */
  @Test
  void producesASemicolonCsvWithAKeyColumnChosenByNumber() throws Exception {
    KAFKA.broker().createTopic("wine", 1);
    Path csv = workDir.resolve("winequality-red.csv");
    Files.writeString(
        csv,
        "\"fixed acidity\";\"alcohol\";\"quality\";\"colour\"\n"
            + "7.4;9.4;5;red\n"
            + "7.8;9.8;6.0;red\n");

    Result result =
        produce("wine", "--csv", csv.toString(), "--key-column", "4", "--label-column", "quality");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).doesNotContain("Class labels");
    assertThat(read("wine", WireCodec.labeledSamples(), 2))
        .extracting(LabeledSample::getKey, LabeledSample::getLabel, LabeledSample::getFeatures)
        .containsExactly(
            tuple("red", 5, List.of(7.4f, 9.4f)), tuple("red", 6, List.of(7.8f, 9.8f)));
  }

  @Test
  void aTextColumnTakenForAFeatureIsNamedWithTheOptionThatLeavesItOut() throws Exception {
    Path csv = workDir.resolve("text.csv");
    Files.writeString(csv, "label,name,x\n1,\"Kelly, James\",2\n");

    Result result = produce("unused", "--csv", csv.toString(), "--key", "k");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("text.csv:2: column 'name' is not a number: 'Kelly, James'")
        .contains("--ignore-column name");
  }

  @Test
  void namesTheLineOfABadCsvRow() throws Exception {
    Path csv = workDir.resolve("broken.csv");
    Files.writeString(csv, "key,label,x1\na,1,0.5\na,1,zero\n");

    Result result = produce("unused", "--csv", csv.toString());

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("broken.csv:3").contains("'zero'");
  }

  @Test
  void producesGeneratedSamples() throws Exception {
    KAFKA.broker().createTopic("generated", 2);

    Result result = produce("generated", "--generate", "500", "--keys", "3", "--features", "5");

    assertThat(result.exitCode()).isZero();
    List<LabeledSample> written = read("generated", WireCodec.labeledSamples(), 500);
    assertThat(written).hasSize(500).allSatisfy(s -> assertThat(s.getFeatures()).hasSize(5));
    assertThat(written.stream().map(LabeledSample::getKey).distinct()).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"sea", "RBF", "led", "waveform", "recall", "motif", "friedman", "multilabel"})
  void producesTheStandardStreamItIsAskedFor(String name) throws Exception {
    String topic = "generated-" + name.toLowerCase(Locale.ROOT);
    KAFKA.broker().createTopic(topic, 1);

    Result result =
        produce(topic, "--generate", "300", "--stream", name, "--keys", "2", "--seed", "7");

    assertThat(result.exitCode()).isZero();
    SampleStream expected = StandardStream.named(name).create(7, 2, 10, 0.0001);
    List<LabeledSample> samples = new ArrayList<>();
    for (int n = 0; n < 300; n++) {
      samples.add(expected.next());
    }
    assertThat(read(topic, WireCodec.labeledSamples(), 300))
        .containsExactlyInAnyOrderElementsOf(samples);
  }

  @Test
  void producesAShareOfSamplesWithoutTheirLabelAndTheLabelsLater() throws Exception {
    KAFKA.broker().createTopic("partly-labeled", 2);
    KAFKA.broker().createTopic("late-labels", 2);

    Result result =
        produce(
            "partly-labeled",
            "--generate",
            "1000",
            "--unlabeled-fraction",
            "0.3",
            "--labels-topic",
            "late-labels",
            "--label-delay",
            "PT0.5S");

    assertThat(result.exitCode()).isZero();
    List<LabeledSample> samples = read("partly-labeled", WireCodec.labeledSamples(), 1000);
    List<LabeledSample> unlabeled = samples.stream().filter(s -> s.getLabel() == null).toList();
    assertThat(unlabeled.size()).isBetween(240, 360);
    List<SampleLabel> labels = read("late-labels", WireCodec.sampleLabels(), unlabeled.size());
    assertThat(labels)
        .extracting(SampleLabel::getSampleId, SampleLabel::getKey)
        .containsExactlyInAnyOrderElementsOf(
            unlabeled.stream().map(s -> tuple(s.getId(), s.getKey())).toList());
    assertThat(labels).allSatisfy(label -> assertThat(label.getLabel()).isIn(0, 1));
    assertThat(result.out()).contains("Wrote " + labels.size() + " labels to late-labels");
  }

  @Test
  void consumePrintsPredictionsAndCheckpointsDecodedOnePerLine() throws Exception {
    KAFKA.broker().createTopic("some-predictions", 1);
    KAFKA.broker().createTopic("some-checkpoints", 1);
    WireCodec<Prediction> predictions = WireCodec.predictions();
    WireCodec<ModelCheckpoint> checkpoints = WireCodec.modelCheckpoints();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int n = 0; n < 3; n++) {
        producer.send(
            new ProducerRecord<>(
                "some-predictions", predictions.encode(prediction("s-" + n, "fraud", 7, n))));
      }
      producer.send(
          new ProducerRecord<>(
              "some-checkpoints", checkpoints.encode(checkpoint("fraud", 12, 768))));
    }

    Result printedPredictions =
        streamlearn(
            "consume",
            "--bootstrap-servers",
            KAFKA.broker().bootstrapServers(),
            "--topic",
            "some-predictions",
            "--max",
            "3");
    Result printedCheckpoints =
        streamlearn(
            "consume",
            "--bootstrap-servers",
            KAFKA.broker().bootstrapServers(),
            "--topic",
            "some-checkpoints",
            "--type",
            "checkpoints",
            "--max",
            "1");

    assertThat(printedPredictions.exitCode()).isZero();
    assertThat(printedPredictions.out().lines())
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).contains("\"modelVersion\": 7"))
        .anySatisfy(line -> assertThat(line).contains("\"sampleId\": \"s-2\""));
    assertThat(printedCheckpoints.out().lines())
        .singleElement()
        .satisfies(
            line ->
                assertThat(line)
                    .contains("\"key\": \"fraud\"", "\"version\": 12", "\"modelBytes\": 4"));
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.broker().bootstrapServers()),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  private static <T> List<T> read(String topic, WireCodec<T> codec, int expected) {
    return KafkaConnectors.readAll(
        KAFKA.broker().bootstrapServers(), topic, codec, expected, Duration.ofSeconds(30));
  }

  /** {@code produce} to the topic of the broker, with its input and more options. */
  private static Result produce(String topic, String... inputAndOptions) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "produce",
                "--bootstrap-servers",
                KAFKA.broker().bootstrapServers(),
                "--topic",
                topic));
    args.addAll(List.of(inputAndOptions));
    return streamlearn(args.toArray(String[]::new));
  }
}
