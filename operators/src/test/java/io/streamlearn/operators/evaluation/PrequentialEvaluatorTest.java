package io.streamlearn.operators.evaluation;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.evaluation.Predictions.classified;
import static io.streamlearn.operators.evaluation.Predictions.multiLabeled;
import static io.streamlearn.operators.evaluation.Predictions.multiRegressed;
import static io.streamlearn.operators.evaluation.Predictions.regressed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import io.streamlearn.operators.ModelShape;
import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.PageHinkley;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import io.streamlearn.schemas.Prediction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

  private static final long INTERVAL = 10_000;
  private static final EvaluationSettings CLASSIFICATION = settings(3, DetectorType.NONE, true);

  private final List<KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent>>
      harnesses = new ArrayList<>();

  @AfterEach
  void closeHarnesses() throws Exception {
    for (var harness : harnesses) {
      harness.close();
    }
  }

  @Test
  void aPredictionCompletedByADelayedLabelDoesNotTakeTheModelVersionBack() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(CLASSIFICATION));
    harness.setProcessingTime(1_000);

    harness.processElement(List.of(classified("a", 5, 1, 1, 0.9f, 1_000)), 0);
    // Served by version 2 before version 5 existed; its label came after version 5's prediction.
    harness.processElement(List.of(classified("a", 2, 0, 1, 0.6f, 400)), 0);
    harness.setProcessingTime(1_000 + INTERVAL);

    MetricsEvent snapshot = single(harness.extractOutputValues());
    assertThat(snapshot.getPosition()).isEqualTo(2);
    assertThat(snapshot.getModelVersion()).isEqualTo(5);
  }

  @Test
  void reportsBothWindowsOnceTheSnapshotIntervalHasPassed() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(CLASSIFICATION));
    harness.setProcessingTime(1_000);

    harness.processElement(List.of(classified("a", 0, 1, 1, 0.9f, 0)), 0);
    harness.processElement(List.of(classified("a", 1, 0, 1, 0.6f, 100)), 0);
    harness.processElement(List.of(classified("a", 2, 1, 1, 0.7f, 200)), 0);
    harness.processElement(List.of(classified("a", 3, 0, 0, 0.2f, 1_150)), 0);
    harness.setProcessingTime(1_000 + INTERVAL - 1);
    assertThat(harness.extractOutputValues()).isEmpty();
    harness.setProcessingTime(1_000 + INTERVAL);

    MetricsEvent snapshot = single(harness.extractOutputValues());
    assertThat(snapshot.getKind()).isEqualTo(MetricsEventKind.SNAPSHOT);
    assertThat(snapshot.getKey()).isEqualTo("a");
    assertThat(snapshot.getPosition()).isEqualTo(4);
    assertThat(snapshot.getModelVersion()).isEqualTo(3);
    assertThat(snapshot.getTime()).isEqualTo(Instant.ofEpochMilli(1_000 + INTERVAL));
    // Count window: the last 3. Time window (1,000 ms): those after 150, the last 2.
    assertThat(snapshot.getMetrics())
        .containsOnlyKeys(
            "predictions",
            "windowSize",
            "accuracy",
            "logLoss",
            "kappa",
            "kappaTemporal",
            "auc",
            "windowSize@time",
            "accuracy@time",
            "logLoss@time",
            "kappa@time",
            "kappaTemporal@time",
            "auc@time")
        .containsEntry("predictions", 4.0)
        .containsEntry("windowSize", 3.0)
        .containsEntry("accuracy", 2.0 / 3)
        .containsEntry("logLoss", -(Math.log(1 - 0.6f) + Math.log(0.7f) + Math.log(1 - 0.2f)) / 3)
        .containsEntry("windowSize@time", 2.0)
        .containsEntry("accuracy@time", 1.0)
        .containsEntry("kappa@time", 1.0);
  }

  @Test
  void holdsASnapshotTimerOnlyWhileTheKeyHasUnreportedPredictions() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(CLASSIFICATION));
    assertThat(harness.numProcessingTimeTimers()).isZero();

    harness.processElement(List.of(classified("a", 0, 1, 1, 0.9f, 0)), 0);
    harness.processElement(List.of(classified("a", 1, 1, 1, 0.9f, 0)), 0);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).as("end of input").isEqualTo(1);

    harness.setProcessingTime(INTERVAL);
    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();

    harness.setProcessingTime(10 * INTERVAL);
    assertThat(harness.extractOutputValues()).as("nothing new, nothing reported").hasSize(1);

    harness.processElement(List.of(classified("a", 2, 1, 1, 0.9f, 0)), 0);
    harness.setProcessingTime(11 * INTERVAL);
    assertThat(harness.extractOutputValues())
        .hasSize(2)
        .last()
        .satisfies(snapshot -> assertThat(snapshot.getPosition()).isEqualTo(3));
  }

  @Test
  void snapshotsEveryNLabeledPredictionsWithoutWaitingForTheInterval() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(settings(3, 3, DetectorType.NONE, true)));
    harness.setProcessingTime(1_000);

    for (int n = 0; n < 6; n++) {
      harness.processElement(List.of(classified("a", n, 1, n < 4 ? 1 : 0, 0.9f, n)), 0);
      // An unlabeled prediction neither counts nor reports.
      harness.processElement(List.of(classified("a", 100 + n, null, 1, 0.9f, n)), 0);
    }

    assertThat(harness.extractOutputValues())
        .extracting(
            MetricsEvent::getKind,
            MetricsEvent::getPosition,
            MetricsEvent::getModelVersion,
            e -> e.getMetrics().get("accuracy"))
        .containsExactly(
            tuple(MetricsEventKind.SNAPSHOT, 3L, 2L, 1.0),
            tuple(MetricsEventKind.SNAPSHOT, 6L, 5L, 1.0 / 3));
    assertThat(harness.numProcessingTimeTimers()).as("nothing left to report").isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
    assertThat(pendingSnapshot(harness, "a")).isNull();

    harness.processElement(List.of(classified("a", 6, 1, 1, 0.9f, 6)), 0);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).as("end of input").isEqualTo(1);
    assertThat(pendingSnapshot(harness, "a")).isEqualTo(1_000 + INTERVAL);
    harness.setProcessingTime(1_000 + INTERVAL);
    assertThat(harness.extractOutputValues())
        .extracting(MetricsEvent::getPosition)
        .containsExactly(3L, 6L, 7L);
    assertThat(pendingSnapshot(harness, "a")).isNull();
  }

  @Test
  void aSnapshotWithinABatchPutsTheIntervalOfTheRestAfterIt() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(settings(3, 4, DetectorType.NONE, true)));
    harness.setProcessingTime(1_000);
    harness.processElement(
        List.of(classified("a", 0, 1, 1, 0.9f, 0), classified("a", 1, 1, 1, 0.9f, 1)), 0);
    assertThat(pendingSnapshot(harness, "a")).isEqualTo(1_000 + INTERVAL);

    harness.setProcessingTime(5_000);
    harness.processElement(
        List.of(
            classified("a", 2, 1, 1, 0.9f, 2),
            classified("a", 3, 1, 0, 0.4f, 3),
            classified("a", 4, 1, 1, 0.9f, 4)),
        0);

    MetricsEvent atFour = single(harness.extractOutputValues());
    assertThat(atFour.getPosition()).as("exactly at the multiple, mid-batch").isEqualTo(4);
    assertThat(atFour.getMetrics())
        .containsEntry("predictions", 4.0)
        .containsEntry("accuracy", 2.0 / 3)
        .containsEntry("windowSize@time", 4.0);
    assertThat(pendingSnapshot(harness, "a")).isEqualTo(5_000 + INTERVAL);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    harness.setProcessingTime(1_000 + INTERVAL);
    assertThat(harness.extractOutputValues()).as("the first timer is gone").hasSize(1);
    harness.setProcessingTime(5_000 + INTERVAL);
    assertThat(harness.extractOutputValues())
        .extracting(MetricsEvent::getPosition)
        .containsExactly(4L, 5L);
  }

  @Test
  void ignoresPredictionsWithoutGroundTruth() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(CLASSIFICATION));

    harness.processElement(List.of(classified("a", 0, null, 1, 0.9f, 0)), 0);
    assertThat(harness.numProcessingTimeTimers()).isZero();

    harness.processElement(List.of(classified("a", 1, 1, 1, 0.9f, 0)), 0);
    harness.processElement(List.of(classified("a", 2, null, 0, 0.1f, 0)), 0);
    harness.setProcessingTime(INTERVAL);

    assertThat(single(harness.extractOutputValues()).getMetrics())
        .containsEntry("predictions", 1.0)
        .containsEntry("accuracy", 1.0);
  }

  @Test
  void keepsKeysApart() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(CLASSIFICATION));

    harness.processElement(List.of(classified("a", 0, 1, 1, 0.9f, 0)), 0);
    harness.processElement(List.of(classified("b", 0, 1, 0, 0.1f, 0)), 0);
    harness.processElement(List.of(classified("a", 1, 1, 1, 0.9f, 0)), 0);
    harness.setProcessingTime(INTERVAL);

    assertThat(harness.extractOutputValues())
        .extracting(
            MetricsEvent::getKey, MetricsEvent::getPosition, e -> e.getMetrics().get("accuracy"))
        .containsExactlyInAnyOrder(tuple("a", 2L, 1.0), tuple("b", 1L, 0.0));
  }

  @Test
  void reportsMaeAndRmseOfBothWindowsForRegression() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(settings(2, DetectorType.NONE, false)));

    harness.processElement(List.of(regressed("a", 0, 5f, 1.0, 0)), 0);
    harness.processElement(List.of(regressed("a", 1, 2f, 1.0, 2_000)), 0);
    harness.processElement(List.of(regressed("a", 2, 1f, null, 2_100)), 0);
    harness.processElement(List.of(regressed("a", 3, 0f, 2.0, 2_200)), 0);
    harness.setProcessingTime(INTERVAL);

    // Both windows hold the errors 1 and -2: the count window the last two, the time window
    // those less than 1,000 ms before the newest (the error of 4 is 2,200 ms older).
    assertThat(single(harness.extractOutputValues()).getMetrics())
        .containsOnlyKeys(
            "predictions", "windowSize", "mae", "rmse", "windowSize@time", "mae@time", "rmse@time")
        .containsEntry("predictions", 3.0)
        .containsEntry("mae", 1.5)
        .containsEntry("rmse", Math.sqrt(2.5))
        .containsEntry("mae@time", 1.5);
  }

  @Test
  void reportsHammingAndSubsetAccuracyAndPerClassLogLossForMultiLabel() throws Exception {
    var harness = openForKeysOf(ModelShape.multiLabel(2, 3));

    // Every class right; then only class 2 right (class 0 holds at 0.4, class 1 not at 0.7).
    harness.processElement(
        List.of(
            multiLabeled("a", 0, List.of(0.9f, 0.2f, 0.6f), List.of(2, 0), 0),
            multiLabeled("a", 1, List.of(0.4f, 0.7f, 0.1f), List.of(0), 10),
            multiLabeled("a", 2, List.of(0.4f, 0.7f, 0.1f), null, 20)),
        0);
    harness.setProcessingTime(INTERVAL);

    double first = -(Math.log(0.9f) + Math.log(1 - 0.2f) + Math.log(0.6f)) / 3;
    double second = -(Math.log(0.4f) + Math.log(1 - 0.7f) + Math.log(1 - 0.1f)) / 3;
    Map<String, Double> metrics = single(harness.extractOutputValues()).getMetrics();
    assertThat(metrics)
        .containsEntry("predictions", 2.0)
        .containsEntry("subsetAccuracy", 0.5)
        .containsEntry("subsetAccuracy@time", 0.5);
    assertThat(metrics.get("accuracy")).isCloseTo((1 + 1 / 3.0) / 2, within(1e-12));
    assertThat(metrics.get("logLoss")).isCloseTo((first + second) / 2, within(1e-7));
  }

  @Test
  void reportsMaeAndRmseOverEveryOutputOfARegressionWithSeveralOutputs() throws Exception {
    var harness = openForKeysOf(ModelShape.regression(2, 2));

    // Errors 1 and -2, then 0 and 0.
    harness.processElement(
        List.of(
            multiRegressed("a", 0, List.of(1f, 2f), List.of(0.0, 4.0), 0),
            multiRegressed("a", 1, List.of(3f, 3f), List.of(3.0, 3.0), 10)),
        0);
    harness.setProcessingTime(INTERVAL);

    assertThat(single(harness.extractOutputValues()).getMetrics())
        .containsEntry("predictions", 2.0)
        .containsEntry("mae", 0.75)
        .containsEntry("rmse", Math.sqrt(1.25));
  }

  @Test
  void leavesEachKeysDriftDetectionToTheTrainer() throws Exception {
    var harness =
        open(PrequentialEvaluator.forKeys(settings(100, DetectorType.PAGE_HINKLEY, true)));

    // Errors that make the job's detector fire (jobScopeEventsHaveNoKeyAndNoModelVersion).
    for (int n = 0; n < 400; n++) {
      harness.processElement(List.of(classified("a", n, 1, n < 200 ? 1 : 0, 0.5f, n)), 0);
    }
    harness.setProcessingTime(INTERVAL);

    assertThat(harness.extractOutputValues())
        .extracting(MetricsEvent::getKind)
        .containsExactly(MetricsEventKind.SNAPSHOT);
  }

  @Test
  void alertsTheJobsDriftAtThePositionWhereTheDetectorFires() throws Exception {
    var harness = openForJob(settings(100, DetectorType.PAGE_HINKLEY, true));
    // Right 200 times, then always wrong: the same errors make a detector of its own fire at
    // some position, and the evaluator must report exactly that one.
    PageHinkley reference = new PageHinkley();
    long expectedPosition = 0;
    for (int n = 0; n < 400; n++) {
      boolean right = n < 200;
      harness.processElement(
          List.of(classified("a", n, 1, right ? 1 : 0, right ? 0.8f : 0.3f, n)), 0);
      if (reference.add(right ? 0 : 1) && expectedPosition == 0) {
        expectedPosition = n + 1;
        assertThat(harness.extractOutputValues())
            .as("alert without waiting for a timer")
            .hasSize(1);
      }
    }

    assertThat(expectedPosition).isBetween(201L, 400L);
    MetricsEvent drift = harness.extractOutputValues().get(0);
    assertThat(drift.getKind()).isEqualTo(MetricsEventKind.DRIFT);
    assertThat(drift.getPosition()).isEqualTo(expectedPosition);
    assertThat(drift.getDetector()).isEqualTo("PAGE_HINKLEY");
    assertThat(drift.getReaction()).isEqualTo("ALERT");
    assertThat(drift.getMetrics())
        .containsEntry("samples", (double) expectedPosition)
        .containsEntry("threshold", PageHinkley.DEFAULT_THRESHOLD);
  }

  @Test
  void aRestoredEvaluatorReportsWhatTheOriginalWouldHave() throws Exception {
    EvaluationSettings settings = settings(50, 300, DetectorType.ADWIN, true);
    List<Prediction> stream = errorRateRisingAt(1_000, 2_000);
    // The job's evaluator: the one with a detector, whose state must restore too.
    var original = openForJob(settings);
    processAll(original, stream.subList(0, 1_000));
    OperatorSubtaskState checkpoint = original.snapshot(1, 1);
    original.getOutput().clear();

    var restored = unopened(PrequentialEvaluator.forJob(settings), prediction -> "job");
    restored.initializeState(checkpoint);
    restored.open();
    assertThat(restored.numProcessingTimeTimers()).as("the pending snapshot").isEqualTo(1);
    for (var harness : List.of(original, restored)) {
      processAll(harness, stream.subList(1_000, 2_000));
      harness.setProcessingTime(INTERVAL);
    }

    List<MetricsEvent> expected = original.extractOutputValues();
    assertThat(expected)
        .extracting(MetricsEvent::getKind)
        .as("drift alerts, then the snapshot")
        .contains(MetricsEventKind.DRIFT)
        .endsWith(MetricsEventKind.SNAPSHOT);
    assertThat(restored.extractOutputValues()).isEqualTo(expected);
  }

  @Test
  void aWindowRestoredUnderAnotherBoundStartsOver() throws Exception {
    var original = open(PrequentialEvaluator.forKeys(settings(3, DetectorType.NONE, true)));
    for (int n = 0; n < 3; n++) {
      original.processElement(List.of(classified("a", n, 1, 1, 0.9f, n)), 0);
    }
    OperatorSubtaskState checkpoint = original.snapshot(1, 1);

    var restored =
        unopened(
            PrequentialEvaluator.forKeys(settings(5, DetectorType.NONE, true)),
            batch -> batch.get(0).getKey());
    restored.initializeState(checkpoint);
    restored.open();
    restored.processElement(List.of(classified("a", 3, 1, 0, 0.4f, 3)), 0);
    restored.setProcessingTime(INTERVAL);

    assertThat(single(restored.extractOutputValues()).getMetrics())
        .containsEntry("predictions", 4.0)
        .containsEntry("windowSize", 1.0)
        .containsEntry("windowSize@time", 4.0);
  }

  @Test
  void reportsWhatIsUnreportedWhenTheInputEnds() throws Exception {
    var harness = open(PrequentialEvaluator.forKeys(CLASSIFICATION));
    harness.processElement(List.of(classified("a", 0, 1, 1, 0.9f, 0)), 0);

    harness.processWatermark(new Watermark(Long.MAX_VALUE));

    assertThat(single(harness.extractOutputValues()).getKind())
        .isEqualTo(MetricsEventKind.SNAPSHOT);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void jobScopeEventsHaveNoKeyAndNoModelVersion() throws Exception {
    var harness = openForJob(settings(100, DetectorType.PAGE_HINKLEY, true));

    for (int n = 0; n < 400; n++) {
      boolean right = n < 200;
      String key = n % 2 == 0 ? "a" : "b";
      harness.processElement(List.of(classified(key, n, 1, right ? 1 : 0, 0.5f, n)), 0);
    }
    harness.setProcessingTime(INTERVAL);

    List<MetricsEvent> events = harness.extractOutputValues();
    assertThat(events)
        .extracting(MetricsEvent::getKind)
        .containsExactly(MetricsEventKind.DRIFT, MetricsEventKind.SNAPSHOT);
    assertThat(events).allSatisfy(event -> assertThat(event.getKey()).isNull());
    assertThat(events).allSatisfy(event -> assertThat(event.getModelVersion()).isNull());
    assertThat(events.get(1).getMetrics()).containsEntry("predictions", 400.0);
  }

  /** Snapshots on the interval only. */
  private static EvaluationSettings settings(
      int countWindow, DetectorType detector, boolean classification) {
    return settings(countWindow, 0, detector, classification);
  }

  private static EvaluationSettings settings(
      int countWindow, int snapshotEvery, DetectorType detector, boolean classification) {
    return settings(
        countWindow,
        snapshotEvery,
        detector,
        classification ? ModelShape.classification(2, 3) : ModelShape.regression(2));
  }

  private static EvaluationSettings settings(
      int countWindow, int snapshotEvery, DetectorType detector, ModelShape shape) {
    return new EvaluationSettings(
        countWindow,
        Duration.ofMillis(1_000),
        Duration.ofMillis(INTERVAL),
        snapshotEvery,
        detector,
        shape);
  }

  /** The due time of the key's pending interval snapshot, null without one. */
  private static Long pendingSnapshot(
      KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent> harness,
      String key)
      throws Exception {
    return keyedState(harness, key, PrequentialEvaluator.snapshotTimerDescriptor()).value();
  }

  /** Labeled predictions of key a, wrong 10% of the time before {@code rise} and 40% after. */
  private static List<Prediction> errorRateRisingAt(int rise, int count) {
    Random random = new Random(5);
    List<Prediction> predictions = new ArrayList<>(count);
    for (int n = 0; n < count; n++) {
      int label = random.nextInt(2);
      boolean wrong = random.nextDouble() < (n < rise ? 0.1 : 0.4);
      int predicted = wrong ? 1 - label : label;
      predictions.add(classified("a", n, label, predicted, predicted == 1 ? 0.7f : 0.3f, n));
    }
    return predictions;
  }

  @Test
  void aBatchOfPredictionsReportsWhatTheSamePredictionsOneByOneReport() throws Exception {
    EvaluationSettings settings = settings(50, 300, DetectorType.ADWIN, true);
    List<Prediction> stream = errorRateRisingAt(1_000, 2_000);
    var oneByOne = openForJob(settings);
    var batched = openForJob(settings);

    processAll(oneByOne, stream);
    for (int from = 0; from < stream.size(); from += 64) {
      batched.processElement(stream.subList(from, Math.min(from + 64, stream.size())), 0);
    }
    oneByOne.setProcessingTime(INTERVAL);
    batched.setProcessingTime(INTERVAL);

    List<MetricsEvent> expected = oneByOne.extractOutputValues();
    assertThat(expected)
        .extracting(MetricsEvent::getKind)
        .contains(MetricsEventKind.DRIFT, MetricsEventKind.SNAPSHOT);
    assertThat(expected)
        .filteredOn(event -> event.getKind() == MetricsEventKind.SNAPSHOT)
        .extracting(MetricsEvent::getPosition)
        .as("every 300th, then the rest on the interval")
        .containsExactly(300L, 600L, 900L, 1_200L, 1_500L, 1_800L, 2_000L);
    assertThat(batched.extractOutputValues())
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("time")
        .containsExactlyElementsOf(expected);
  }

  private static void processAll(
      KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent> harness,
      List<Prediction> predictions)
      throws Exception {
    for (Prediction prediction : predictions) {
      harness.processElement(List.of(prediction), 0);
    }
  }

  private static MetricsEvent single(List<MetricsEvent> events) {
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  private KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent> open(
      PrequentialEvaluator evaluator) throws Exception {
    var harness = unopened(evaluator, batch -> batch.get(0).getKey());
    harness.open();
    return harness;
  }

  /** A key's evaluator of models of {@code shape}, with a count window of 10. */
  private KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent>
      openForKeysOf(ModelShape shape) throws Exception {
    return open(PrequentialEvaluator.forKeys(settings(10, 0, DetectorType.NONE, shape)));
  }

  /** The whole job's evaluator, on predictions keyed by one constant. */
  private KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent> openForJob(
      EvaluationSettings settings) throws Exception {
    var harness = unopened(PrequentialEvaluator.forJob(settings), prediction -> "job");
    harness.open();
    return harness;
  }

  private KeyedOneInputStreamOperatorTestHarness<String, List<Prediction>, MetricsEvent> unopened(
      PrequentialEvaluator evaluator, KeySelector<List<Prediction>, String> keys) throws Exception {
    var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(evaluator), keys, Types.STRING);
    harnesses.add(harness);
    return harness;
  }
}
