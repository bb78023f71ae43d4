package io.streamlearn.operators;

import static io.streamlearn.operators.Samples.keyedState;
import static io.streamlearn.operators.Samples.labelOf;
import static io.streamlearn.operators.Samples.sample;
import static io.streamlearn.operators.Samples.separable;
import static io.streamlearn.operators.Samples.unlabeled;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.operators.state.PendingLabel;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.Prediction;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

/** The trainer's join of unlabeled samples with labels that come later on the second input. */
class DelayedLabelsTest {

  private static final Duration TIME_TO_LIVE = Duration.ofSeconds(10);

  private TrainerHarness harness;

  @AfterEach
  void closeHarness() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void anUnlabeledSampleIsServedAndWaitsWithItsServedPrediction() throws Exception {
    open(64);
    harness.setProcessingTime(1_000);

    harness.processBatch(unlabeled(separable("a", 4, 1)));

    assertThat(harness.extractOutputValues())
        .hasSize(4)
        .allSatisfy(p -> assertThat(p.getLabel()).isNull());
    Map<String, PendingLabel> pending = pending("a");
    assertThat(pending).containsOnlyKeys("a-0", "a-1", "a-2", "a-3");
    for (Prediction served : harness.extractOutputValues()) {
      PendingLabel entry = pending.get(served.getSampleId());
      assertThat(entry.getLabel()).isNull();
      assertThat(entry.getSample().getScores()).isEqualTo(served.getScores());
      assertThat(entry.getSample().getModelVersion()).isZero();
      assertThat(entry.getExpiresAtMillis()).isEqualTo(11_000);
    }
    // One timer for the four entries, at the first expiry tick (an eighth of the TTL) after them.
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(model("a").getSamplesSeen()).isZero();
  }

  @Test
  void aLateLabelIsScoredAgainstTheServedPredictionAndTrainsWithTheNextBatch() throws Exception {
    open(64);
    List<LabeledSample> stream = separable("a", 40, 2);
    harness.processBatch(stream.subList(0, 8));
    List<LabeledSample> unlabeled = stream.subList(8, 12);
    harness.processBatch(unlabeled(unlabeled));
    List<Prediction> served = lastPredictions(4);
    harness.processBatch(stream.subList(12, 20));
    double weightBefore = model("a").getMetrics().getWeight();
    int published = harness.extractOutputValues().size();

    for (LabeledSample sample : unlabeled) {
      harness.processElement2(labelOf(sample), 0);
    }

    assertThat(harness.extractOutputValues()).as("no second prediction").hasSize(published);
    List<Prediction> joined = joined();
    assertThat(joined).hasSize(4);
    for (int i = 0; i < 4; i++) {
      assertThat(joined.get(i).getSampleId()).isEqualTo(served.get(i).getSampleId());
      assertThat(joined.get(i).getModelVersion()).as("the serving model").isEqualTo(1);
      assertThat(joined.get(i).getScores()).isEqualTo(served.get(i).getScores());
      assertThat(joined.get(i).getPredictionTime()).isEqualTo(served.get(i).getPredictionTime());
      assertThat(joined.get(i).getLabel()).isEqualTo(unlabeled.get(i).getLabel());
    }
    assertThat(model("a").getMetrics().getWeight()).isGreaterThan(weightBefore);
    assertThat(pending("a")).isEmpty();
    assertThat(model("a").getSamplesSeen()).as("joined, not trained yet").isEqualTo(16);

    harness.processBatch(stream.subList(20, 28));

    KeyModelState state = model("a");
    assertThat(state.getVersion()).isEqualTo(3);
    assertThat(state.getSamplesSeen()).isEqualTo(16 + 4 + 8);
    assertThat(trainer().labelJoin().joinedCount()).isEqualTo(4);
    assertThat(trainer().labelJoin().trainableCount()).isZero();
  }

  @Test
  void enoughJoinedSamplesTrainOnTheirOwnAndTheRestWhenTheInputEnds() throws Exception {
    open(3);
    List<LabeledSample> samples = unlabeled(separable("a", 5, 3));
    harness.processBatch(samples);

    for (LabeledSample sample : separable("a", 5, 3)) {
      harness.processElement2(labelOf(sample), 0);
    }
    assertThat(model("a").getVersion()).as("one step of three joined samples").isEqualTo(1);
    assertThat(model("a").getSamplesSeen()).isEqualTo(3);

    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

    assertThat(model("a").getVersion()).isEqualTo(2);
    assertThat(model("a").getSamplesSeen()).isEqualTo(5);
    assertThat(harness.getSideOutput(TrainerOutputs.CHECKPOINTS))
        .extracting(record -> record.getValue().getSamplesSeen())
        .containsExactly(5L);
  }

