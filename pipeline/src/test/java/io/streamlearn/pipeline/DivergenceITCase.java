package io.streamlearn.pipeline;

import static io.streamlearn.pipeline.KafkaJobFixture.CHECKPOINTS;
import static io.streamlearn.pipeline.KafkaJobFixture.DEAD_LETTERS;
import static io.streamlearn.pipeline.KafkaJobFixture.PREDICTIONS;
import static io.streamlearn.pipeline.KafkaJobFixture.SAMPLES;
import static io.streamlearn.pipeline.KafkaJobFixture.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.pipeline.config.StreamlearnConfig;
import io.streamlearn.pipeline.kafka.KafkaConnectors;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model that diverges is never published: through the Kafka-wired job, a linear regression whose
 * SGD learning rate is far too high overflows within a few steps. Every such step must be rolled
 * back and its samples dead-lettered as DIVERGED_BATCH, while every published model stays finite
 * and every sample is still predicted once.
 */
class DivergenceITCase {

  private static final int SAMPLES_PER_KEY = 1_000;
  private static final List<String> KEYS = List.of("sensor-a", "sensor-b");
  private static final int FEATURES = 4;
  private static final int BATCH_SIZE = 8;

  /** The targets' true weights and bias: a linear model fits them exactly. */
  private static final float[] WEIGHTS = {3f, -2f, 1f, 0.5f};

