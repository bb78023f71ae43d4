package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftReaction;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The fused trainer trains each key as the per-key trainer does, with the waiting batches of many
 * keys stepped together: when enough keys wait, when the delay passed, before a checkpoint barrier,
 * at the end of input, and before a waiting key's next batch.
 */
class FusedTrainerTest {

  private static final String MODEL = TestModels.classifier(new Adam(0.05)).toJson();
  private static final ModelShape SHAPE = ModelShape.classification(2, 2);
  private static final int BATCH = 16;

  /** A parameter agrees with the per-key path within this, relative to the larger magnitude. */
  private static final double RELATIVE = 1e-4;

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void trainsEachKeyAsThePerKeyTrainerDoes() throws Exception {
    TrainerSettings settings = settings(MODEL, 5);
    var perKey = trainers.open(settings);
    var fused = trainers.openFused(settings, 4, Duration.ZERO);
    List<List<LabeledSample>> batches = interleavedBatches(6, 30);

    for (List<LabeledSample> batch : batches) {
      perKey.processBatch(batch);
      fused.processBatch(batch);
    }
    endInput(fused);
    endInput(perKey);

    for (int key = 0; key < 6; key++) {
      KeyModelState expected = modelState(perKey, "k" + key);
      KeyModelState actual = modelState(fused, "k" + key);
      assertThat(actual.getVersion()).isEqualTo(expected.getVersion()).isEqualTo(30);
      assertThat(actual.getSteps()).isEqualTo(expected.getSteps());
      assertThat(actual.getSamplesSeen()).isEqualTo(expected.getSamplesSeen());
      assertAgree(
          "parameters of k" + key,
          ArrayBytes.decode(actual.getParameters()).toFloatVector(),
          ArrayBytes.decode(expected.getParameters()).toFloatVector());
      assertAgree(
          "Adam's moments of k" + key,
          ArrayBytes.decode(actual.getUpdaterState()).toFloatVector(),
          ArrayBytes.decode(expected.getUpdaterState()).toFloatVector());
    }
    List<Prediction> expected = perKey.extractOutputValues();
    List<Prediction> actual = fused.extractOutputValues();
    assertThat(actual)
        .extracting(Prediction::getSampleId, Prediction::getModelVersion)
        .isEqualTo(
            expected.stream()
                .map(p -> org.assertj.core.groups.Tuple.tuple(p.getSampleId(), p.getModelVersion()))
                .toList());
    for (int i = 0; i < expected.size(); i++) {
      for (int output = 0; output < 2; output++) {
        assertThat(actual.get(i).getScores().get(output))
            .isCloseTo(expected.get(i).getScores().get(output), within(1e-3f));
      }
    }
    assertThat(publishedVersions(fused)).isEqualTo(publishedVersions(perKey));
  }

  @Test
  void aDriftBoostRaisesOnlyItsKeysRateInTheFusedStepAsOnThePerKeyPath() throws Exception {
    // Key a's labels flip after 1,600 samples: its detector fires and boosts its next two steps
    // fourfold, in fused steps it shares with key b, which must train at the configured rate.
    TrainerSettings settings =
        new TrainerSettings.Builder(
                MODEL,
                SHAPE,
                100,
                Duration.ZERO,
                200,
                new DriftSettings(
                    DetectorType.PAGE_HINKLEY, DriftReaction.BOOST_LEARNING_RATE, 4, 2, 100))
            .build();
    var perKey = trainers.open(settings);
    var fused = trainers.openFused(settings, 2, Duration.ZERO);
    List<LabeledSample> a = new ArrayList<>(separable("a", 2_400, 5));
    for (int n = 1_600; n < a.size(); n++) {
      a.set(n, LabeledSample.newBuilder(a.get(n)).setLabel(1 - a.get(n).getLabel()).build());
    }
    List<LabeledSample> b = separable("b", 2_400, 6);

    for (int start = 0; start < a.size(); start += BATCH) {
      for (List<LabeledSample> samples : List.of(a, b)) {
        perKey.processBatch(samples.subList(start, start + BATCH));
        fused.processBatch(samples.subList(start, start + BATCH));
      }
    }
    endInput(fused);
    endInput(perKey);

    assertThat(driftEvents(fused))
        .isNotEmpty()
        .isEqualTo(driftEvents(perKey))
        .allSatisfy(event -> assertThat(event).startsWith("a@"));
    for (String key : List.of("a", "b")) {
      assertAgree(
          "parameters of " + key,
          ArrayBytes.decode(modelState(fused, key).getParameters()).toFloatVector(),
          ArrayBytes.decode(modelState(perKey, key).getParameters()).toFloatVector());
    }
  }