  @Test
  void joinedSamplesOfAKeyWithoutMoreSamplesTrainAfterTheMaxTrainingDelay() throws Exception {
    open(64, Duration.ofHours(1), Duration.ofSeconds(2));
    harness.setProcessingTime(1_000);
    List<LabeledSample> samples = separable("a", 3, 4);
    harness.processBatch(unlabeled(samples));

    harness.setProcessingTime(1_500);
    harness.processElement2(labelOf(samples.get(0)), 0);
    harness.setProcessingTime(2_000);
    harness.processElement2(labelOf(samples.get(1)), 0);

    assertThat(trainingDue("a")).as("the first joined sample sets the deadline").isEqualTo(3_500);
    assertThat(model("a").getVersion()).isZero();
    harness.setProcessingTime(3_499);
    assertThat(model("a").getVersion()).isZero();

    harness.setProcessingTime(3_500);

    assertThat(model("a").getVersion()).as("one step of the two joined samples").isEqualTo(1);
    assertThat(model("a").getSamplesSeen()).isEqualTo(2);
    assertThat(trainer().labelJoin().trainableCount()).isZero();
    assertThat(trainingDue("a")).isNull();
    assertThat(pending("a")).containsOnlyKeys("a-2");
  }

  @Test
  void withoutAMaxTrainingDelayJoinedSamplesWaitForTheNextBatch() throws Exception {
    open(64);
    harness.setProcessingTime(1_000);
    List<LabeledSample> samples = separable("a", 3, 4);
    harness.processBatch(unlabeled(samples));
    harness.processElement2(labelOf(samples.get(0)), 0);

    harness.setProcessingTime(1_000 + TIME_TO_LIVE.toMillis() / 2);

    assertThat(trainingDue("a")).isNull();
    assertThat(model("a").getVersion()).isZero();
    assertThat(trainer().labelJoin().trainableCount()).isEqualTo(1);
  }

