package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.Adam;

/**
 * With {@code predict.max-delay} above zero the fused trainer scores the unscored samples of many
 * keys in one fused forward pass ({@code FusedNetwork.predict}), and records each key's predictions
 * in its open batch as the per-key path does: the scores its DL4J network gives, the version of the
 * model that made them, and a waiting key's samples scored by the model its waiting batch trains.
 */
class FusedScoringTest {

  private static final int BATCH = 8;

  /** Batches cut by count only; arrived samples wait up to 10 ms for a fused forward pass. */
  private static final Batching BATCHING =
      new Batching(BATCH, Duration.ZERO, Duration.ofMillis(10));

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  static Stream<Arguments> tasks() {
    return Stream.of(
        Arguments.of(
            TestModels.classifier(new Adam(0.05)).toJson(), ModelShape.classification(2, 2)),
        Arguments.of(TestModels.binaryClassifier(new Adam(0.05)).toJson(), ModelShape.binary(2)),
        Arguments.of(
            TestModels.linearRegression(new Adam(0.05)).toJson(), ModelShape.regression(2)));
  }

  @ParameterizedTest
  @MethodSource("tasks")
  void scoresManyKeysUnscoredSamplesInOneFusedPassAsTheirDl4jNetworksDo(
      String model, ModelShape shape) throws Exception {
    int keys = 30;
    var harness = openFused(model, shape, 100);
    List<List<LabeledSample>> streams = new ArrayList<>();
    for (int key = 0; key < keys; key++) {
      streams.add(forTask(separable("k" + key, 3 * BATCH, 50 + key), shape));
    }
    // Two batches per key give each key its own model, stepped at each barrier.
    for (int round = 0; round < 2; round++) {
      for (List<LabeledSample> stream : streams) {
        stream.subList(round * BATCH, (round + 1) * BATCH).forEach(s -> process(harness, s));
      }
      harness.prepareSnapshotPreBarrier(round);
    }
    int predicted = harness.extractOutputValues().size();
    assertThat(predicted).isEqualTo(keys * 2 * BATCH);

    // Then 1, 2 or 3 samples per key, interleaved: three row counts, each one fused pass.
    List<List<LabeledSample>> unscored = new ArrayList<>();
    for (List<LabeledSample> stream : streams) {
      unscored.add(stream.subList(2 * BATCH, 2 * BATCH + 1 + unscored.size() % 3));
    }
    for (int row = 0; row < 3; row++) {
      for (List<LabeledSample> samples : unscored) {
        if (row < samples.size()) {
          process(harness, samples.get(row));
        }
      }
    }
    assertThat(harness.extractOutputValues()).hasSize(predicted);
    assertThat(trainer(harness).unscoredKeys()).hasSize(keys);
    assertThat(scoredCount(harness, "k0")).as("scored before the delay passed").isNull();

    harness.setProcessingTime(harness.getProcessingTime() + 10);

    assertThat(trainer(harness).unscoredKeys()).isEmpty();
    KeyModel dl4j = KeyModels.create(model, shape, 1);
    List<Prediction> emitted =
        harness.extractOutputValues().subList(predicted, harness.extractOutputValues().size());
    assertThat(emitted).hasSize(unscored.stream().mapToInt(List::size).sum());
    for (int key = 0; key < keys; key++) {
      String name = "k" + key;
      List<LabeledSample> samples = unscored.get(key);
      assertThat(scoredCount(harness, name)).as(name).isEqualTo(samples.size());
      List<Prediction> recorded = recordedPredictions(harness, name);
      assertThat(recorded)
          .as(name)
          .extracting(Prediction::getSampleId)
          .isEqualTo(samples.stream().map(LabeledSample::getId).toList());
      assertThat(emitted).filteredOn(p -> p.getKey().equals(name)).isEqualTo(recorded);
      KeyModelState state = modelState(harness, name);
      assertThat(state.getVersion()).isEqualTo(2);
      dl4j.load(state);
      float[][] expected = dl4j.predict(samples);
      for (int row = 0; row < samples.size(); row++) {
        Prediction prediction = recorded.get(row);
        assertThat(prediction.getModelVersion()).isEqualTo(2);
        assertThat(prediction.getScores()).hasSize(expected[row].length);
        for (int output = 0; output < expected[row].length; output++) {
          assertThat(prediction.getScores().get(output))
              .as("%s row %d output %d", name, row, output)
              .isCloseTo(expected[row][output], within(1e-6f));
        }
      }
    }
  }

  @Test
  void aWaitingKeysNextSampleWaitsForItsStepAndIsScoredByTheModelItTrains() throws Exception {
    String model = TestModels.classifier(new Adam(0.05)).toJson();
    ModelShape shape = ModelShape.classification(2, 2);
    var harness = openFused(model, shape, 3);
    List<LabeledSample> a = separable("a", BATCH + 1, 1);

    a.forEach(s -> process(harness, s));
    harness.setProcessingTime(harness.getProcessingTime() + 5);

    assertThat(trainer(harness).waitingKeys()).as("not stepped for a's next sample").contains("a");
    assertThat(trainer(harness).unscoredKeys()).containsExactly("a");
    assertThat(scoredCount(harness, "a")).isNull();
    assertThat(harness.extractOutputValues()).hasSize(BATCH);

    separable("b", BATCH, 2).forEach(s -> process(harness, s));
    separable("c", BATCH, 3).forEach(s -> process(harness, s));

    assertThat(trainer(harness).waitingKeys()).as("three keys waited: stepped").isEmpty();
    assertThat(trainer(harness).unscoredKeys()).isEmpty();
    assertScoredByTheModelItsStepTrained(harness, model, shape, a.get(BATCH));
  }

