package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.RotatingHyperplane;
import io.streamlearn.pipeline.kafka.KafkaClientSettings;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.groups.OperatorMetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Labels that come after their samples, on their own topic, through the job as {@code run} wires
 * it: a real broker, the MiniCluster, real DL4J. A quarter of the samples come unlabeled; two
 * thirds of those get their label later, the rest never do, and a few labels belong to no sample.
 */
class DelayedLabelsITCase {

  private static final int SAMPLES = 2_000;
  private static final int KEYS = 2;
  private static final int FEATURES = 4;
  private static final int ORPHANS = 5;
  private static final Duration TIME_TO_LIVE = Duration.ofSeconds(30);

  private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2, REPORTER);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void lateLabelsAreScoredAgainstTheServedPredictionAndTrainedMissingOnesExpire() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", Integer.toString(FEATURES),
                "model.learning-rate", "0.05",
                "batch.size", "16",
                "job.parallelism", "2",
                "job.checkpoint-interval", "500 ms",
                "kafka.topic.labels", KafkaJobFixture.LABELS,
                "labels.time-to-live", TIME_TO_LIVE.toSeconds() + " s",
                // A count window over every labeled prediction: its accuracy is over all of them.
                "metrics.window", "5000",
                "metrics.snapshot-interval", "1 s",
                "flink.restart-strategy.type", "none"));
    RotatingHyperplane generator = new RotatingHyperplane(11, FEATURES, KEYS, 0.0, 0.0);
    List<LabeledSample> sent = new ArrayList<>(SAMPLES);
    List<SampleLabel> lateLabels = new ArrayList<>();
    int labeledAtOnce = 0;
    int neverLabeled = 0;
    for (int n = 0; n < SAMPLES; n++) {
      LabeledSample sample = generator.next();
      if (n % 4 != 1) {
        sent.add(sample);
        labeledAtOnce++;
        continue;
      }
      sent.add(LabeledSample.newBuilder(sample).setLabel(null).build());
      if (n % 3 == 0) {
        neverLabeled++;
      } else {
        lateLabels.add(label(sample.getId(), sample.getKey(), sample.getLabel()));
      }
    }
    KafkaConnectors.produce(KAFKA.bootstrapServers(), KafkaJobFixture.SAMPLES, sent);

    JobClient job = KAFKA.submit(config, "delayed-labels-it");
    // Every sample is served, labeled or not, before any late label is written.
    assertThat(KAFKA.await(KafkaJobFixture.PREDICTIONS, WireCodec.predictions(), SAMPLES, wait(2)))
        .hasSize(SAMPLES);
    List<SampleLabel> orphans = new ArrayList<>();
    for (int i = 0; i < ORPHANS; i++) {
      orphans.add(label("ghost-" + i, "key-0", 1));
    }
    KafkaConnectors.produce(
        KafkaClientSettings.of(KAFKA.bootstrapServers()),
        KafkaJobFixture.LABELS,
        concat(lateLabels, orphans),
        WireCodec.sampleLabels(),
        SampleLabel::getKey);
    KAFKA.produce(
        List.of(
            new ProducerRecord<>(
                KafkaJobFixture.LABELS,
                "key-1".getBytes(StandardCharsets.UTF_8),
                "not a label".getBytes(StandardCharsets.UTF_8))));

    awaitCounters(
        job.getJobID(),
        Map.of(
            "labelsJoined", (long) lateLabels.size(),
            "labelsExpired", (long) neverLabeled,
            "labelsUnmatched", (long) ORPHANS));
    // Draining ends the input: the joined samples still waiting for a step train, and the final
    // models and metrics are published.
    KAFKA.drain(job);
    job.getJobExecutionResult().get(2, TimeUnit.MINUTES);

    List<Prediction> predictions =
        KAFKA.readCommitted(KafkaJobFixture.PREDICTIONS, WireCodec.predictions());
    assertThat(predictions).as("one prediction per sample, never a second").hasSize(SAMPLES);
    assertThat(predictions.stream().map(Prediction::getSampleId).distinct().count())
        .isEqualTo(SAMPLES);
    assertThat(predictions.stream().filter(p -> p.getLabel() == null).count())
        .as("unlabeled when served")
        .isEqualTo(SAMPLES - labeledAtOnce);

    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints());
    long trained =
        checkpoints.stream()
            .collect(
                Collectors.toMap(
                    ModelCheckpoint::getKey, ModelCheckpoint::getSamplesSeen, Math::max))
            .values()
            .stream()
            .mapToLong(Long::longValue)
            .sum();
    assertThat(trained)
        .as("samples the final models trained on: labeled at once, and joined")
        .isEqualTo(labeledAtOnce + lateLabels.size());

    // The evaluator saw the joined outcomes, scored with what was served: its accuracy over every
    // labeled prediction is the one computed from the predictions topic and the late labels.
    Map<String, Integer> lateLabelById = new HashMap<>();
    lateLabels.forEach(l -> lateLabelById.put(l.getSampleId(), l.getLabel()));
    long correct =
        predictions.stream()
            .filter(
                p -> {
                  Integer truth =
                      p.getLabel() != null ? p.getLabel() : lateLabelById.get(p.getSampleId());
                  return truth != null && Objects.equals(truth, p.getPredictedLabel());
                })
            .count();
    MetricsEvent finalJobSnapshot =
        KAFKA.readCommitted(KafkaJobFixture.METRICS, WireCodec.metricsEvents()).stream()
            .filter(m -> m.getKind() == MetricsEventKind.SNAPSHOT && m.getKey() == null)
            .max(Comparator.comparing(MetricsEvent::getPosition))
            .orElseThrow();
    assertThat(finalJobSnapshot.getPosition()).isEqualTo(labeledAtOnce + lateLabels.size());
    assertThat(finalJobSnapshot.getMetrics().get("accuracy"))
        .isEqualTo((double) correct / (labeledAtOnce + lateLabels.size()));

    List<DeadLetter> deadLetters =
        KAFKA.readCommitted(KafkaJobFixture.DEAD_LETTERS, WireCodec.deadLetters());
    assertThat(deadLetters)
        .extracting(DeadLetter::getReason, DeadLetter::getSourceTopic)
        .containsOnlyOnce(tuple(DeadLetterReason.NOT_SINGLE_OBJECT, KafkaJobFixture.LABELS));
    assertThat(deadLetters)
        .filteredOn(d -> d.getReason() == DeadLetterReason.UNMATCHED_LABEL)
        .extracting(DeadLetter::getSampleId)
        .containsExactlyInAnyOrderElementsOf(
            orphans.stream().map(SampleLabel::getSampleId).toList());
    assertThat(deadLetters).hasSize(ORPHANS + 1);
  }

  /** Waits until the trainer's counters, summed over its subtasks, reach the expected values. */
  private static void awaitCounters(JobID job, Map<String, Long> expected) throws Exception {
    // Expiry runs on processing-time ticks after the time-to-live.
    long deadline = System.nanoTime() + TIME_TO_LIVE.plus(wait(1)).toNanos();
    Map<String, Long> actual = counters(job, expected.keySet());
    while (!actual.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      actual = counters(job, expected.keySet());
    }
    assertThat(actual).as("trainer counters").isEqualTo(expected);
  }

  private static Map<String, Long> counters(JobID job, Iterable<String> names) {
    Map<String, Long> sums = new HashMap<>();
    for (OperatorMetricGroup trainer :
        REPORTER.findOperatorMetricGroups(job, "predict then train")) {
      Map<String, Metric> metrics = REPORTER.getMetricsByGroup(trainer);
      for (String name : names) {
        sums.merge(name, ((Counter) metrics.get(name)).getCount(), Long::sum);
      }
    }
    return sums;
  }

  private static SampleLabel label(String sampleId, String key, Integer label) {
    return SampleLabel.newBuilder()
        .setSampleId(sampleId)
        .setKey(key)
        .setLabel(label)
        .setLabelTime(Instant.now())
        .build();
  }

  private static <T> List<T> concat(List<T> first, List<T> second) {
    List<T> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static Duration wait(int minutes) {
    return Duration.ofMinutes(minutes);
  }
}
