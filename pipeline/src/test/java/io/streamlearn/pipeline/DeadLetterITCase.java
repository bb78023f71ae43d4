package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.KafkaJobFixture.CHECKPOINTS;
import static io.streamlearn.pipeline.KafkaJobFixture.DEAD_LETTERS;
import static io.streamlearn.pipeline.KafkaJobFixture.PREDICTIONS;
import static io.streamlearn.pipeline.KafkaJobFixture.SAMPLES;
import static io.streamlearn.pipeline.KafkaJobFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input never fails the job and is never lost: through the Kafka-wired job with restarts
 * disabled, a stream in which every tenth record is bad in one of the ways the decoder detects
 * (among them poison records of a few dozen bytes that claim strings or arrays of billions) leaves
 * each bad record in the dead-letter topic exactly once, with its reason, origin and bytes, while
 * every good record is predicted once and every good labeled one is trained on.
 */
class DeadLetterITCase {

  private static final int RECORDS = 3_000;
  private static final int BAD_EVERY = 10;
  private static final int UNLABELED_EVERY = 4;
  private static final int KEYS = 3;
  private static final int FEATURES = 4;
  private static final int CLASSES = 2;
  private static final ModelShape SHAPE = ModelShape.classification(FEATURES, CLASSES);

  /** Good samples take about 55 bytes; {@link SampleDefect#OVERSIZED} pads one past the limit. */
  private static final int MAX_RECORD_BYTES = 256;

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2, METRICS);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void deadLettersEveryBadRecordOnceAndPredictsAndTrainsOnEveryGoodOne() throws Exception {
    List<Input> inputs = inputs();
    List<RecordMetadata> written = KAFKA.produce(inputs.stream().map(Input::record).toList());
    List<Input> good = inputs.stream().filter(Input::isGood).toList();

    // With restarts off, any failure, such as one bad record throwing, ends the job.
    JobClient job =
        KAFKA.submit(
            KAFKA.config(
                Map.of(
                    "model.features", Integer.toString(FEATURES),
                    "model.classes", Integer.toString(CLASSES),
                    "model.hidden-layers", "8",
                    "kafka.max-record-bytes", Integer.toString(MAX_RECORD_BYTES),
                    "batch.size", "16",
                    "job.parallelism", "2",
                    "job.checkpoint-interval", "500 ms",
                    "model.checkpoint.every-steps", "10",
                    "flink.restart-strategy.type", "none")),
            "dead-letter-it");
    KAFKA.drainOncePredicted(job, good.size(), Duration.ofMinutes(2));

    assertThat(rejections(KAFKA.readCommitted(DEAD_LETTERS, WireCodec.deadLetters())))
        .containsExactlyInAnyOrderElementsOf(expectedRejections(inputs, written));
    assertThat(KAFKA.readCommitted(PREDICTIONS, WireCodec.predictions()))
        .extracting(Prediction::getSampleId)
        .containsExactlyInAnyOrderElementsOf(good.stream().map(i -> i.sample().getId()).toList());
    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(CHECKPOINTS, WireCodec.modelCheckpoints());
    assertThat(samplesSeenByKey(checkpoints))
        .as("samplesSeen of each key's last model")
        .isEqualTo(labeledCountByKey(good));
    JobMetrics metrics = new JobMetrics(METRICS, job.getJobID());
    assertThat(metrics.gaugeValues("numRestarts")).as("restarts of the job").containsExactly(0L);
    assertMetricsAgreeWithTopics(metrics, inputs, checkpoints);
  }

  /** The job's Flink metrics tell what its output topics show. */
  private static void assertMetricsAgreeWithTopics(
      JobMetrics metrics, List<Input> inputs, List<ModelCheckpoint> checkpoints) {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      long injected =
          inputs.stream().filter(i -> !i.isGood() && i.defect().reason() == reason).count();
      assertThat(metrics.deadLetters(reason)).as("dead letters %s", reason).isEqualTo(injected);
    }
    long labeled = inputs.stream().filter(i -> i.isGood() && i.sample().getLabel() != null).count();
    assertThat(metrics.counterSum("samplesTrained")).isEqualTo(labeled);
    long steps = metrics.counterSum("trainingSteps");
    assertThat(steps).isPositive();
    assertThat(metrics.histograms("trainingStepTimeMicros"))
        .as("one step time histogram per trainer subtask")
        .hasSize(2)
        .allSatisfy(h -> assertThat(h.getStatistics().getMin()).isPositive())
        .extracting(Histogram::getCount)
        .satisfies(counts -> assertThat(counts.stream().mapToLong(c -> c).sum()).isEqualTo(steps));
    assertThat(metrics.gaugeValues("trainingLoss"))
        .hasSize(2)
        .allSatisfy(loss -> assertThat((Double) loss).isFinite().isPositive());
    long lastVersion =
        checkpoints.stream().mapToLong(ModelCheckpoint::getVersion).max().orElseThrow();
    assertThat(metrics.gaugeValues("modelVersion"))
        .as("highest version per trainer subtask")
        .contains(lastVersion)
        .allSatisfy(version -> assertThat((Long) version).isBetween(1L, lastVersion));
    assertThat(metrics.counterSum("divergedSteps")).isZero();
  }

  /**
   * The samples of a few keys, every {@value #BAD_EVERY}th spoiled by the next defect in turn, so
   * that each kind occurs about {@code RECORDS / BAD_EVERY / defects} times, spread over the
   * stream.
   */
  private static List<Input> inputs() {
    RotatingHyperplane generator = new RotatingHyperplane(5, FEATURES, KEYS, 0.0, 0.0);
    WireCodec<LabeledSample> codec = WireCodec.labeledSamples();
    SampleDefect[] defects = SampleDefect.values();
    List<Input> inputs = new ArrayList<>(RECORDS);
    for (int n = 0; n < RECORDS; n++) {
      LabeledSample sample = generator.next();
      if (n % BAD_EVERY == BAD_EVERY - 1) {
        SampleDefect defect = defects[(n / BAD_EVERY) % defects.length];
        LabeledSample spoiled = defect.spoil(sample, SHAPE, MAX_RECORD_BYTES);
        inputs.add(new Input(spoiled, defect.encode(spoiled), defect));
      } else {
        if (n % UNLABELED_EVERY == 0) {
          // Scored but not trained on: samplesSeen must count labeled samples only.
          sample.setLabel(null);
        }
        inputs.add(new Input(sample, codec.encode(sample), null));
      }
    }
    return inputs;
  }

  /** What each bad input must look like in the dead-letter topic, found by where it was written. */
  private static List<Rejection> expectedRejections(
      List<Input> inputs, List<RecordMetadata> written) {
    List<Rejection> expected = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Input input = inputs.get(i);
      if (!input.isGood()) {
        RecordMetadata where = written.get(i);
        expected.add(
            new Rejection(
                SAMPLES,
                where.partition(),
                where.offset(),
                input.defect().reason(),
                input.defect().isDecodable() ? input.sample().getId() : null,
                // A record without a value is dead-lettered with an empty one.
                hex(input.value() == null ? new byte[0] : input.value())));
      }
    }
    return expected;
  }

  private static List<Rejection> rejections(List<DeadLetter> deadLetters) {
    return deadLetters.stream()
        .map(
            d ->
                new Rejection(
                    d.getSourceTopic(),
                    d.getSourcePartition(),
                    d.getSourceOffset(),
                    d.getReason(),
                    d.getSampleId(),
                    hex(bytes(d.getValue()))))
        .toList();
  }

  /** Each key's samplesSeen as its last published model says. */
  private static Map<String, Long> samplesSeenByKey(List<ModelCheckpoint> checkpoints) {
    return checkpoints.stream()
        .collect(
            Collectors.groupingBy(
                ModelCheckpoint::getKey,
                Collectors.collectingAndThen(
                    Collectors.maxBy(Comparator.comparingLong(ModelCheckpoint::getVersion)),
                    last -> last.orElseThrow().getSamplesSeen())));
  }

  private static Map<String, Long> labeledCountByKey(List<Input> good) {
    return good.stream()
        .map(Input::sample)
        .filter(s -> s.getLabel() != null)
        .collect(Collectors.groupingBy(LabeledSample::getKey, Collectors.counting()));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * One record for the samples topic.
   *
   * @param sample the sample it holds or was spoiled from
   * @param value the record's value, null for a tombstone
   * @param defect what is wrong with it, null for a good record
   */
  private record Input(LabeledSample sample, byte[] value, SampleDefect defect) {

    boolean isGood() {
      return defect == null;
    }

    /** Keyed by model key like a well-behaved producer's records; no key when there is none. */
    ProducerRecord<byte[], byte[]> record() {
      String key = sample.getKey();
      byte[] kafkaKey = key.isBlank() ? null : key.getBytes(StandardCharsets.UTF_8);
      return new ProducerRecord<>(SAMPLES, kafkaKey, value);
    }
  }

  /** A dead letter reduced to what the test knows to expect; the value in hex to compare it. */
  private record Rejection(
      String sourceTopic,
      Integer sourcePartition,
      Long sourceOffset,
      DeadLetterReason reason,
      String sampleId,
      String valueHex) {}
}
