package io.streamlearn.operators;

import io.streamlearn.operators.drift.DetectorType;
import io.streamlearn.operators.drift.DriftDetector;
import io.streamlearn.operators.drift.DriftReaction;
import io.streamlearn.operators.evaluation.DetectorSerializers;
import io.streamlearn.operators.state.FadingSums;
import io.streamlearn.operators.state.KeyDriftState;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.operators.state.RecentBestModel;
import io.streamlearn.schemas.MetricsEvent;
import io.streamlearn.schemas.MetricsEventKind;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Drift detection on each key's prequential error, run in the trainer because that is where the
 * key's model lives: a reaction that changes the model cannot come from downstream (Flink 2 has no
 * iterations). The trainer hands every scored outcome to {@link #observe}; after scoring, before
 * training, {@link #react} answers a detection with the configured {@link DriftReaction} and
 * returns the drift event to publish.
 *
 * <p>Reactions that replace the model ({@link DriftReaction#RESET}, {@link DriftReaction#ROLLBACK})
 * make it a new version (versions only grow), start its fading metrics and the detector over (the
 * error stream of another model is a new stream), and keep {@code samplesSeen}; {@code steps}
 * becomes that of the new parameters, since the optimizer state that comes with them was built for
 * that step count. {@link DriftReaction#ROLLBACK} without a kept copy yet only alerts, and says so
 * in the event.
 *
 * <p>For ROLLBACK, after each batch is scored the model that scored it is kept as the key's best
 * recent model when its fading score (accuracy, or negated mean absolute error) beats the kept
 * one's, or when the kept one is more than {@code rollbackHorizon} versions old. Scores are only
 * compared once the fading estimate weighs half the metrics window, so that a young model's lucky
 * first batches are not kept. The copy is thus the best version since it was taken and never older
 * than the horizon: a "streaming early stopping" in the trainer's state, without a buffer of
 * versions.
 *
 * <p>All of it lives in keyed state under names of its own, so savepoints of earlier versions,
 * which have none of it, restore with fresh detectors.
 */
final class KeyDriftMonitor {

  /** A detection that {@link #react} has not answered yet: scoring a batch precedes training. */
  private record Detection(long position, Map<String, Double> statistics) {}

  /** A drift event and what was done: {@code reaction} may be weaker than the configured one. */
  record Reaction(MetricsEvent event, DriftReaction done) {}

  private final DriftSettings settings;
  private final boolean classification;
  private final KeyModel model;

  /** Fading weight from which a key's score is trusted: half the metrics window. */
  private final double trustedWeight;

  /** Null without a detector. */
  private ValueState<DriftDetector> detector;

  private ValueState<KeyDriftState> progress;

  /** Null unless the reaction is ROLLBACK: other reactions need no copies. */
  private ValueState<RecentBestModel> best;

  private Detection pending;

  KeyDriftMonitor(
      DriftSettings settings, boolean classification, KeyModel model, int metricsWindow) {
    this.settings = settings;
    this.classification = classification;
    this.model = model;
    this.trustedWeight = metricsWindow / 2.0;
  }

  /** Named after the type, as the evaluator's: the enum constants' names are state layout. */
  static ValueStateDescriptor<DriftDetector> detectorDescriptor(DetectorType type) {
    return new ValueStateDescriptor<>(
        "trainer-drift-detector-" + type.name().toLowerCase(Locale.ROOT),
        DetectorSerializers.of(type));
  }

  static ValueStateDescriptor<KeyDriftState> progressDescriptor() {
    return new ValueStateDescriptor<>(
        "trainer-drift-progress", new AvroTypeInfo<>(KeyDriftState.class));
  }

  static ValueStateDescriptor<RecentBestModel> bestDescriptor() {
    return new ValueStateDescriptor<>(
        "trainer-drift-best-recent-model", new AvroTypeInfo<>(RecentBestModel.class));
  }

  void open(RuntimeContext context) {
    if (settings.detector() == DetectorType.NONE) {
      return;
    }
    detector = context.getState(detectorDescriptor(settings.detector()));
    progress = context.getState(progressDescriptor());
    if (settings.reaction() == DriftReaction.ROLLBACK) {
      best = context.getState(bestDescriptor());
    }
  }

  /**
   * Takes the errors of labeled predictions of the current key, in the key's order: 0 or 1 for a
   * classification, the absolute error of a regression. Every scored outcome must come here. A
   * batch's errors come in one call, so that its state is read and written once per batch.
   */
  void observe(double... errors) throws IOException {
    if (detector == null || errors.length == 0) {
      return;
    }
    KeyDriftState keyProgress = progress();
    DriftDetector keyDetector = detector.value();
    if (keyDetector == null) {
      keyDetector = settings.detector().newDetector();
    }
    long position = keyProgress.getLabeledPredictions();
    for (double error : errors) {
      position++;
      boolean detected = keyDetector.add(error);
      // Several detections before one reaction are one change: the first says where it began.
      if (detected && pending == null) {
        pending = new Detection(position, keyDetector.statistics());
      }
    }
    keyProgress.setLabeledPredictions(position);
    progress.update(keyProgress);
    detector.update(keyDetector);
  }

  /**
   * Answers a detection that {@link #observe} made for the current key, if any, and otherwise
   * considers the loaded model for the rollback copy. Call it after the outcomes of the loaded
   * model were observed and before it trains again. When the reaction replaced the model, {@code
   * state} holds the new one and the model is loaded with it.
   *
   * @return the event to publish, or null without a detection
   */
  Reaction react(String key, KeyModelState state, long now) throws IOException {
    Detection detection = pending;
    pending = null;
    if (detection == null) {
      keepIfBest(state);
      return null;
    }
    Map<String, Double> statistics = new LinkedHashMap<>(detection.statistics());
    DriftReaction done =
        switch (settings.reaction()) {
          case ALERT -> DriftReaction.ALERT;
          case BOOST_LEARNING_RATE -> boost();
          case RESET -> reset(state, now);
          case ROLLBACK -> rollBack(state, statistics);
        };
    if (done.replacesModel()) {
      state.setVersion(state.getVersion() + 1);
      state.setMetrics(PrequentialMetrics.empty());
      model.load(state);
      DriftDetector keyDetector = detector.value();
      keyDetector.reset();
      detector.update(keyDetector);
    }
    MetricsEvent event =
        MetricsEvent.newBuilder()
            .setKind(MetricsEventKind.DRIFT)
            .setKey(key)
            .setPosition(detection.position())
            .setTime(Instant.ofEpochMilli(now))
            .setModelVersion(state.getVersion())
            .setMetrics(statistics)
            .setDetector(settings.detector().name())
            .setReaction(done.name())
            .build();
    return new Reaction(event, done);
  }

  /** The factor on the learning rate of the current key's next training step. */
  double learningRateFactor() throws IOException {
    return detector != null && progress().getBoostStepsLeft() > 0 ? settings.boostFactor() : 1.0;
  }

  /**
   * Counts a training step of the current key. A boosted step that diverged ends the boost: a rate
   * that blows the model up does not help it recover.
   */
  void stepTaken(boolean finite) throws IOException {
    if (detector == null) {
      return;
    }
    KeyDriftState keyProgress = progress();
    if (keyProgress.getBoostStepsLeft() > 0) {
      keyProgress.setBoostStepsLeft(finite ? keyProgress.getBoostStepsLeft() - 1 : 0);
      progress.update(keyProgress);
    }
  }

  private DriftReaction boost() throws IOException {
    KeyDriftState keyProgress = progress();
    keyProgress.setBoostStepsLeft(settings.boostSteps());
    progress.update(keyProgress);
    return DriftReaction.BOOST_LEARNING_RATE;
  }

  /** The initial model, as a new key gets it: weights, optimizer state and step count. */
  private DriftReaction reset(KeyModelState state, long now) {
    KeyModelState initial = model.newKeyState(now);
    state.setParameters(initial.getParameters());
    state.setUpdaterState(initial.getUpdaterState());
    state.setSteps(initial.getSteps());
    return DriftReaction.RESET;
  }

  private DriftReaction rollBack(KeyModelState state, Map<String, Double> statistics)
      throws IOException {
    RecentBestModel copy = best.value();
    if (copy == null) {
      return DriftReaction.ALERT;
    }
    state.setParameters(copy.getParameters());
    state.setUpdaterState(copy.getUpdaterState());
    state.setSteps(copy.getSteps());
    statistics.put("restoredVersion", (double) copy.getVersion());
    return DriftReaction.ROLLBACK;
  }

  private void keepIfBest(KeyModelState state) throws IOException {
    if (best == null || state.getMetrics().getWeight() < trustedWeight) {
      return;
    }
    double score = score(state.getMetrics());
    RecentBestModel kept = best.value();
    if (kept == null
        || score > kept.getScore()
        || state.getVersion() - kept.getVersion() > settings.rollbackHorizon()) {
      // The buffers are never changed in place (a step stores new ones), so sharing them is safe.
      best.update(
          new RecentBestModel(
              state.getVersion(),
              state.getSteps(),
              state.getParameters(),
              state.getUpdaterState(),
              score));
    }
  }

  private double score(FadingSums sums) {
    return classification
        ? sums.getCorrect() / sums.getWeight()
        : -sums.getAbsoluteError() / sums.getWeight();
  }

  private KeyDriftState progress() throws IOException {
    KeyDriftState keyProgress = progress.value();
    return keyProgress != null ? keyProgress : new KeyDriftState(0L, 0);
  }
}
