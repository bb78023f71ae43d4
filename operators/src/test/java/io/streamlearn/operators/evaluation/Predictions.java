package io.streamlearn.operators.evaluation;

import io.streamlearn.schemas.Prediction;
import java.time.Instant;
import java.util.List;

/** Test-then-train predictions as the trainer emits them; the n-th was made by model version n. */
final class Predictions {

  private Predictions() {}

  /** A binary classification with {@code positive} as the probability of class 1. */
  static Prediction classified(
      String key, int n, Integer label, int predicted, float positive, long predictionTime) {
    return base(key, n, predictionTime)
        .setScores(List.of(1 - positive, positive))
        .setPredictedLabel(predicted)
        .setLabel(label)
        .build();
  }

  static Prediction regressed(
      String key, int n, float predicted, Double target, long predictionTime) {
    return base(key, n, predictionTime).setScores(List.of(predicted)).setTarget(target).build();
  }

  /** A multi-label prediction of per-class probabilities {@code scores}, labeled or not. */
  static Prediction multiLabeled(
      String key, int n, List<Float> scores, List<Integer> labels, long predictionTime) {
    return base(key, n, predictionTime).setScores(scores).setLabels(labels).build();
  }

  /** A regression of several outputs, with its targets or without. */
  static Prediction multiRegressed(
      String key, int n, List<Float> scores, List<Double> targets, long predictionTime) {
    return base(key, n, predictionTime).setScores(scores).setTargets(targets).build();
  }

  private static Prediction.Builder base(String key, int n, long predictionTime) {
    return Prediction.newBuilder()
        .setSampleId(key + "-" + n)
        .setKey(key)
        .setModelVersion(n)
        .setEventTime(Instant.ofEpochMilli(predictionTime))
        .setPredictionTime(Instant.ofEpochMilli(predictionTime));
  }
}