  @Test
  void replaysGiveEachKeyBitwiseTheSameModelWhicheverKeysStepTogether() throws Exception {
    TrainerSettings settings = settings(MODEL, 100);
    List<List<LabeledSample>> batches = interleavedBatches(5, 12);
    Map<String, String> first = null;
    for (int fuseKeys : new int[] {1, 3, 5}) {
      var harness = openFused(settings, fuseKeys, Duration.ZERO);
      for (List<LabeledSample> batch : batches) {
        harness.processBatch(batch);
      }
      endInput(harness);
      Map<String, String> models = new LinkedHashMap<>();
      for (int key = 0; key < 5; key++) {
        KeyModelState state = modelState(harness, "k" + key);
        assertThat(state.getVersion()).isEqualTo(12);
        models.put("k" + key, HexFormat.of().formatHex(bytes(state)));
      }
      if (first == null) {
        first = models;
      } else {
        assertThat(models).as("models with fuse-keys %d", fuseKeys).isEqualTo(first);
      }
    }
  }

  @Test
  void stepsTheWaitingKeysWhenFuseKeysOfThemWait() throws Exception {
    var harness = openFused(settings(MODEL, 100), 3, Duration.ZERO);

    harness.processBatch(separable("a", BATCH, 1));
    harness.processBatch(separable("b", BATCH, 2));

    assertThat(harness.extractOutputValues())
        .hasSize(2 * BATCH)
        .allSatisfy(p -> assertThat(p.getModelVersion()).isZero());
    assertThat(trainer(harness).waitingKeys()).containsExactly("a", "b");
    assertThat(modelState(harness, "a")).as("created, not stepped nor written yet").isNull();

    harness.processBatch(separable("c", BATCH, 3));

    assertThat(trainer(harness).waitingKeys()).isEmpty();
    for (String key : List.of("a", "b", "c")) {
      assertThat(modelState(harness, key).getVersion()).as(key).isEqualTo(1);
    }
  }

  @Test
  void aNewKeysModelStateIsInTheNextCheckpointBeforeItsFirstStep() throws Exception {
    var harness = openFused(settings(MODEL, 100), 3, Duration.ZERO);
    harness.setProcessingTime(1_000);

    harness.processElement1(separable("a", 1, 1).get(0), 0);

    assertThat(modelState(harness, "a")).as("created by its first prediction alone").isNull();
    harness.snapshot(1, 1);
    assertThat(modelState(harness, "a"))
        .satisfies(state -> assertThat(state.getVersion()).isZero())
        .satisfies(state -> assertThat(state.getPublishedAtMillis()).isEqualTo(1_000));
  }

  @Test
  void aKeysNextBatchIsScoredByTheModelItsPreviousBatchTrained() throws Exception {
    var harness = openFused(settings(MODEL, 100), 10, Duration.ZERO);

    harness.processBatch(separable("a", BATCH, 1));
    harness.processBatch(separable("b", BATCH, 2));
    harness.processBatch(separable("a", BATCH, 3));

    List<Prediction> predictions = harness.extractOutputValues();
    assertThat(predictions.subList(2 * BATCH, 3 * BATCH))
        .allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
    assertThat(modelState(harness, "b").getVersion()).isEqualTo(1);
    assertThat(trainer(harness).waitingKeys()).containsExactly("a");
  }

