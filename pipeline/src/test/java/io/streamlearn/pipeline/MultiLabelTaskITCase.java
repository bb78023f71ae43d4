package io.streamlearn.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.generate.MultiLabelHyperplanes;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A MULTI_LABEL job through Kafka: samples carry the set of classes that hold, predictions the
 * per-class probabilities and the predicted set, the metrics topic Hamming and subset accuracy, and
 * samples whose ground truth the task cannot take go to the dead letters.
 */
class MultiLabelTaskITCase {

  private static final int SAMPLES = 3_000;
  private static final int CLASSES = 3;

  @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(1);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  void learnsEachClassAndDeadLettersGroundTruthTheTaskCannotTake() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.of(
                "model.features", "4",
                "model.task", "MULTI_LABEL",
                "model.classes", String.valueOf(CLASSES),
                "model.hidden-layers", "16",
                "model.learning-rate", "0.02",
                "batch.size", "16",
                "metrics.snapshot-every", "500",
                "job.checkpoint-interval", "500 ms"));
    // Three hyperplanes, one per class, over four features: the stream demo --config trains
    // examples/multi-label.yaml on.
    MultiLabelHyperplanes stream = new MultiLabelHyperplanes(21, 4, 1, CLASSES, 0);
    List<LabeledSample> samples = Stream.generate(stream::next).limit(SAMPLES).toList();
    LabeledSample some = samples.get(0);
    List<LabeledSample> bad =
        List.of(
            LabeledSample.newBuilder(some)
                .setId("out-of-range")
                .setLabels(List.of(1, CLASSES))
                .build(),
            LabeledSample.newBuilder(some)
                .setId("single-label")
                .setLabels(null)
                .setLabel(1)
                .build());
    List<LabeledSample> sent = new ArrayList<>(samples);
    sent.addAll(SAMPLES / 2, bad);
    List<Prediction> predictions = KAFKA.predict(config, "multi-label-it", sent, SAMPLES);

    assertThat(predictions).hasSize(SAMPLES);
    List<Prediction> last = KafkaJobFixture.latest(predictions, 1_000);
    for (int c = 0; c < CLASSES; c++) {
      int label = c;
      long right =
          last.stream()
              .filter(p -> p.getPredictedLabels().contains(label) == p.getLabels().contains(label))
              .count();
      // Each class holds for about half of the samples: guessing gets about 500 of 1000 right.
      assertThat(right).as("class %d right in the last 1000", c).isGreaterThan(900);
    }
    assertThat(last).allSatisfy(p -> assertThat(p.getScores()).hasSize(CLASSES));

    List<DeadLetter> deadLetters =
        KAFKA.readCommitted(KafkaJobFixture.DEAD_LETTERS, WireCodec.deadLetters());
    assertThat(deadLetters)
        .extracting(DeadLetter::getSampleId, DeadLetter::getReason)
        .containsExactlyInAnyOrder(
            tuple("out-of-range", DeadLetterReason.LABEL_OUT_OF_RANGE),
            tuple("single-label", DeadLetterReason.LABEL_OUT_OF_RANGE));
    assertThat(deadLetters)
        .extracting(DeadLetter::getMessage)
        .anySatisfy(m -> assertThat(m).contains("has label 3, the model has classes 0..2"))
        .anySatisfy(m -> assertThat(m).contains("the model is MULTI_LABEL (model.task)"));

    MetricsEvent lastOfKey = KAFKA.latestSnapshot("key-0");
    assertThat(lastOfKey.getMetrics()).containsKeys("accuracy", "subsetAccuracy", "logLoss");
    assertThat(lastOfKey.getMetrics().get("subsetAccuracy")).isGreaterThan(0.7);
    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(KafkaJobFixture.CHECKPOINTS, WireCodec.modelCheckpoints());
    assertThat(checkpoints.get(checkpoints.size() - 1).getMetrics().get("accuracy"))
        .as("the final model's fading Hamming accuracy")
        .isGreaterThan(0.9);
  }
}
