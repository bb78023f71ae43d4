package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.separable;
import static io.streamlearn.operators.Samples.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.learning.config.Adam;

/** The trainer predicts each sample as it arrives and trains on the batch it cuts, as before. */
class OpenBatchTest {

  private static final String MODEL = TestModels.classifier(new Adam(0.05)).toJson();
  private static final int BATCH = 4;

  @RegisterExtension final TrainerHarnesses trainers = new TrainerHarnesses();

  @Test
  void predictsASampleOnArrivalWithTheModelItsBatchWillTrain() throws Exception {
    var harness = perKey(new Batching(BATCH, Duration.ofSeconds(10), Duration.ZERO));
    harness.setProcessingTime(1_000);
    List<LabeledSample> first = separable("a", BATCH, 1);

    harness.processElement1(first.get(0), 0);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getSampleId()).isEqualTo("a-0");
              assertThat(p.getModelVersion()).isZero();
              assertThat(p.getPredictionTime().toEpochMilli()).isEqualTo(1_000);
            });
    assertThat(bufferOf(harness, "a")).containsExactly(first.get(0));
    assertThat(keyedState(harness, "a", OpenBatch.countDescriptor()).value()).isEqualTo(1);
    assertThat(keyedState(harness, "a", OpenBatch.scoredCountDescriptor()).value()).isEqualTo(1);
    assertThat(keyedState(harness, "a", OpenBatch.predictionsDescriptor()).get())
        .containsExactlyElementsOf(harness.extractOutputValues());
    assertThat(keyedState(harness, "a", OpenBatch.timerDescriptor()).value()).isEqualTo(11_000);
    // The batch's deadline, and the end of input that would cut it.
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    assertThat(harness.checkpoints()).isEmpty();
  }

  @Test
  void aNewKeysModelStateIsWrittenByItsFirstStepOrRightBeforeTheNextBarrier() throws Exception {
    var harness = perKey(new Batching(BATCH, Duration.ofSeconds(10), Duration.ZERO));
    harness.setProcessingTime(1_000);

    for (LabeledSample sample : separable("a", BATCH, 1)) {
      harness.processElement1(sample, 0);
    }
    harness.processElement1(separable("b", 1, 2).get(0), 0);

    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getVersion())
        .as("created and stepped: written by the step")
        .isEqualTo(1);
    assertThat(keyedState(harness, "b", KeyStep.modelDescriptor()).value())
        .as("created by its first prediction alone")
        .isNull();
    harness.snapshot(1, 1);
    var created = keyedState(harness, "b", KeyStep.modelDescriptor()).value();
    assertThat(created.getVersion()).isZero();
    assertThat(created.getPublishedAtMillis()).as("the creation's time").isEqualTo(1_000);
  }

  @Test
  void aKeyCreatedBeforeACheckpointGoesOnWithItsModelAfterARestore() throws Exception {
    Batching batching = new Batching(BATCH, Duration.ofSeconds(10), Duration.ZERO);
    var uninterrupted = perKey(batching);
    var first = perKey(batching);
    List<LabeledSample> stream = separable("a", BATCH, 9);
    uninterrupted.setProcessingTime(1_000);
    first.setProcessingTime(1_000);
    first.processElement1(stream.get(0), 0);
    var snapshot = first.snapshot(1, 1);

    var restored = restoredPerKey(batching, snapshot);
    restored.setProcessingTime(5_000);
    var created = keyedState(restored, "a", KeyStep.modelDescriptor()).value();
    assertThat(created.getPublishedAtMillis()).as("created before the checkpoint").isEqualTo(1_000);
    for (LabeledSample sample : stream.subList(1, BATCH)) {
      restored.processElement1(sample, 0);
    }
    for (LabeledSample sample : stream) {
      uninterrupted.processElement1(sample, 0);
    }

    var trained = keyedState(restored, "a", KeyStep.modelDescriptor()).value();
    assertThat(trained.getVersion()).isEqualTo(1);
    assertThat(trained.getParameters())
        .isEqualTo(
            keyedState(uninterrupted, "a", KeyStep.modelDescriptor()).value().getParameters());
    assertThat(restored.extractOutputValues())
        .extracting(Prediction::getScores)
        .containsExactlyElementsOf(
            uninterrupted.extractOutputValues().subList(1, BATCH).stream()
                .map(Prediction::getScores)
                .toList());
  }

  @Test
  void newKeysPastTheBudgetForUnwrittenStatesAreWrittenAtOnce() throws Exception {
    // About 40 MB of parameters and Adam state per key: the second key's would pass 64 MB.
    String large = TestModels.classifier(new Adam(0.05), 700_000).toJson();
    var harness =
        trainers.open(
            new TrainerHarness(
                new OnlineTrainer(
                    settings(large), new Batching(BATCH, Duration.ofSeconds(10), Duration.ZERO))));

    harness.processElement1(separable("a", 1, 1).get(0), 0);
    harness.processElement1(separable("b", 1, 2).get(0), 0);

    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value()).isNull();
    assertThat(keyedState(harness, "b", KeyStep.modelDescriptor()).value()).isNotNull();
    // Not a snapshot: the harness's memory-backed checkpoint storage takes 5 MB at most.
    harness.prepareSnapshotPreBarrier(1);
    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value()).isNotNull();
  }

  @Test
  void aFullBatchTrainsAfterEachOfItsSamplesWasPredictedByThePreStepModel() throws Exception {
    var harness = perKey(new Batching(BATCH, Duration.ofSeconds(10), Duration.ZERO));
    List<LabeledSample> stream = separable("a", 2 * BATCH, 2);

    for (LabeledSample sample : stream.subList(0, BATCH)) {
      harness.processElement1(sample, 0);
    }
    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getVersion())
        .isEqualTo(1);
    assertThat(bufferOf(harness, "a")).isEmpty();
    assertThat(keyedState(harness, "a", OpenBatch.countDescriptor()).value()).isNull();
    assertThat(keyedState(harness, "a", OpenBatch.scoredCountDescriptor()).value()).isNull();
    assertThat(keyedState(harness, "a", OpenBatch.timerDescriptor()).value()).isNull();
    assertThat(harness.numEventTimeTimers()).as("the trainer's own end of input").isEqualTo(1);

    harness.processElement1(stream.get(BATCH), 0);

    assertThat(harness.extractOutputValues())
        .extracting(Prediction::getModelVersion)
        .containsExactly(0L, 0L, 0L, 0L, 1L);
  }

  @Test
  void aBatchCutByItsDeadlineTrainsItsOwnKeysModel() throws Exception {
    Batching batching = new Batching(BATCH, Duration.ofSeconds(10), Duration.ZERO);
    var shared = perKey(batching);
    var alone = perKey(batching);
    List<LabeledSample> a = separable("a", 2, 3);
    List<LabeledSample> b = separable("b", BATCH + 1, 4);
    shared.setProcessingTime(1_000);
    alone.setProcessingTime(1_000);

    // Key b trains a batch, so its model differs from a new key's, and is the last one predicted.
    for (LabeledSample sample : b.subList(0, BATCH)) {
      shared.processElement1(sample, 0);
    }
    for (LabeledSample sample : a) {
      shared.processElement1(sample, 0);
      alone.processElement1(sample, 0);
    }
    shared.setProcessingTime(1_500);
    shared.processElement1(b.get(BATCH), 0);
    // Key a's deadline cuts its batch; b's comes later.
    shared.setProcessingTime(11_000);
    alone.setProcessingTime(11_000);

    var trained = keyedState(shared, "a", KeyStep.modelDescriptor()).value();
    assertThat(trained.getVersion()).isEqualTo(1);
    assertThat(trained.getParameters())
        .isEqualTo(keyedState(alone, "a", KeyStep.modelDescriptor()).value().getParameters());
  }

  @Test
  void predictsAsTheBatchedPathDid() throws Exception {
    var arriving = perKey(new Batching(BATCH, Duration.ZERO, Duration.ZERO));
    var batched = trainers.open(settings());
    List<LabeledSample> stream = separable("a", 10 * BATCH, 3);

    for (int start = 0; start < stream.size(); start += BATCH) {
      for (LabeledSample sample : stream.subList(start, start + BATCH)) {
        arriving.processElement1(sample, 0);
      }
      batched.processBatch(stream.subList(start, start + BATCH));
    }

    List<Prediction> expected = batched.extractOutputValues();
    assertThat(arriving.extractOutputValues())
        .extracting(Prediction::getSampleId, Prediction::getModelVersion, Prediction::getScores)
        .containsExactlyElementsOf(
            expected.stream()
                .map(
                    p ->
                        org.assertj.core.groups.Tuple.tuple(
                            p.getSampleId(), p.getModelVersion(), p.getScores()))
                .toList());
  }

  @Test
  void samplesThatArriveWithinThePredictionDelayArePredictedTogether() throws Exception {
    var harness = perKey(new Batching(BATCH, Duration.ZERO, Duration.ofMillis(5)));
    harness.setProcessingTime(100);
    List<LabeledSample> stream = separable("a", BATCH, 4);

    harness.processElement1(stream.get(0), 0);
    harness.processElement1(stream.get(1), 0);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(keyedState(harness, "a", OpenBatch.countDescriptor()).value()).isEqualTo(2);
    assertThat(keyedState(harness, "a", OpenBatch.scoredCountDescriptor()).value()).isNull();
    assertThat(keyedState(harness, "a", OpenBatch.predictTimerDescriptor()).value()).isEqualTo(105);

    harness.setProcessingTime(105);

    assertThat(harness.extractOutputValues())
        .extracting(Prediction::getSampleId)
        .containsExactly("a-0", "a-1");
    assertThat(keyedState(harness, "a", OpenBatch.scoredCountDescriptor()).value()).isEqualTo(2);
    assertThat(keyedState(harness, "a", OpenBatch.predictTimerDescriptor()).value()).isNull();

    // The cut predicts what is unpredicted before it trains, without waiting.
    harness.processElement1(stream.get(2), 0);
    harness.processElement1(stream.get(3), 0);

    assertThat(harness.extractOutputValues())
        .extracting(Prediction::getSampleId, Prediction::getModelVersion)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a-0", 0L),
            org.assertj.core.groups.Tuple.tuple("a-1", 0L),
            org.assertj.core.groups.Tuple.tuple("a-2", 0L),
            org.assertj.core.groups.Tuple.tuple("a-3", 0L));
    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getVersion())
        .isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isZero();
  }

  @Test
  void unscoredSamplesAreInTheSnapshotAndPredictedAfterTheRestore() throws Exception {
    Batching batching = new Batching(BATCH, Duration.ZERO, Duration.ofMillis(5));
    var first = perKey(batching);
    List<LabeledSample> stream = separable("a", BATCH, 5);
    first.processElement1(stream.get(0), 0);
    var snapshot = first.snapshot(1, 1);

    var restored = restoredPerKey(batching, snapshot);
    restored.setProcessingTime(10);

    assertThat(restored.extractOutputValues())
        .singleElement()
        .satisfies(p -> assertThat(p.getSampleId()).isEqualTo("a-0"));
    assertThat(keyedState(restored, "a", OpenBatch.scoredCountDescriptor()).value()).isEqualTo(1);
  }

  @Test
  void theLastOpenBatchTrainsAndIsPublishedAtTheEndOfInput() throws Exception {
    var harness = perKey(new Batching(BATCH, Duration.ZERO, Duration.ZERO));
    List<LabeledSample> stream = separable("a", BATCH + 2, 6);

    for (LabeledSample sample : stream) {
      harness.processElement1(sample, 0);
    }
    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getSamplesSeen())
        .isEqualTo(BATCH + 2);
    assertThat(harness.checkpoints())
        .singleElement()
        .satisfies(checkpoint -> assertThat(checkpoint.getVersion()).isEqualTo(2));
  }

  @Test
  void theFusedTrainersLastOpenBatchesTrainTogetherAndArePublishedAtTheEndOfInput()
      throws Exception {
    var harness = fused(10);
    for (LabeledSample sample : separable("a", 2, 10)) {
      harness.processElement1(sample, 0);
    }
    for (LabeledSample sample : separable("b", 3, 11)) {
      harness.processElement1(sample, 0);
    }

    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

    assertThat(keyedState(harness, "a", KeyStep.modelDescriptor()).value().getSamplesSeen())
        .isEqualTo(2);
    assertThat(keyedState(harness, "b", KeyStep.modelDescriptor()).value().getSamplesSeen())
        .isEqualTo(3);
    assertThat(harness.checkpoints())
        .extracting(checkpoint -> checkpoint.getKey() + ":" + checkpoint.getVersion())
        .containsExactlyInAnyOrder("a:1", "b:1");
  }

  @Test
  void theFusedTrainerPredictsOnArrivalAndFusesTheCutBatches() throws Exception {
    var harness = fused(2);
    List<LabeledSample> a = separable("a", BATCH + 1, 7);
    List<LabeledSample> b = separable("b", BATCH, 8);

    for (LabeledSample sample : a.subList(0, BATCH)) {
      harness.processElement1(sample, 0);
    }
    harness.processElement1(b.get(0), 0);

    assertThat(harness.extractOutputValues()).hasSize(BATCH + 1);
    FusedTrainer trainer = (FusedTrainer) harness.getOperator();
    assertThat(trainer.waitingKeys()).containsExactly("a");

    // Its next sample is predicted by the model its batch trained: the waiting keys step first.
    harness.processElement1(a.get(BATCH), 0);

    assertThat(trainer.waitingKeys()).isEmpty();
    assertThat(harness.extractOutputValues().get(BATCH + 1).getModelVersion()).isEqualTo(1);
  }

  @Test
  void aLabelThatCameFirstCompletesItsSampleOnArrival() throws Exception {
    var harness = perKey(new Batching(BATCH, Duration.ZERO, Duration.ZERO));
    LabeledSample sample = separable("a", 1, 9).get(0);
    harness.processElement2(Samples.labelOf(sample), 0);

    harness.processElement1(unlabeled(List.of(sample)).get(0), 0);

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(p -> assertThat(p.getLabel()).isEqualTo(sample.getLabel()));
    assertThat(bufferOf(harness, "a")).containsExactly(sample);
  }

  /** A fused trainer that cuts batches by count and steps when {@code fuseKeys} keys wait. */
  private TrainerHarness fused(int fuseKeys) throws Exception {
    return trainers.open(
        new TrainerHarness(
            new FusedTrainer(
                settings(),
                new Batching(BATCH, Duration.ZERO, Duration.ZERO),
                fuseKeys,
                Duration.ZERO)));
  }

  private TrainerHarness perKey(Batching batching) throws Exception {
    return trainers.open(new TrainerHarness(new OnlineTrainer(settings(), batching)));
  }

  private TrainerHarness restoredPerKey(Batching batching, OperatorSubtaskState snapshot)
      throws Exception {
    var restored = new TrainerHarness(new OnlineTrainer(settings(), batching));
    restored.setup();
    restored.initializeState(snapshot);
    return trainers.open(restored);
  }

  private static List<LabeledSample> bufferOf(TrainerHarness harness, String key) throws Exception {
    Iterable<LabeledSample> buffer = keyedState(harness, key, OpenBatch.bufferDescriptor()).get();
    return buffer == null ? List.of() : (List<LabeledSample>) toList(buffer);
  }

  private static List<LabeledSample> toList(Iterable<LabeledSample> samples) {
    List<LabeledSample> list = new java.util.ArrayList<>();
    samples.forEach(list::add);
    return list;
  }

  private static TrainerSettings settings() {
    return settings(MODEL);
  }

  private static TrainerSettings settings(String model) {
    return new TrainerSettings.Builder(
            model,
            ModelShape.classification(2, 2),
            100,
            Duration.ZERO,
            100,
            DriftSettings.alertOnly(DetectorType.ADWIN))
        .build();
  }
}