  @Test
  void stepsTheWaitingKeysBeforeACheckpointBarrier() throws Exception {
    TrainerSettings settings = settings(MODEL, 100);
    var harness = openFused(settings, 10, Duration.ZERO);
    harness.processBatch(separable("a", BATCH, 1));
    harness.processBatch(separable("b", BATCH, 2));
    assertThat(trainer(harness).waitingKeys()).hasSize(2);

    harness.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState snapshot = harness.snapshot(1, 0);

    assertThat(trainer(harness).waitingKeys()).isEmpty();
    var restored =
        new TrainerHarness(
            new FusedTrainer(settings, TrainerHarness.BATCH_PER_CALL, 10, Duration.ZERO));
    restored.initializeState(snapshot);
    trainers.open(restored);
    for (String key : List.of("a", "b")) {
      KeyModelState state = modelState(restored, key);
      assertThat(state.getVersion()).as(key).isEqualTo(1);
      assertThat(bytes(state)).isEqualTo(bytes(modelState(harness, key)));
    }
  }

  @Test
  void stepsTheWaitingKeysOnceTheDelayPassed() throws Exception {
    var harness = openFused(settings(MODEL, 100), 10, Duration.ofMillis(200));
    harness.setProcessingTime(1_000);
    harness.processBatch(separable("a", BATCH, 1));
    harness.setProcessingTime(1_100);
    harness.processBatch(separable("b", BATCH, 2));

    // The first batch was cut, and began to wait, at 1_001 (TrainerHarness.processBatch).
    harness.setProcessingTime(1_200);
    assertThat(trainer(harness).waitingKeys()).hasSize(2);
    harness.setProcessingTime(1_201);

    assertThat(trainer(harness).waitingKeys()).isEmpty();
    assertThat(modelState(harness, "a").getVersion()).isEqualTo(1);
    assertThat(modelState(harness, "b").getVersion()).isEqualTo(1);
  }

  @Test
  void publishedModelsLoadInPlainDl4jAndReproduceTheScoresTheyServed() throws Exception {
    var harness = openFused(settings(MODEL, 1), 2, Duration.ZERO);
    List<List<LabeledSample>> batches = interleavedBatches(2, 6);

    for (List<LabeledSample> batch : batches) {
      harness.processBatch(batch);
    }
    endInput(harness);

    assertThat(publishedVersions(harness)).hasSize(12).contains("k0:6", "k1:6");
    List<LabeledSample> samples = batches.stream().flatMap(List::stream).toList();
    int compared = PublishedModels.assertReproduceServedScores(harness, samples, 6);
    assertThat(compared).as("ten batches were served by published models").isEqualTo(10 * BATCH);
  }