  @Test
  void aWaitingKeysNextSampleStepsItsKeyWhenPredictMaxDelayHasPassed() throws Exception {
    String model = TestModels.classifier(new Adam(0.05)).toJson();
    ModelShape shape = ModelShape.classification(2, 2);
    // No step deadline and no other key: only the sample's own delay steps the key.
    var harness = openFused(model, shape, 3);
    List<LabeledSample> a = separable("a", BATCH + 1, 1);
    a.forEach(s -> process(harness, s));
    harness.setProcessingTime(harness.getProcessingTime() + 9);
    assertThat(trainer(harness).waitingKeys()).containsExactly("a");

    harness.setProcessingTime(harness.getProcessingTime() + 1);

    assertThat(trainer(harness).waitingKeys()).as("stepped for a's next sample").isEmpty();
    assertThat(trainer(harness).unscoredKeys()).isEmpty();
    assertThat(harness.getProcessingTimeService().getNumActiveTimers()).isZero();
    assertScoredByTheModelItsStepTrained(harness, model, shape, a.get(BATCH));
  }

  /**
   * The key's last prediction is of {@code sample}, by version 1 of its model (its first step's),
   * with the scores of that model in DL4J; its other predictions came from version 0.
   */
  private static void assertScoredByTheModelItsStepTrained(
      TrainerHarness harness, String model, ModelShape shape, LabeledSample sample)
      throws Exception {
    String key = sample.getKey();
    KeyModelState state = modelState(harness, key);
    assertThat(state.getVersion()).isEqualTo(1);
    assertThat(scoredCount(harness, key)).isEqualTo(1);
    Prediction last = recordedPredictions(harness, key).get(0);
    assertThat(last.getSampleId()).isEqualTo(sample.getId());
    assertThat(last.getModelVersion()).isEqualTo(1);
    KeyModel dl4j = KeyModels.create(model, shape, 1);
    dl4j.load(state);
    float[] expected = dl4j.predict(List.of(sample))[0];
    for (int output = 0; output < expected.length; output++) {
      assertThat(last.getScores().get(output)).isCloseTo(expected[output], within(1e-6f));
    }
    assertThat(harness.extractOutputValues())
        .filteredOn(p -> p.getKey().equals(key) && !p.getSampleId().equals(last.getSampleId()))
        .allSatisfy(p -> assertThat(p.getModelVersion()).isZero());
  }

  @Test
  void scoresEveryUnscoredSampleBeforeABarrierAndNoneAgainAfterARestore() throws Exception {
    String model = TestModels.classifier(new Adam(0.05)).toJson();
    ModelShape shape = ModelShape.classification(2, 2);
    var harness = openFused(model, shape, 100);
    List<LabeledSample> a = separable("a", BATCH, 1);
    a.subList(0, 3).forEach(s -> process(harness, s));

    harness.prepareSnapshotPreBarrier(1);
    OperatorSubtaskState snapshot = harness.snapshot(1, 0);

    assertThat(harness.extractOutputValues()).hasSize(3);
    assertThat(scoredCount(harness, "a")).isEqualTo(3);
    var restored =
        new TrainerHarness(new FusedTrainer(settings(model, shape), BATCHING, 100, Duration.ZERO));
    restored.initializeState(snapshot);
    trainers.open(restored);
    a.subList(3, BATCH).forEach(s -> process(restored, s));

    assertThat(restored.extractOutputValues())
        .extracting(Prediction::getSampleId)
        .as("the batch was cut: its unscored samples scored, the restored ones not again")
        .isEqualTo(a.subList(3, BATCH).stream().map(LabeledSample::getId).toList());
    assertThat(trainer(restored).waitingKeys()).containsExactly("a");
  }

  private TrainerHarness openFused(String model, ModelShape shape, int fuseKeys) throws Exception {
    return trainers.open(
        new TrainerHarness(
            new FusedTrainer(settings(model, shape), BATCHING, fuseKeys, Duration.ZERO)));
  }

  private static TrainerSettings settings(String model, ModelShape shape) {
    return new TrainerSettings.Builder(
            model, shape, 100, Duration.ZERO, 200, DriftSettings.alertOnly(DetectorType.NONE))
        .build();
  }

  /** The samples as the task takes them: a regression's target is the class. */
  private static List<LabeledSample> forTask(List<LabeledSample> samples, ModelShape shape) {
    if (shape.isClassification()) {
      return samples;
    }
    return samples.stream()
        .map(
            s ->
                LabeledSample.newBuilder(s)
                    .setLabel(null)
                    .setTarget(s.getLabel().doubleValue())
                    .build())
        .toList();
  }

  private static void process(TrainerHarness harness, LabeledSample sample) {
    try {
      harness.processElement1(sample, 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static FusedTrainer trainer(TrainerHarness harness) {
    return (FusedTrainer) harness.getOperator();
  }

  private static Integer scoredCount(TrainerHarness harness, String key) throws Exception {
    return keyedState(harness, key, OpenBatch.scoredCountDescriptor()).value();
  }

  private static List<Prediction> recordedPredictions(TrainerHarness harness, String key)
      throws Exception {
    List<Prediction> recorded = new ArrayList<>();
    keyedState(harness, key, OpenBatch.predictionsDescriptor()).get().forEach(recorded::add);
    return recorded;
  }

  private static KeyModelState modelState(TrainerHarness harness, String key) throws Exception {
    return keyedState(harness, key, KeyStep.modelDescriptor()).value();
  }
}
