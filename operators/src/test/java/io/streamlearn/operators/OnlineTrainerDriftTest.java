package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftReaction;
import io.streamlearn.operators.drift.PageHinkley;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.operators.state.RecentBestModel;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.ModelCheckpoint;
import io.streamlearn.schemas.Prediction;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;

/** The trainer's per-key drift detection and each reaction's effect on the key's model. */
class OnlineTrainerDriftTest {

  private static final double LEARNING_RATE = 0.05;
  private static final String MODEL = TestModels.classifier(new Adam(LEARNING_RATE)).toJson();
  private static final int BATCH = 16;

  /** Samples of one concept before the drift: 100 batches, plenty to learn it well. */
  private static final int BEFORE_DRIFT = 1_600;

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  /** Where a drift was detected, and the key's state before that batch. */
  private record Detection(
      TrainerHarness harness,
      List<List<LabeledSample>> batches,
      int batch,
      KeyModelState before,
      RecentBestModel kept) {}

  @Test
  void alertPublishesWhereTheDetectorFiredAndChangesNothing() throws Exception {
    var alerting = open(settings(DetectorType.PAGE_HINKLEY, DriftReaction.ALERT, 100));
    var silent = open(settings(DetectorType.NONE, DriftReaction.ALERT, 100));

    for (List<LabeledSample> batch : batches(labelsFlipAfter("a", BEFORE_DRIFT, 800, 1))) {
      alerting.processBatch(batch);
      silent.processBatch(batch);
    }

    List<Prediction> predictions = alerting.extractOutputValues();
    assertThat(predictions).isEqualTo(silent.extractOutputValues());
    assertThat(state(alerting).getParameters()).isEqualTo(state(silent).getParameters());
    // The same errors make a detector of its own fire at the position the event must name.
    long expectedPosition = firstDetection(new PageHinkley(), predictions);
    assertThat(expectedPosition).isGreaterThan(BEFORE_DRIFT);
    MetricsEvent drift = driftEvents(alerting).get(0);
    assertThat(drift.getKind()).isEqualTo(MetricsEventKind.DRIFT);
    assertThat(drift.getKey()).isEqualTo("a");
    assertThat(drift.getPosition()).isEqualTo(expectedPosition);
    assertThat(drift.getModelVersion())
        .isEqualTo(predictions.get((int) expectedPosition - 1).getModelVersion());
    assertThat(drift.getDetector()).isEqualTo("PAGE_HINKLEY");
    assertThat(drift.getReaction()).isEqualTo("ALERT");
    assertThat(drift.getMetrics())
        .containsEntry("samples", (double) expectedPosition)
        .containsEntry("threshold", PageHinkley.DEFAULT_THRESHOLD);
    assertThat(driftEvents(silent)).isEmpty();
  }