  @Test
  void rollsBackADivergedKeyAloneAndTheOthersOfItsStepKeepTraining() throws Exception {
    // Plain SGD far above 2/||x||^2 blows a linear regression up; a key whose features and targets
    // are all 0 has zero gradients and stays finite in the same fused steps.
    String exploding = TestModels.linearRegression(new Sgd(10.0)).toJson();
    var harness =
        openFused(
            new TrainerSettings.Builder(
                    exploding,
                    ModelShape.regression(2),
                    100,
                    Duration.ofHours(1),
                    200,
                    DriftSettings.alertOnly(DetectorType.NONE))
                .build(),
            2,
            Duration.ZERO);
    List<LabeledSample> stream = separable("x", 8 * 60, 12);
    for (int start = 0; start < stream.size(); start += 8) {
      List<LabeledSample> exploding8 = new ArrayList<>();
      List<LabeledSample> still8 = new ArrayList<>();
      for (LabeledSample sample : stream.subList(start, start + 8)) {
        exploding8.add(
            LabeledSample.newBuilder(sample)
                .setLabel(null)
                .setTarget(3.0 * sample.getLabel())
                .build());
        still8.add(
            LabeledSample.newBuilder(sample)
                .setId("y-" + sample.getId())
                .setKey("y")
                .setFeatures(List.of(0f, 0f))
                .setLabel(null)
                .setTarget(0.0)
                .build());
      }
      harness.processBatch(exploding8);
      harness.processBatch(still8);
    }

    assertThat(harness.getSideOutput(DeadLetters.TAG))
        .isNotEmpty()
        .allSatisfy(
            record -> {
              assertThat(record.getValue().getReason()).isEqualTo(DeadLetterReason.DIVERGED_BATCH);
              assertThat(record.getValue().getKey()).isEqualTo("x");
            });
    assertThat(modelState(harness, "x").getVersion()).isLessThan(60);
    assertThat(modelState(harness, "y").getVersion()).isEqualTo(60);
    for (String key : List.of("x", "y")) {
      for (float value :
          ArrayBytes.decode(modelState(harness, key).getParameters()).toFloatVector()) {
        assertThat(Float.isFinite(value)).as(key).isTrue();
      }
    }
  }

  /** {@code keys} keys' batches of {@link #BATCH}, key after key, {@code rounds} times. */
  private static List<List<LabeledSample>> interleavedBatches(int keys, int rounds) {
    List<List<LabeledSample>> streams = new ArrayList<>();
    for (int key = 0; key < keys; key++) {
      streams.add(separable("k" + key, rounds * BATCH, 100 + key));
    }
    List<List<LabeledSample>> batches = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      for (List<LabeledSample> stream : streams) {
        batches.add(stream.subList(round * BATCH, (round + 1) * BATCH));
      }
    }
    return batches;
  }

  private TrainerHarness openFused(TrainerSettings settings, int fuseKeys, Duration maxDelay)
      throws Exception {
    return trainers.openFused(settings, fuseKeys, maxDelay);
  }

  /** The final watermark on both inputs, as a bounded input's end brings it. */
  private static void endInput(TrainerHarness harness) throws Exception {
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
  }

  private static FusedTrainer trainer(TrainerHarness harness) {
    return (FusedTrainer) harness.getOperator();
  }

  private static TrainerSettings settings(String model, int everySteps) {
    return new TrainerSettings.Builder(
            model,
            SHAPE,
            everySteps,
            Duration.ZERO,
            200,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .build();
  }

  private static KeyModelState modelState(TrainerHarness harness, String key) throws Exception {
    return keyedState(harness, key, KeyStep.modelDescriptor()).value();
  }

  private static byte[] bytes(KeyModelState state) {
    byte[] parameters = new byte[state.getParameters().remaining()];
    state.getParameters().duplicate().get(parameters);
    return parameters;
  }

  /** Each drift event as key@position:reaction. */
  private static List<String> driftEvents(TrainerHarness harness) {
    var records = harness.getSideOutput(TrainerOutputs.DRIFT_EVENTS);
    return records == null
        ? List.of()
        : records.stream()
            .map(StreamRecord::getValue)
            .map(e -> e.getKey() + "@" + e.getPosition() + ":" + e.getReaction())
            .toList();
  }

  private static List<String> publishedVersions(TrainerHarness harness) {
    return harness.checkpoints().stream().map(c -> c.getKey() + ":" + c.getVersion()).toList();
  }

  private static void assertAgree(String what, float[] actual, float[] expected) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      double scale = Math.max(Math.max(Math.abs(actual[i]), Math.abs(expected[i])), 0.1);
      assertThat(Math.abs(actual[i] - expected[i]) / scale)
          .as("%s at %d: fused %s, per-key %s", what, i, actual[i], expected[i])
          .isLessThanOrEqualTo(RELATIVE);
    }
  }
}
