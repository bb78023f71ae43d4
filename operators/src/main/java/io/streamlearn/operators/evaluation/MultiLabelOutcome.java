package io.streamlearn.operators.evaluation;

import java.util.ArrayList;
import java.util.List;

/**
 * How a multi-label prediction fared: a class is predicted to hold when its probability is at least
 * 0.5.
 *
 * @param hammingAccuracy the share of classes whose membership was predicted right
 * @param logLoss the mean over the classes of the binary log loss of their probability
 * @param exact whether every class was predicted right (the predicted set is the true one)
 */
public record MultiLabelOutcome(double hammingAccuracy, double logLoss, boolean exact) {

  /** Probabilities are clipped here so that one confident mistake costs a finite log loss. */
  private static final double MIN_PROBABILITY = 1e-15;

  /** The outcome of per-class probabilities {@code scores} when the classes {@code labels} hold. */
  public static MultiLabelOutcome of(float[] scores, List<Integer> labels) {
    boolean[] holds = new boolean[scores.length];
    for (int label : labels) {
      holds[label] = true;
    }
    int right = 0;
    double logLoss = 0;
    for (int i = 0; i < scores.length; i++) {
      if (holds[i] == isPredicted(scores[i])) {
        right++;
      }
      double probability = holds[i] ? scores[i] : 1.0 - scores[i];
      logLoss -= Math.log(Math.max(probability, MIN_PROBABILITY));
    }
    return new MultiLabelOutcome(
        (double) right / scores.length, logLoss / scores.length, right == scores.length);
  }

  /** The classes predicted to hold, in increasing order. */
  public static List<Integer> predictedSet(float[] scores) {
    List<Integer> predicted = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (isPredicted(scores[i])) {
        predicted.add(i);
      }
    }
    return predicted;
  }

  private static boolean isPredicted(float probability) {
    return probability >= 0.5f;
  }
}
