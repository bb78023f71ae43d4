package io.streamlearn.operators;

import io.streamlearn.operators.state.PendingLabel;
import io.streamlearn.operators.state.ServedSample;
import io.streamlearn.operators.state.WaitingLabel;
import io.streamlearn.schemas.DeadLetter;
import io.streamlearn.schemas.DeadLetterReason;
import io.streamlearn.schemas.LabeledSample;
import io.streamlearn.schemas.SampleLabel;
import io.streamlearn.schemas.WireCodec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;

/**
 * The trainer's join of unlabeled samples with labels that arrive later on their own, in the key's
 * state: whichever of a sample and its label comes first waits, under the sample id, until the
 * other comes or the time-to-live (processing time) has passed.
 *
 * <p>When they meet, the served prediction completed with the label is scored (the trainer sends it
 * to the evaluator; the predictions topic already has it), and the completed sample waits in a
 * queue for its training step. Expired entries are removed by processing-time timers coalesced to
 * ticks of an eighth of the time-to-live, so a key holds a handful of timers, not one per sample; a
 * sample whose label never came counts as {@code labelsExpired}, a label whose sample never came
 * (or had expired) as {@code labelsUnmatched} and goes to the dead letters as {@code
 * UNMATCHED_LABEL}.
 */
public final class LabelJoin {

  /**
   * Fires with the final watermark, just before the trainer's own end-of-input timer: the joined
   * samples still waiting train then. A timer of its own, because publishing a checkpoint deletes
   * the trainer's.
   */
  private static final long BEFORE_END_OF_INPUT = Long.MAX_VALUE - 1;

  private final ModelShape shape;
  private final long timeToLiveMillis;
  private final long tickMillis;
  private final long maxTrainingDelayMillis;
  private final MapState<String, PendingLabel> pending;
  private final ListState<LabeledSample> trainable;
  private final ValueState<Integer> trainableCount;
  private final ValueState<Long> trainingDue;
  private final Counter joined;
  private final Counter expired;
  private final Counter unmatched;
  private final DeadLetters deadLetters;
  private final WireCodec<SampleLabel> labelCodec = WireCodec.sampleLabels();

  /** A served sample that met its label: the completed sample and what was served for it. */
  record Joined(LabeledSample sample, float[] scores, long modelVersion, long predictionTime) {}

  /**
   * Creates the join's state and counters; call in the trainer's {@code open}. Unmatched labels are
   * made and counted by the trainer's {@code deadLetters}.
   */
  LabelJoin(
      RuntimeContext context, ModelShape shape, DelayedLabels settings, DeadLetters deadLetters) {
    this.shape = shape;
    this.deadLetters = deadLetters;
    this.timeToLiveMillis = settings.timeToLive().toMillis();
    this.tickMillis = Math.max(1, timeToLiveMillis / 8);
    this.maxTrainingDelayMillis = settings.maxTrainingDelay().toMillis();
    this.pending = context.getMapState(pendingDescriptor());
    this.trainable = context.getListState(trainableDescriptor());
    this.trainableCount = context.getState(trainableCountDescriptor());
    this.trainingDue = context.getState(trainingDueDescriptor());
    this.joined = context.getMetricGroup().counter("labelsJoined");
    this.expired = context.getMetricGroup().counter("labelsExpired");
    this.unmatched = context.getMetricGroup().counter("labelsUnmatched");
  }

  static MapStateDescriptor<String, PendingLabel> pendingDescriptor() {
    return new MapStateDescriptor<>(
        "label-join-pending", Types.STRING, new AvroTypeInfo<>(PendingLabel.class));
  }

  static ListStateDescriptor<LabeledSample> trainableDescriptor() {
    return new ListStateDescriptor<>(
        "label-join-trainable", new AvroTypeInfo<>(LabeledSample.class));
  }

  static ValueStateDescriptor<Integer> trainableCountDescriptor() {
    return new ValueStateDescriptor<>("label-join-trainable-count", Types.INT);
  }

  static ValueStateDescriptor<Long> trainingDueDescriptor() {
    return new ValueStateDescriptor<>("label-join-training-due", Types.LONG);
  }