  private static final float BIAS = 1f;

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2, METRICS);

  @RegisterExtension static final KafkaJobFixture KAFKA = new KafkaJobFixture();

  @Test
  @Timeout(value = 4, unit = TimeUnit.MINUTES)
  void rollsBackDivergedStepsAndPublishesOnlyFiniteModels() throws Exception {
    StreamlearnConfig config =
        KAFKA.config(
            Map.ofEntries(
                Map.entry("model.task", "REGRESSION"),
                Map.entry("model.features", Integer.toString(FEATURES)),
                Map.entry("model.hidden-layers", ""),
                Map.entry("model.updater", "SGD"),
                Map.entry("model.learning-rate", "10"),
                // Raw features, as the plain DL4J check below trains on: scaled ones might not
                // overflow at all.
                Map.entry("model.scaling", "none"),
                Map.entry("batch.size", Integer.toString(BATCH_SIZE)),
                // Count-only batches: the same batches as the plain DL4J check below.
                Map.entry("batch.max-delay", "0"),
                Map.entry("job.parallelism", "2"),
                Map.entry("job.checkpoint-interval", "500 ms"),
                // Every step is published, the last one before a blow-up included.
                Map.entry("model.checkpoint.every-steps", "1"),
                Map.entry("flink.restart-strategy.type", "none")));
    List<LabeledSample> samples = linearSamples();
    Map<String, LabeledSample> samplesById =
        samples.stream().collect(Collectors.toMap(LabeledSample::getId, Function.identity()));
    assertThat(plainDl4jDiverges(config, samplesOf(KEYS.get(0), samples)))
        .as("plain DL4J with this configuration reaches NaN or infinite parameters")
        .isTrue();

    KafkaConnectors.produce(KAFKA.bootstrapServers(), SAMPLES, samples);
    JobClient job = KAFKA.submit(config, "divergence-it");
    KAFKA.drainOncePredicted(job, samples.size(), Duration.ofMinutes(2));

    List<Prediction> predictions = KAFKA.readCommitted(PREDICTIONS, WireCodec.predictions());
    assertThat(predictions)
        .extracting(Prediction::getSampleId)
        .containsExactlyInAnyOrderElementsOf(samplesById.keySet());

    List<ModelCheckpoint> checkpoints =
        KAFKA.readCommitted(CHECKPOINTS, WireCodec.modelCheckpoints());
    assertThat(checkpoints).extracting(ModelCheckpoint::getKey).containsAll(KEYS);
    INDArray allFeatures = featureMatrix(samples);
    for (ModelCheckpoint checkpoint : checkpoints) {
      MultiLayerNetwork model = KafkaJobFixture.restore(checkpoint);
      String which = checkpoint.getKey() + " v" + checkpoint.getVersion();
      assertThat(isFinite(model.params())).as("parameters of %s are finite", which).isTrue();
      assertThat(isFinite(model.output(allFeatures)))
          .as("outputs of %s are finite", which)
          .isTrue();
    }

    // Nor did a diverged model ever make a prediction.
    assertThat(predictions)
        .filteredOn(p -> !p.getScores().stream().allMatch(Float::isFinite))
        .extracting(Prediction::getSampleId)
        .as("samples predicted with a NaN or infinite score")
        .isEmpty();

    List<DeadLetter> deadLetters = KAFKA.readCommitted(DEAD_LETTERS, WireCodec.deadLetters());
    assertThat(deadLetters)
        .extracting(DeadLetter::getReason)
        .containsOnly(DeadLetterReason.DIVERGED_BATCH);
    assertThat(deadLetters).extracting(DeadLetter::getKey).containsAll(KEYS);
    assertThat(deadLetters).extracting(DeadLetter::getSampleId).doesNotHaveDuplicates();
    // Counted where they are made; every batch is full (count-only batches of a whole number).
    JobMetrics metrics = new JobMetrics(METRICS, job.getJobID());
    assertThat(metrics.deadLetters(DeadLetterReason.DIVERGED_BATCH)).isEqualTo(deadLetters.size());
    assertThat(metrics.counterSum("divergedSteps") * BATCH_SIZE).isEqualTo(deadLetters.size());
    WireCodec<LabeledSample> sampleCodec = WireCodec.labeledSamples();
    for (DeadLetter deadLetter : deadLetters) {
      LabeledSample rejected = sampleCodec.decode(bytes(deadLetter.getValue()));
      assertThat(rejected).isEqualTo(samplesById.get(deadLetter.getSampleId()));
      assertThat(rejected.getKey()).isEqualTo(deadLetter.getKey());
    }

    // Nothing is lost silently: each sample either trained the published model or was rejected.
    Map<String, Long> rejectedByKey =
        deadLetters.stream()
            .collect(Collectors.groupingBy(DeadLetter::getKey, Collectors.counting()));
    for (String key : KEYS) {
      assertThat(lastCheckpointOf(key, checkpoints).getSamplesSeen() + rejectedByKey.get(key))
          .as("samples of %s trained on or rejected", key)
          .isEqualTo(SAMPLES_PER_KEY);
    }
  }

  /** Features uniform in [0, 1), targets an exact linear function of them; keys take turns. */
  private static List<LabeledSample> linearSamples() {
    Random random = new Random(17);
    List<LabeledSample> samples = new ArrayList<>();
    for (int n = 0; n < SAMPLES_PER_KEY; n++) {
      for (String key : KEYS) {
        List<Float> features = new ArrayList<>(FEATURES);
        double target = BIAS;
        for (int i = 0; i < FEATURES; i++) {
          float x = random.nextFloat();
          features.add(x);
          target += WEIGHTS[i] * x;
        }
        samples.add(
            LabeledSample.newBuilder()
                .setId(key + "-" + n)
                .setKey(key)
                .setFeatures(features)
                .setLabel(null)
                .setTarget(target)
                .setEventTime(Instant.ofEpochMilli(samples.size()))
                .build());
      }
    }
    return samples;
  }

  /**
   * Whether DL4J itself, trained with the job's configuration on one key's samples in the job's
   * batches and with nothing rolled back, ends up with non-finite parameters: proof that this test
   * exercises the guard rather than a model that happens to stay finite.
   */
  private static boolean plainDl4jDiverges(
      StreamlearnConfig config, List<LabeledSample> keySamples) {
    MultiLayerNetwork network = new MultiLayerNetwork(config.modelConfiguration());
    network.init();
    for (int from = 0; from < keySamples.size(); from += BATCH_SIZE) {
      List<LabeledSample> batch =
          keySamples.subList(from, Math.min(from + BATCH_SIZE, keySamples.size()));
      float[][] targets = new float[batch.size()][1];
      for (int row = 0; row < batch.size(); row++) {
        targets[row][0] = batch.get(row).getTarget().floatValue();
      }
      network.fit(new DataSet(featureMatrix(batch), Nd4j.create(targets)));
      if (!isFinite(network.params())) {
        return true;
      }
    }
    return false;
  }

  private static List<LabeledSample> samplesOf(String key, List<LabeledSample> samples) {
    return samples.stream().filter(s -> s.getKey().equals(key)).toList();
  }

  private static ModelCheckpoint lastCheckpointOf(String key, List<ModelCheckpoint> checkpoints) {
    return checkpoints.stream()
        .filter(c -> c.getKey().equals(key))
        .max(Comparator.comparingLong(ModelCheckpoint::getVersion))
        .orElseThrow();
  }

  private static INDArray featureMatrix(List<LabeledSample> samples) {
    float[][] rows = new float[samples.size()][FEATURES];
    for (int row = 0; row < samples.size(); row++) {
      for (int i = 0; i < FEATURES; i++) {
        rows[row][i] = samples.get(row).getFeatures().get(i);
      }
    }
    return Nd4j.create(rows);
  }

  private static boolean isFinite(INDArray array) {
    for (float value : array.reshape(array.length()).toFloatVector()) {
      if (!Float.isFinite(value)) {
        return false;
      }
    }
    return true;
  }
}
