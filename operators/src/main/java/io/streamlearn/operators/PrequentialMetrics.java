package io.streamlearn.operators;

import io.streamlearn.operators.evaluation.MultiLabelOutcome;
import io.streamlearn.operators.evaluation.RegressionOutcome;
import io.streamlearn.operators.state.FadingSums;
import io.streamlearn.schemas.LabeledSample;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Recent prequential (test-then-train) quality of one key's model, as fading-factor estimates
 * (Gama, Sebastião, Rodrigues 2013): every outcome {@code x} updates {@code S = a*S + x} with
 * {@code a = 1 - 1/window}, so the estimate weighs about the last {@code window} predictions and
 * needs a handful of numbers per key instead of a buffer of outcomes.
 */
final class PrequentialMetrics {

  /** Probabilities are clipped here so that one confident mistake costs a finite log loss. */
  private static final double MIN_PROBABILITY = 1e-15;

  private final double fading;

  PrequentialMetrics(int window) {
    this.fading = 1.0 - 1.0 / window;
  }

  static FadingSums empty() {
    return new FadingSums(0.0, 0.0, 0.0, 0.0, 0.0);
  }

  /**
   * Adds the outcome of a labeled sample of a model of {@code shape}, and returns its error for the
   * drift detector: 0 or 1 for a classification (for multi-label, 1 unless every class was
   * predicted right), the mean absolute error over the outputs of a regression.
   */
  double add(FadingSums sums, ModelShape shape, LabeledSample sample, float[] scores) {
    if (shape.multiLabel()) {
      return addMultiLabel(sums, scores, sample.getLabels());
    }
    if (shape.isClassification()) {
      addClassification(sums, scores, sample.getLabel());
      return argMax(scores) == sample.getLabel() ? 0 : 1;
    }
    RegressionOutcome outcome =
        RegressionOutcome.of(scores, ModelShape.targetsOf(sample.getTarget(), sample.getTargets()));
    add(sums, 0.0, 0.0, outcome.meanAbsoluteError(), outcome.meanSquaredError());
    return outcome.meanAbsoluteError();
  }

  /**
   * Adds a multi-label outcome as the Hamming accuracy (the share of classes whose membership was
   * predicted right) and the mean binary log loss over the classes.
   */
  private double addMultiLabel(FadingSums sums, float[] scores, List<Integer> labels) {
    MultiLabelOutcome outcome = MultiLabelOutcome.of(scores, labels);
    add(sums, outcome.hammingAccuracy(), outcome.logLoss(), 0.0, 0.0);
    return outcome.exact() ? 0 : 1;
  }

  /** Adds the outcome of a classification: the scores the model gave and the true class. */
  private void addClassification(FadingSums sums, float[] scores, int label) {
    int predicted = argMax(scores);
    double probability = Math.max(scores[label], MIN_PROBABILITY);
    add(sums, predicted == label ? 1.0 : 0.0, -Math.log(probability), 0.0, 0.0);
  }

  /** The estimates published with a checkpoint; empty before the first labeled prediction. */
  static Map<String, Double> summary(FadingSums sums, boolean classification) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    double weight = sums.getWeight();
    if (weight > 0) {
      if (classification) {
        metrics.put("accuracy", sums.getCorrect() / weight);
        metrics.put("logLoss", sums.getLogLoss() / weight);
      } else {
        metrics.put("mae", sums.getAbsoluteError() / weight);
        metrics.put("rmse", Math.sqrt(sums.getSquaredError() / weight));
      }
    }
    return metrics;
  }

  static int argMax(float[] scores) {
    int best = 0;
    for (int i = 1; i < scores.length; i++) {
      if (scores[i] > scores[best]) {
        best = i;
      }
    }
    return best;
  }

  private void add(
      FadingSums sums, double correct, double logLoss, double absolute, double squared) {
    sums.setWeight(fading * sums.getWeight() + 1.0);
    sums.setCorrect(fading * sums.getCorrect() + correct);
    sums.setLogLoss(fading * sums.getLogLoss() + logLoss);
    sums.setAbsoluteError(fading * sums.getAbsoluteError() + absolute);
    sums.setSquaredError(fading * sums.getSquaredError() + squared);
  }
}