  /**
   * The batch with each unlabeled sample whose label arrived first completed by it: such a sample
   * is predicted, scored and trained like one that came labeled. A label that expired before its
   * sample came, and whose tick has not come yet, is retired now rather than overwritten.
   */
  List<LabeledSample> withWaitingLabels(
      List<LabeledSample> batch, long now, Consumer<DeadLetter> deadLetters) throws Exception {
    // Only an unlabeled sample can meet a waiting label: labeled ones do not read the join's state.
    if (allLabeled(batch) || pending.isEmpty()) {
      return batch;
    }
    List<LabeledSample> completed = null;
    for (int row = 0; row < batch.size(); row++) {
      LabeledSample sample = batch.get(row);
      PendingLabel entry = shape.isLabeled(sample) ? null : pending.get(sample.getId());
      if (entry == null || entry.getLabel() == null) {
        continue;
      }
      if (entry.getExpiresAtMillis() <= now) {
        retire(sample.getId(), entry, sample.getKey(), now, deadLetters);
        continue;
      }
      pending.remove(sample.getId());
      joined.inc();
      if (completed == null) {
        completed = new ArrayList<>(batch);
      }
      completed.set(
          row,
          LabeledSample.newBuilder(sample)
              .setLabel(entry.getLabel().getLabel())
              .setTarget(entry.getLabel().getTarget())
              .setLabels(entry.getLabel().getLabels())
              .setTargets(entry.getLabel().getTargets())
              .build());
    }
    return completed == null ? batch : completed;
  }