  @Test
  void joinedSamplesTrainWhenTheInputEndsEvenAfterAPublicationInBetween() throws Exception {
    open(64, Duration.ofSeconds(1));
    harness.setProcessingTime(1_000);
    List<LabeledSample> stream = separable("a", 12, 5);
    harness.processBatch(stream.subList(0, 8));
    harness.processBatch(unlabeled(stream.subList(8, 12)));
    for (LabeledSample sample : stream.subList(8, 12)) {
      harness.processElement2(labelOf(sample), 0);
    }

    harness.setProcessingTime(2_000);
    assertThat(harness.getSideOutput(TrainerOutputs.CHECKPOINTS))
        .extracting(record -> record.getValue().getSamplesSeen())
        .containsExactly(8L);
    harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));

    assertThat(model("a").getSamplesSeen()).isEqualTo(12);
    assertThat(harness.getSideOutput(TrainerOutputs.CHECKPOINTS))
        .extracting(record -> record.getValue().getSamplesSeen())
        .containsExactly(8L, 12L);
  }

  @Test
  void aLabelThatComesFirstWaitsForItsSample() throws Exception {
    open(64);
    harness.setProcessingTime(1_000);
    LabeledSample sample = sample("a", 9, 1, 0.5f, 0.5f);

    harness.processElement2(labelOf(sample), 0);

    assertThat(pending("a").get("a-9").getLabel().getLabel()).isEqualTo(1);
    assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
    assertThat(harness.extractOutputValues()).isEmpty();

    harness.setProcessingTime(5_000);
    harness.processBatch(unlabeled(List.of(sample)));

    assertThat(harness.extractOutputValues())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getSampleId()).isEqualTo("a-9");
              assertThat(p.getLabel()).as("completed before it was predicted").isEqualTo(1);
              assertThat(p.getModelVersion()).isZero();
            });
    assertThat(joined()).as("its one prediction already has the label").isEmpty();
    assertThat(model("a").getSamplesSeen()).isEqualTo(1);
    assertThat(pending("a")).isEmpty();
  }

  @Test
  void expiredEntriesAreRemovedCountedAndUnmatchedLabelsDeadLettered() throws Exception {
    open(64);
    harness.setProcessingTime(1_000);
    harness.processBatch(unlabeled(separable("a", 2, 4)));
    SampleLabel orphan = labelOf(sample("a", 77, 0, 0f, 0f));
    harness.processElement2(orphan, 0);

    harness.setProcessingTime(10_999);
    assertThat(pending("a")).hasSize(3);

    harness.setProcessingTime(12_000);

    assertThat(pending("a")).isEmpty();
    assertThat(harness.numProcessingTimeTimers()).isZero();
    assertThat(trainer().labelJoin().expiredCount()).isEqualTo(2);
    assertThat(trainer().labelJoin().unmatchedCount()).isEqualTo(1);
    List<DeadLetter> deadLetters = new ArrayList<>();
    harness.getSideOutput(DeadLetters.TAG).forEach(record -> deadLetters.add(record.getValue()));
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            letter -> {
              assertThat(letter.getReason()).isEqualTo(DeadLetterReason.UNMATCHED_LABEL);
              assertThat(letter.getSampleId()).isEqualTo("a-77");
              assertThat(WireCodec.sampleLabels().decode(letter.getValue().array()))
                  .isEqualTo(orphan);
            });

    // A label after its sample expired does not join: it waits, and expires unmatched in turn.
    harness.processElement2(labelOf(separable("a", 1, 4).get(0)), 0);
    assertThat(joined()).isEmpty();
    harness.setProcessingTime(30_000);
    assertThat(trainer().labelJoin().unmatchedCount()).isEqualTo(2);
    assertThat(pending("a")).isEmpty();
    assertThat(model("a").getSamplesSeen()).isZero();
  }

  @Test
  void anEntryThatExpiredBeforeItsTickIsRetiredWhenTheOtherSideComes() throws Exception {
    open(64);
    harness.setProcessingTime(1_000);
    LabeledSample early = sample("a", 1, 1, 0.5f, 0.5f);
    LabeledSample late = sample("a", 2, 0, -0.5f, 0.5f);
    harness.processElement2(labelOf(early), 0);
    harness.processBatch(unlabeled(List.of(late)));

    // Both expired at 11,000; their tick (11,250) has not fired yet.
    harness.setProcessingTime(11_100);
    harness.processBatch(unlabeled(List.of(early)));
    harness.processElement2(labelOf(late), 0);

    assertThat(harness.extractOutputValues()).allSatisfy(p -> assertThat(p.getLabel()).isNull());
    assertThat(joined()).isEmpty();
    assertThat(trainer().labelJoin().unmatchedCount()).isEqualTo(1);
    assertThat(trainer().labelJoin().expiredCount()).isEqualTo(1);
    assertThat(harness.getSideOutput(DeadLetters.TAG))
        .extracting(record -> record.getValue().getSampleId())
        .containsExactly("a-1");
    // Each new side waits in turn.
    assertThat(pending("a")).containsOnlyKeys("a-1", "a-2");
    assertThat(pending("a").get("a-1").getSample()).isNotNull();
    assertThat(pending("a").get("a-2").getLabel()).isNotNull();
  }

  private void open(int trainingBatchSize) throws Exception {
    open(trainingBatchSize, Duration.ofHours(1));
  }

  private void open(int trainingBatchSize, Duration checkpointInterval) throws Exception {
    open(trainingBatchSize, checkpointInterval, Duration.ZERO);
  }

  private void open(int trainingBatchSize, Duration checkpointInterval, Duration maxTrainingDelay)
      throws Exception {
    harness =
        new TrainerHarness(
            new OnlineTrainer(
                new TrainerSettings.Builder(
                        TestModels.classifier(new Adam(0.05)).toJson(),
                        ModelShape.classification(2, 2),
                        100,
                        checkpointInterval,
                        200,
                        DriftSettings.alertOnly(DetectorType.ADWIN))
                    .delayedLabels(
                        new DelayedLabels(TIME_TO_LIVE, trainingBatchSize, maxTrainingDelay))
                    .build(),
                TrainerHarness.BATCH_PER_CALL));
    harness.open();
  }

  private OnlineTrainer trainer() {
    return (OnlineTrainer)
        ((org.apache.flink.streaming.api.operators.AbstractUdfStreamOperator<?, ?>)
                harness.getOperator())
            .getUserFunction();
  }

  private KeyModelState model(String key) throws Exception {
    return keyedState(harness, key, KeyStep.modelDescriptor()).value();
  }

  private Long trainingDue(String key) throws Exception {
    return keyedState(harness, key, LabelJoin.trainingDueDescriptor()).value();
  }

  private Map<String, PendingLabel> pending(String key) throws Exception {
    MapState<String, PendingLabel> state = keyedState(harness, key, LabelJoin.pendingDescriptor());
    Map<String, PendingLabel> entries = new HashMap<>();
    for (Map.Entry<String, PendingLabel> entry : state.entries()) {
      entries.put(entry.getKey(), entry.getValue());
    }
    return entries;
  }

  /** Scored outcomes of samples that were served unlabeled: those a delayed label completed. */
  private List<Prediction> joined() {
    Set<String> servedUnlabeled =
        harness.extractOutputValues().stream()
            .filter(p -> p.getLabel() == null)
            .map(Prediction::getSampleId)
            .collect(Collectors.toSet());
    var records = harness.getSideOutput(TrainerOutputs.SCORED);
    return records == null
        ? List.of()
        : records.stream()
            .flatMap(record -> record.getValue().stream())
            .filter(p -> servedUnlabeled.contains(p.getSampleId()))
            .toList();
  }

  private List<Prediction> lastPredictions(int count) {
    List<Prediction> all = harness.extractOutputValues();
    return all.subList(all.size() - count, all.size());
  }
}