  @Test
  void resetPublishesTheInitialModelAtTheNextVersionAndTrainsOnFromIt() throws Exception {
    Detection detection = trainUntilDrift(DriftReaction.RESET, 100, 2);

    var harness = detection.harness();
    KeyModelState before = detection.before();
    long version = before.getVersion();
    MetricsEvent drift = driftEvents(harness).get(0);
    assertThat(drift.getReaction()).isEqualTo("RESET");
    assertThat(drift.getModelVersion()).isEqualTo(version + 1);
    ModelCheckpoint reset = checkpointOf(harness, version + 1);
    assertThat(reset.getSteps()).isZero();
    assertThat(reset.getSamplesSeen()).isEqualTo(before.getSamplesSeen());
    assertThat(parameters(reset)).isEqualTo(initialParameters());
    KeyModelState after = state(harness);
    assertThat(after.getVersion()).isEqualTo(version + 2);
    assertThat(after.getSteps()).isEqualTo(1);
    assertThat(after.getSamplesSeen()).isEqualTo(before.getSamplesSeen() + BATCH);
    harness.processBatch(detection.batches().get(detection.batch() + 1));
    assertThat(lastPredictions(harness))
        .allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(version + 2));
  }

  @Test
  void rollbackPublishesTheKeptCopyAtANewVersion() throws Exception {
    // A horizon longer than the stream: the copy is the best version before the drift.
    Detection detection = trainUntilDrift(DriftReaction.ROLLBACK, 1_000, 3);

    var harness = detection.harness();
    RecentBestModel kept = detection.kept();
    long version = detection.before().getVersion();
    assertThat(kept.getVersion()).isLessThanOrEqualTo(BEFORE_DRIFT / BATCH);
    assertThat(kept.getScore()).isGreaterThan(0.9);
    MetricsEvent drift = driftEvents(harness).get(0);
    assertThat(drift.getReaction()).isEqualTo("ROLLBACK");
    assertThat(drift.getModelVersion()).isEqualTo(version + 1);
    assertThat(drift.getMetrics()).containsEntry("restoredVersion", (double) kept.getVersion());
    ModelCheckpoint rolledBack = checkpointOf(harness, version + 1);
    assertThat(rolledBack.getSteps()).isEqualTo(kept.getSteps());
    assertThat(parameters(rolledBack))
        .isEqualTo(ArrayBytes.decode(kept.getParameters()).toFloatVector());
    KeyModelState after = state(harness);
    assertThat(after.getVersion()).isEqualTo(version + 2);
    assertThat(after.getSteps()).isEqualTo(kept.getSteps() + 1);
  }

  @Test
  void theRollbackCopyIsNeverOlderThanTheHorizon() throws Exception {
    int horizon = 3;
    var harness = open(settings(DetectorType.PAGE_HINKLEY, DriftReaction.ROLLBACK, horizon));

    for (List<LabeledSample> batch : batches(separable("a", 60 * BATCH, 4))) {
      harness.processBatch(batch);
      RecentBestModel kept = keyedState(harness, "a", KeyDriftMonitor.bestDescriptor()).value();
      // Copies are taken of the model that scored a batch, before the batch trains it.
      long scoringVersion = state(harness).getVersion() - 1;
      if (kept != null) {
        assertThat(scoringVersion - kept.getVersion()).isBetween(0L, (long) horizon);
      }
    }
    assertThat(keyedState(harness, "a", KeyDriftMonitor.bestDescriptor()).value()).isNotNull();
  }

  @Test
  void boostTrainsItsStepsAtTheRaisedRateThenAtTheConfiguredOneAndNeverAnotherKeys()
      throws Exception {
    double factor = 4;
    DriftSettings drift =
        new DriftSettings(
            DetectorType.PAGE_HINKLEY, DriftReaction.BOOST_LEARNING_RATE, factor, 2, 100);
    var shared = open(settings(drift));
    var bAlone = open(settings(drift));
    List<List<LabeledSample>> aBatches = batches(labelsFlipAfter("a", BEFORE_DRIFT, 800, 5));
    List<List<LabeledSample>> bBatches = batches(separable("b", 2_400, 6));
    KeyModel boosted =
        TestModels.keyModel(TestModels.classifier(new Adam(factor * LEARNING_RATE)).toJson());
    KeyModel configured = TestModels.keyModel(MODEL);

    List<String> rates = new ArrayList<>();
    for (int n = 0; n < aBatches.size() && rates.size() < 4; n++) {
      KeyModelState before = copyOf(state(shared));
      shared.processBatch(aBatches.get(n));
      shared.processBatch(bBatches.get(n));
      bAlone.processBatch(bBatches.get(n));
      if (!driftEvents(shared).isEmpty()) {
        byte[] trained = bytes(stateOf(shared, "a").getParameters());
        boolean asBoosted = sameStep(boosted, before, aBatches.get(n), trained);
        boolean asConfigured = sameStep(configured, before, aBatches.get(n), trained);
        rates.add(asBoosted ? "boosted" : asConfigured ? "configured" : "neither");
      }
    }

    assertThat(driftEvents(shared))
        .first()
        .satisfies(event -> assertThat(event.getReaction()).isEqualTo("BOOST_LEARNING_RATE"));
    assertThat(rates)
        .as("learning rate of the drift batch's step and the three after it")
        .containsExactly("boosted", "boosted", "configured", "configured");
    assertThat(predictionsOf(shared, "b")).isEqualTo(predictionsOf(bAlone, "b"));
  }

  @Test
  void aBoostRaisesEveryLayersRateAndRestoresItsSchedule() {
    // Halves the rate every 10 steps: a schedule that setting a fixed rate would have replaced.
    String scheduled =
        TestModels.classifier(new Adam(new StepSchedule(ScheduleType.ITERATION, 0.1, 0.5, 10)))
            .toJson();
    Dl4jKeyModel network = (Dl4jKeyModel) TestModels.keyModel(scheduled);
    KeyModelState state = network.newKeyState(0);
    state.setSteps(20);
    network.load(state);

    network.setLearningRateFactor(4);
    assertThat(network.learningRate(0)).isCloseTo(0.1, within(1e-9));
    assertThat(network.learningRate(1)).isCloseTo(0.1, within(1e-9));
    network.setLearningRateFactor(1);
    assertThat(network.learningRate(0)).isCloseTo(0.025, within(1e-9));
    state.setSteps(30);
    network.load(state);
    assertThat(network.learningRate(1)).isCloseTo(0.0125, within(1e-9));
  }

  /** Whether one step of {@code network} from {@code before} on the batch gives {@code trained}. */
  private static boolean sameStep(
      KeyModel network, KeyModelState before, List<LabeledSample> batch, byte[] trained) {
    KeyModelState step = copyOf(before);
    network.load(step);
    network.fit(batch);
    network.store(step);
    return Arrays.equals(bytes(step.getParameters()), trained);
  }

  /** The separable concept for {@code before} samples, then with its labels flipped. */
  private static List<LabeledSample> labelsFlipAfter(String key, int before, int after, long seed) {
    List<LabeledSample> samples = new ArrayList<>(separable(key, before + after, seed));
    for (int n = before; n < samples.size(); n++) {
      LabeledSample sample = samples.get(n);
      samples.set(n, LabeledSample.newBuilder(sample).setLabel(1 - sample.getLabel()).build());
    }
    return samples;
  }

  private static List<List<LabeledSample>> batches(List<LabeledSample> samples) {
    List<List<LabeledSample>> batches = new ArrayList<>();
    for (int start = 0; start + BATCH <= samples.size(); start += BATCH) {
      batches.add(samples.subList(start, start + BATCH));
    }
    return batches;
  }

  /** Position of the first labeled prediction at which {@code detector} fires on the errors. */
  private static long firstDetection(PageHinkley detector, List<Prediction> predictions) {
    for (int n = 0; n < predictions.size(); n++) {
      Prediction p = predictions.get(n);
      if (detector.add(Objects.equals(p.getPredictedLabel(), p.getLabel()) ? 0 : 1)) {
        return n + 1;
      }
    }
    throw new AssertionError("the reference detector never fired");
  }

  private TrainerHarness open(TrainerSettings settings) throws Exception {
    return trainers.open(settings);
  }

  /** Trains key a with the reaction on a stream whose labels flip, until a drift event. */
  private Detection trainUntilDrift(DriftReaction reaction, int rollbackHorizon, long seed)
      throws Exception {
    var harness = open(settings(DetectorType.PAGE_HINKLEY, reaction, rollbackHorizon));
    List<List<LabeledSample>> batches = batches(labelsFlipAfter("a", BEFORE_DRIFT, 800, seed));
    for (int n = 0; n < batches.size(); n++) {
      KeyModelState before = copyOf(state(harness));
      RecentBestModel kept = keyedState(harness, "a", KeyDriftMonitor.bestDescriptor()).value();
      harness.processBatch(batches.get(n));
      if (!driftEvents(harness).isEmpty()) {
        return new Detection(harness, batches, n, before, kept);
      }
    }
    throw new AssertionError("no drift detected");
  }

  private static TrainerSettings settings(
      DetectorType detector, DriftReaction reaction, int rollbackHorizon) {
    return settings(new DriftSettings(detector, reaction, 10, 20, rollbackHorizon));
  }

  private static TrainerSettings settings(DriftSettings drift) {
    return new TrainerSettings.Builder(
            MODEL, ModelShape.classification(2, 2), 1_000, Duration.ZERO, 200, drift)
        .build();
  }

  private static KeyModelState state(TrainerHarness harness) throws Exception {
    return stateOf(harness, "a");
  }

  private static KeyModelState stateOf(TrainerHarness harness, String key) throws Exception {
    KeyModelState state = keyedState(harness, key, KeyStep.modelDescriptor()).value();
    return state != null ? state : TestModels.keyModel(MODEL).newKeyState(0);
  }

  /** A deep copy: the heap state backend hands out the object the trainer changes in place. */
  private static KeyModelState copyOf(KeyModelState state) {
    return KeyModelState.newBuilder(state).build();
  }

  private static List<MetricsEvent> driftEvents(TrainerHarness harness) {
    var records = harness.getSideOutput(TrainerOutputs.DRIFT_EVENTS);
    return records == null ? List.of() : records.stream().map(StreamRecord::getValue).toList();
  }

  private static ModelCheckpoint checkpointOf(TrainerHarness harness, long version) {
    return harness.getSideOutput(TrainerOutputs.CHECKPOINTS).stream()
        .map(StreamRecord::getValue)
        .filter(checkpoint -> checkpoint.getVersion() == version)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no checkpoint of version " + version));
  }

  private static float[] parameters(ModelCheckpoint checkpoint) throws Exception {
    MultiLayerNetwork network =
        ModelSerializer.restoreMultiLayerNetwork(
            new ByteArrayInputStream(checkpoint.getModel().array()), true);
    return network.params().toFloatVector();
  }

  private static float[] initialParameters() {
    return ArrayBytes.decode(TestModels.keyModel(MODEL).newKeyState(0).getParameters())
        .toFloatVector();
  }

  private static List<Prediction> lastPredictions(TrainerHarness harness) {
    List<Prediction> all = harness.extractOutputValues();
    return all.subList(all.size() - BATCH, all.size());
  }

  /**
   * A key's predictions, but when they were made: a harness's clock moves with every batch it cuts,
   * whichever key's.
   */
  private static List<Prediction> predictionsOf(TrainerHarness harness, String key) {
    return harness.extractOutputValues().stream()
        .filter(p -> p.getKey().equals(key))
        .map(p -> Prediction.newBuilder(p).setPredictionTime(Instant.EPOCH).build())
        .toList();
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