  private boolean allLabeled(List<LabeledSample> samples) {
    for (LabeledSample sample : samples) {
      if (!shape.isLabeled(sample)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Keeps an unlabeled sample, with its features as its model saw them, and the prediction served
   * for it at {@code now} until its label comes.
   */
  void awaitLabel(
      LabeledSample sample,
      List<Float> featuresAsPredicted,
      float[] scores,
      long modelVersion,
      TimerService timers,
      long now)
      throws Exception {
    ServedSample served =
        ServedSample.newBuilder()
            .setFeatures(featuresAsPredicted)
            .setEventTime(sample.getEventTime().toEpochMilli())
            .setScores(Floats.boxed(scores))
            .setModelVersion(modelVersion)
            .setPredictionTime(now)
            .build();
    put(sample.getId(), PendingLabel.newBuilder().setSample(served), timers, now);
  }

  /**
   * Joins the label with its served sample when that waits: the sample is then queued for training
   * and returned, to be scored. Otherwise the label waits for its sample.
   */
  Joined onLabel(SampleLabel label, TimerService timers, long now, Consumer<DeadLetter> deadLetters)
      throws Exception {
    PendingLabel entry = pending.get(label.getSampleId());
    if (entry != null && entry.getSample() != null && entry.getExpiresAtMillis() > now) {
      pending.remove(label.getSampleId());
      joined.inc();
      ServedSample served = entry.getSample();
      LabeledSample sample =
          LabeledSample.newBuilder()
              .setId(label.getSampleId())
              .setKey(label.getKey())
              .setFeatures(served.getFeatures())
              .setLabel(label.getLabel())
              .setTarget(label.getTarget())
              .setLabels(label.getLabels())
              .setTargets(label.getTargets())
              .setEventTime(Instant.ofEpochMilli(served.getEventTime()))
              .build();
      trainable.add(sample);
      int waiting = trainableCount() + 1;
      trainableCount.update(waiting);
      timers.registerEventTimeTimer(BEFORE_END_OF_INPUT);
      if (waiting == 1 && maxTrainingDelayMillis > 0) {
        long due = now + maxTrainingDelayMillis;
        timers.registerProcessingTimeTimer(due);
        trainingDue.update(due);
      }
      return new Joined(
          sample,
          Floats.unboxed(served.getScores()),
          served.getModelVersion(),
          served.getPredictionTime());
    }
    if (entry != null && entry.getSample() != null) {
      // Its sample expired before the label came, and its tick has not removed it yet.
      retire(label.getSampleId(), entry, label.getKey(), now, deadLetters);
    }
    // A label that comes again before its sample replaces the earlier one, like a correction.
    WaitingLabel waiting =
        WaitingLabel.newBuilder()
            .setLabel(label.getLabel())
            .setTarget(label.getTarget())
            .setLabels(label.getLabels())
            .setTargets(label.getTargets())
            .setLabelTime(label.getLabelTime().toEpochMilli())
            .build();
    put(label.getSampleId(), PendingLabel.newBuilder().setLabel(waiting), timers, now);
    return null;
  }

  /** Samples joined with their delayed label so far, on this subtask. */
  long joinedCount() {
    return joined.getCount();
  }

  /** Samples whose label never came within the time-to-live, on this subtask. */
  long expiredCount() {
    return expired.getCount();
  }

  /** Labels whose sample never came (or had expired), on this subtask. */
  long unmatchedCount() {
    return unmatched.getCount();
  }

  /** How many joined samples wait for their training step. */
  int trainableCount() throws Exception {
    Integer count = trainableCount.value();
    return count == null ? 0 : count;
  }

  /** The joined samples waiting for a training step, which the caller now takes. */
  List<LabeledSample> drainTrainable() throws Exception {
    int waiting = trainableCount();
    if (waiting == 0) {
      return List.of();
    }
    List<LabeledSample> samples = new ArrayList<>(waiting);
    trainable.get().forEach(samples::add);
    trainable.clear();
    trainableCount.clear();
    // A training timer still registered finds nothing due and does nothing.
    trainingDue.clear();
    return samples;
  }

  /** Whether the joined samples waiting have waited their longest by {@code timestamp}. */
  boolean trainingDue(long timestamp) throws Exception {
    Long due = trainingDue.value();
    return due != null && timestamp >= due;
  }

  /**
   * Removes the key's entries that expired by {@code timestamp}; unmatched labels go to {@code
   * deadLetters}. A no-op for timers that are not the join's ticks.
   */
  void expire(long timestamp, String key, Consumer<DeadLetter> deadLetters) throws Exception {
    if (timestamp % tickMillis != 0) {
      return;
    }
    List<String> expiredIds = new ArrayList<>();
    for (Map.Entry<String, PendingLabel> entry : pending.entries()) {
      if (entry.getValue().getExpiresAtMillis() <= timestamp) {
        expiredIds.add(entry.getKey());
      }
    }
    for (String sampleId : expiredIds) {
      retire(sampleId, pending.get(sampleId), key, timestamp, deadLetters);
    }
  }

  /** Removes an expired entry: counted, and dead-lettered when it is a label. */
  private void retire(
      String sampleId, PendingLabel entry, String key, long now, Consumer<DeadLetter> deadLetters)
      throws Exception {
    pending.remove(sampleId);
    if (entry.getLabel() == null) {
      expired.inc();
    } else {
      unmatched.inc();
      deadLetters.accept(unmatchedLabel(sampleId, key, entry.getLabel(), now));
    }
  }

  private void put(String sampleId, PendingLabel.Builder entry, TimerService timers, long now)
      throws Exception {
    long expiresAt = now + timeToLiveMillis;
    pending.put(sampleId, entry.setExpiresAtMillis(expiresAt).build());
    // Rounded up to the next tick: entries arriving within one tick share their timer.
    timers.registerProcessingTimeTimer((expiresAt / tickMillis + 1) * tickMillis);
  }

  private DeadLetter unmatchedLabel(String sampleId, String key, WaitingLabel waiting, long now) {
    SampleLabel label =
        SampleLabel.newBuilder()
            .setSampleId(sampleId)
            .setKey(key)
            .setLabel(waiting.getLabel())
            .setTarget(waiting.getTarget())
            .setLabels(waiting.getLabels())
            .setTargets(waiting.getTargets())
            .setLabelTime(Instant.ofEpochMilli(waiting.getLabelTime()))
            .build();
    Rejection rejection =
        new Rejection(
            DeadLetterReason.UNMATCHED_LABEL,
            "no unlabeled sample "
                + sampleId
                + " of key "
                + key
                + " was waiting within "
                + timeToLiveMillis
                + " ms of the label");
    return deadLetters.of(labelCodec.encode(label), key, sampleId, rejection, now);
  }
}
